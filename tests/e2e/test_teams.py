"""Two teams in two groups, through the sandbox on both runtimes: routing, a transfer, refusals.

Support (the default team, English) works in the settings' group with Ana and Bruno; Financeiro
(billing, Spanish) works in its own group with Carlos. Billing questions go to Financeiro, premium
outages to Support. Each scenario reads what each group, each agent and the customer see.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from redis.asyncio import Redis

from escalation.policy import DEFAULT_POLICY_FILE
from handlers.texts import a, t
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENTS_CHAT,
    CARLA_PREMIUM,
    STRANGER,
    Desk,
    buttons,
    open_harness,
    user,
)
from tests.e2e.test_scenarios import ANA, CARLA, JOAO, open_ticket

pytestmark = pytest.mark.cluster

BILLING_CHAT = -1001000000077
AGENT_CARLOS = 2101
CARLOS = user(AGENT_CARLOS, "Carlos", language="es")
TEAMS = {
    "default": "support",
    "groups": {
        "support": {"title": "Support"},
        "billing": {
            "title": "Financeiro",
            "chat_id": BILLING_CHAT,
            "language": "es",
            "agents": [AGENT_CARLOS],
        },
    },
    "routes": [
        {"team": "billing", "intent": ["billing"]},
        {"team": "support", "intent": ["outage"], "plan": ["premium"]},
    ],
}
BILLING_GROUP = {"id": BILLING_CHAT, "type": "supergroup", "title": "Financeiro"}
SUPPORT_GROUP = {"id": AGENTS_CHAT, "type": "supergroup", "title": "Agents"}


def teams_policy(folder: Path) -> Path:
    """The default policy with the two teams, written into `folder`."""
    raw = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    raw["teams"] = TEAMS
    policy = folder / "policy.yaml"
    policy.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return policy


@pytest.fixture
async def desk(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    """The bot with two teams: Support in the settings' group (English), Financeiro in its own (Spanish)."""
    policy = teams_policy(tmp_path)
    async for harness in open_harness(
        redis_config, namespace, runtime_kind, tmp_path, settings_overrides={"policy_file": policy}
    ):
        members = [{"user": person, "status": "member"} for person in (CARLOS, ANA)]
        await harness.api.create_chat(BILLING_CHAT, title="Financeiro", members=members)
        await harness.api.set_member(AGENTS_CHAT, CARLOS)  # an agent of another team, in Support's group
        yield harness


async def card_in(desk: Desk, chat: int, number: int, contains: str = "") -> dict[str, Any]:
    """Ticket #number's card in a group (once it holds `contains`)."""
    return await desk.expect(
        chat, f"#{number}", where=lambda m: "reply_markup" in m and contains in m.get("text", "")
    )


async def says(desk: Desk, who: dict[str, Any], group: dict[str, Any], text: str, **extra: Any) -> str:
    """Someone writes in a group; the bot's answer to that message."""
    sent = await desk.api.send_message(who, text, chat=group, **extra)
    reply = await desk.expect(
        group["id"], "", where=lambda m: m.get("reply_to_message", {}).get("message_id") == sent["message_id"]
    )
    return str(reply["text"])


async def press_in(
    desk: Desk, who: dict[str, Any], chat: int, message: dict[str, Any], label: str
) -> dict[str, Any]:
    """Press a button of a bot message in a group; how the bot answered the press."""
    pressed = await desk.api.press(who, chat, message["message_id"], buttons(message)[label])
    return await desk.api.callback(pressed)


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


async def test_tickets_are_routed_to_their_teams_group_and_another_teams_agent_is_refused(desk: Desk) -> None:
    outage = await open_ticket(desk, CARLA)  # a premium outage: Support
    billing = await open_ticket(desk, JOAO, "fui cobrado duas vezes este mês")  # billing: Financeiro

    support_card = await card_in(desk, AGENTS_CHAT, outage)
    billing_card = await card_in(desk, BILLING_CHAT, billing, a("es", "intent_billing"))
    assert a("en", "claim") in buttons(support_card) and a("es", "claim") in buttons(billing_card)
    assert f"#{billing}" not in texts(await desk.bot_messages(AGENTS_CHAT))
    assert f"#{outage}" not in texts(await desk.bot_messages(BILLING_CHAT))

    refused = await press_in(desk, CARLOS, AGENTS_CHAT, support_card, a("en", "claim"))
    assert refused["show_alert"]
    assert refused["text"] == a("es", "other_team_member", yours="Financeiro", team="Support")
    assert await says(desk, ANA, BILLING_GROUP, f"/claim {billing}") == a(
        "en", "other_team_member", yours="Support", team="Financeiro"
    )
    assert await says(desk, CARLOS, BILLING_GROUP, f"/claim {outage}") == "⚠️ " + a(
        "es", "ticket_other_team", ticket=f"#{outage}", team="Support"
    )
    claimed = await press_in(desk, CARLOS, BILLING_CHAT, billing_card, a("es", "claim"))
    assert claimed["text"] == a("es", "claimed_ok", ticket=f"#{billing}")
    assert (await desk.bot.desk.store.get(outage)).assignee is None


async def test_a_transfer_moves_the_card_and_the_history_and_refuses_what_it_must(desk: Desk) -> None:
    number = await open_ticket(desk, CARLA)
    n = f"#{number}"
    card = await card_in(desk, AGENTS_CHAT, number)
    assert await says(desk, ANA, SUPPORT_GROUP, f"/note {number} checked her line: fine") == a(
        "en", "noted", ticket=n
    )
    await says(desk, ANA, SUPPORT_GROUP, "Vou verificar a cobrança.", reply_to_message_id=card["message_id"])
    await desk.expect(CARLA_PREMIUM, "Vou verificar a cobrança.")  # her answer claimed it for Ana

    assert await says(desk, ANA, SUPPORT_GROUP, f"/transfer {number} sales") == "⚠️ " + a(
        "en", "transfer_unknown", team="sales", teams="support, billing"
    )
    assert await says(desk, ANA, SUPPORT_GROUP, f"/transfer {number} support") == "⚠️ " + a(
        "en", "refused_same_team", ticket=n
    )
    assert await says(desk, user(STRANGER, "Eve"), SUPPORT_GROUP, f"/transfer {number} billing") == a(
        "en", "not_agent"
    )
    assert await says(desk, ANA, SUPPORT_GROUP, f"/transfer {number} billing") == a(
        "en", "transfer_ok", ticket=n, team="Financeiro"
    )

    moved = a("en", "transferred_card", team="Financeiro", agent="Ana")
    old = await desk.expect(AGENTS_CHAT, moved, where=lambda m: m["message_id"] == card["message_id"])
    assert not buttons(old)
    new_card = await card_in(desk, BILLING_CHAT, number)
    assert a("es", "claim") in buttons(new_card)  # back in the queue, nobody holds it
    history = await desk.expect(
        BILLING_CHAT,
        a("es", "transfer_history", ticket=n, team="Support", agent="Ana"),
        where=lambda m: m.get("reply_to_message", {}).get("message_id") == new_card["message_id"],
    )
    lines = history["text"].splitlines()[1:]
    assert [re.sub(r"^\d\d/\d\d \d\d:\d\d ", "", line) for line in lines] == [
        "👤 Carla Souza: nenhum canal funciona desde ontem",
        f"📝 Ana ({a('es', 'history_internal')}): checked her line: fine",
        "💬 Ana: Vou verificar a cobrança.",
    ]
    notice = t("pt", "transferred_notice", ticket=n, queue="").replace("<b>", "").replace("</b>", "")
    told = await desk.expect(CARLA_PREMIUM, "outra equipe")
    assert told["text"].startswith(notice) and "1º da fila" in told["text"]  # she waits again: her place
    assert all("checked her line" not in m.get("text", "") for m in await desk.bot_messages(CARLA_PREMIUM))

    assert await says(desk, ANA, SUPPORT_GROUP, "still there?", reply_to_message_id=card["message_id"]) == (
        "⚠️ " + a("en", "ticket_other_team", ticket=n, team="Financeiro")
    )
    assert await says(
        desk, CARLOS, BILLING_GROUP, "Revisamos el cobro.", reply_to_message_id=history["message_id"]
    ) == a("es", "relayed", ticket=n)
    await desk.expect(CARLA_PREMIUM, "Revisamos el cobro.")
    assert await says(desk, CARLOS, BILLING_GROUP, f"/resolve {number}") == a("es", "resolved_ok", ticket=n)
    assert await says(desk, CARLOS, BILLING_GROUP, f"/transfer {number} support") == "⚠️ " + a(
        "es", "refused_resolved", ticket=n
    )
    audit = await desk.bot.desk.redis.xrange(desk.bot.desk.store.keys.audit)
    assert [(e["event"], e["actor"]) for _, e in audit if e["event"] == "transferred"] == [
        ("transferred", f"agent:{AGENT_ANA}")
    ]


async def test_a_customers_next_words_reach_the_new_teams_group(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO, "fui cobrado duas vezes este mês")
    await card_in(desk, BILLING_CHAT, number)
    assert await says(desk, CARLOS, BILLING_GROUP, f"/transfer {number} support") == a(
        "es", "transfer_ok", ticket=f"#{number}", team="Support"
    )
    new_card = await card_in(desk, AGENTS_CHAT, number)
    await desk.say(JOAO, "e o estorno?")
    relayed = await desk.expect(AGENTS_CHAT, "e o estorno?")
    assert relayed["reply_to_message"]["message_id"] == new_card["message_id"]
    assert "e o estorno?" not in texts(await desk.bot_messages(BILLING_CHAT))


@pytest.fixture
async def forum_desk(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    """The two teams in topic mode: both groups are forums, one topic per customer in each."""
    policy = teams_policy(tmp_path)
    async for harness in open_harness(
        redis_config,
        namespace,
        runtime_kind,
        tmp_path,
        settings_overrides={"policy_file": policy, "agents_topics": True},
    ):
        members = [{"user": person, "status": "member"} for person in (CARLOS, ANA)]
        await harness.api.create_chat(BILLING_CHAT, title="Financeiro", is_forum=True, members=members)
        await harness.api.create_chat(
            AGENTS_CHAT, title="Agents", is_forum=True, members=[{"user": ANA, "status": "member"}]
        )
        yield harness


async def forum_topics(desk: Desk, chat: int) -> dict[int, dict[str, Any]]:
    """A forum's topics by thread id."""
    chats = {c["id"]: c for c in await desk.api.chats()}
    return {topic["message_thread_id"]: topic for topic in chats[chat]["topics"]}


async def test_a_transfer_in_topic_mode_moves_the_topic_with_card_and_history(forum_desk: Desk) -> None:
    desk = forum_desk
    number = await open_ticket(desk, CARLA)
    n = f"#{number}"
    old_card = await card_in(desk, AGENTS_CHAT, number)
    old_thread = old_card["message_thread_id"]
    noted = await says(desk, ANA, SUPPORT_GROUP, "/note router checked", message_thread_id=old_thread)
    assert noted == a("en", "noted", ticket=n)
    await desk.api.send_message(ANA, "Vou verificar.", chat=SUPPORT_GROUP, message_thread_id=old_thread)
    await desk.expect(CARLA_PREMIUM, "Vou verificar.")

    await desk.api.send_message(
        ANA, f"/transfer {number} billing", chat=SUPPORT_GROUP, message_thread_id=old_thread
    )
    new_card = await card_in(desk, BILLING_CHAT, number)
    new_thread = new_card["message_thread_id"]
    assert new_thread in await forum_topics(desk, BILLING_CHAT)
    history = await desk.expect(
        BILLING_CHAT,
        a("es", "transfer_history", ticket=n, team="Support", agent="Ana"),
        where=lambda m: m.get("message_thread_id") == new_thread,
    )
    assert "router checked" in history["text"] and "Vou verificar." in history["text"]
    notice = a("en", "topic_transferred", ticket=n, team="Financeiro", agent="Ana")
    await desk.expect(AGENTS_CHAT, notice, where=lambda m: m.get("message_thread_id") == old_thread)
    await desk.api.wait_for(
        AGENTS_CHAT, lambda m: "forum_topic_closed" in m and m.get("message_thread_id") == old_thread
    )
    assert (await forum_topics(desk, AGENTS_CHAT))[old_thread]["is_closed"]

    await desk.say(CARLA, "e agora, alguma novidade?")
    copied = await desk.expect(BILLING_CHAT, "alguma novidade", where=lambda m: "reply_markup" not in m)
    assert copied["message_thread_id"] == new_thread
    await desk.api.send_message(
        CARLOS, "Revisamos su caso.", chat=BILLING_GROUP, message_thread_id=new_thread
    )
    await desk.expect(CARLA_PREMIUM, "Revisamos su caso.")
    assert "alguma novidade" not in texts(await desk.bot_messages(AGENTS_CHAT))
