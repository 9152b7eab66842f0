"""End-to-end scenarios through the sandbox, on both runtimes (see conftest.py)."""

from __future__ import annotations

import asyncio
import re

import pytest

from escalation.desk_state import DeskState
from escalation.domain import Priority, State
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENT_BRUNO,
    AGENTS_CHAT,
    CARLA_PREMIUM,
    JOAO_BASIC,
    MANAGER_CHAT,
    STRANGER,
    Desk,
    buttons,
    user,
)

pytestmark = pytest.mark.cluster

CARLA = user(CARLA_PREMIUM, "Carla")
JOAO = user(JOAO_BASIC, "João")
ANA = user(AGENT_ANA, "Ana")
BRUNO = user(AGENT_BRUNO, "Bruno")


async def open_ticket(desk: Desk, who: dict, text: str = "nenhum canal funciona desde ontem") -> int:
    """A customer reports a problem; returns the ticket number the bot announced."""
    await desk.say(who, text)
    reply = await desk.expect(who["id"], "#")
    return int(reply["text"].split("#", 1)[1].split()[0].rstrip(".,"))


async def test_premium_outage_claim_reply_both_ways_resolve_and_rate(desk: Desk) -> None:
    number = await open_ticket(desk, CARLA)
    told = await desk.expect(CARLA_PREMIUM, f"#{number}")
    assert "urgente" in told["text"]

    card = await desk.card(number)
    assert card["text"].startswith("🔴 P1")
    assert "premium" in card["text"] and "Carla Souza" in card["text"]
    assert {"Claim", "Release", "Resolve"} <= set(buttons(card))

    press = await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Claim"])
    assert (await desk.api.callback(press))["answered"]
    await desk.card(number, where=lambda text: "With: Ana" in text)
    await desk.expect(CARLA_PREMIUM, "Ana")

    await desk.agent_says(ANA, "Reinicie o app, por favor", reply_to_message_id=card["message_id"])
    await desk.expect(CARLA_PREMIUM, "Reinicie o app")
    await desk.expect(AGENTS_CHAT, f"Sent to the customer (#{number})")

    await desk.say(CARLA, "reiniciei e voltou, obrigada")
    relayed = await desk.expect(AGENTS_CHAT, "reiniciei e voltou", where=lambda m: "💬" in m["text"])
    assert relayed.get("reply_to_message", {}).get("message_id") == card["message_id"]

    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Resolve"])
    rating = await desk.expect(CARLA_PREMIUM, "resolvido")
    await desk.card(number, where=lambda text: "✅" in text)
    await desk.api.press(CARLA, CARLA_PREMIUM, rating["message_id"], buttons(rating)["5⭐"])
    await desk.expect(CARLA_PREMIUM, "Obrigado pela avaliação")

    ticket = await desk.bot.desk.store.get(number)
    assert (ticket.state, ticket.priority, ticket.csat, ticket.assignee) == (
        State.RESOLVED,
        Priority.P1,
        5,
        AGENT_ANA,
    )
    assert ticket.first_response_at is not None


async def test_faq_question_is_answered_without_a_ticket(desk: Desk) -> None:
    await desk.say(JOAO, "como faço pra pagar com pix?")
    answer = await desk.expect(JOAO_BASIC, "Isso ajudou?")
    assert set(buttons(answer)) == {"👍 Sim", "👎 Não"}
    await desk.api.press(JOAO, JOAO_BASIC, answer["message_id"], buttons(answer)["👍 Sim"])
    await desk.expect(JOAO_BASIC, "Que bom")
    assert await desk.bot.desk.store.list() == []


async def test_non_agent_pressing_claim_changes_nothing(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    stranger = user(STRANGER, "Mallory")
    press = await desk.api.press(stranger, AGENTS_CHAT, card["message_id"], buttons(card)["Claim"])
    answer = await _answered(desk, press)
    assert answer["show_alert"] and "Only agents" in answer["text"]
    assert (await desk.bot.desk.store.get(number)).state is State.OPEN

    await desk.agent_says(stranger, f"/claim {number}")
    await desk.expect(AGENTS_CHAT, "Only agents")
    assert (await desk.bot.desk.store.get(number)).state is State.OPEN


async def test_two_agents_pressing_claim_at_once_one_wins(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    data = buttons(card)["Claim"]
    first, second = await asyncio.gather(
        desk.api.press(ANA, AGENTS_CHAT, card["message_id"], data),
        desk.api.press(BRUNO, AGENTS_CHAT, card["message_id"], data),
    )
    answers = [await _answered(desk, first), await _answered(desk, second)]
    winners = [a for a in answers if "is yours" in a["text"]]
    losers = [a for a in answers if "is already held by" in a["text"]]
    assert len(winners) == 1 and len(losers) == 1 and losers[0]["show_alert"]
    ticket = await desk.bot.desk.store.get(number)
    assert ticket.assignee in (AGENT_ANA, AGENT_BRUNO)
    claims = [e for e in await desk.bot.desk.store.history(number) if e["event"] == "claimed"]
    assert len(claims) == 1


async def test_forged_button_data_changes_nothing(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    forged = buttons(card)["Claim"][:-3] + "xyz"
    for data in (forged, f"1|claim|{number}|AAAAAAAAAA", "claim", "x" * 64):
        answer = await _answered(desk, await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], data))
        assert answer["show_alert"]
    assert (await desk.bot.desk.store.get(number)).state is State.OPEN


async def test_blocked_customer_is_marked_unreachable(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    await desk.api.block(JOAO_BASIC)
    await desk.agent_says(ANA, "Pode testar agora?", reply_to_message_id=card["message_id"])
    await desk.expect(AGENTS_CHAT, "blocked the bot")
    await desk.card(number, where=lambda text: "unreachable" in text)
    assert (await desk.bot.desk.store.get(number)).unreachable


async def test_an_update_telegram_delivers_again_is_handled_once(desk: Desk) -> None:
    sent = await desk.say(JOAO, "nenhum canal funciona")
    await desk.expect(JOAO_BASIC, "#")
    acks = len(await desk.bot_messages(JOAO_BASIC))
    await desk.api.redeliver(sent["update_id"])  # the inbox already holds (or held) that update id
    asked = await desk.say(JOAO, "alguma novidade?")  # handled after the redelivery: one chat, in order
    await desk.expect(JOAO_BASIC, "#1", after=asked["message_id"])
    customer_messages = [e for e in await desk.bot.desk.store.history(1) if e["actor"].startswith("customer")]
    assert [e["text"] for e in customer_messages] == ["nenhum canal funciona", "alguma novidade?"]
    assert len(await desk.bot_messages(JOAO_BASIC)) == acks + 1


async def test_html_and_long_messages_are_escaped_and_split(desk: Desk) -> None:
    nasty = "<b>caiu</b> tudo & <script>alert(1)</script> nenhum canal funciona"
    number = await open_ticket(desk, JOAO, nasty)
    card = await desk.card(number)
    assert "<script>alert(1)</script>" in card["text"]
    assert all(
        e["type"] != "bold" or "caiu" not in card["text"][e["offset"] : e["offset"] + e["length"]]
        for e in card.get("entities", [])
    )

    long_text = ("linha com texto longo " * 250)[:5000]
    await desk.say(JOAO, long_text)  # Telegram apps send 5,000 characters as two messages
    relayed = await desk.expect(AGENTS_CHAT, "+1 message", where=lambda m: f"💬 #{number}" in m["text"])
    assert len(relayed["text"]) <= 4096
    assert _content([relayed["text"].split("\n", 1)[1]]).endswith(_content([long_text])[-2000:] + "+1message")
    acks = await _bot_texts_containing(desk, JOAO_BASIC, "adicionei ao chamado", count=1)
    assert len(acks) == 1

    card = await desk.card(number)
    answer = ("resposta detalhada " * 300)[:4096]
    await desk.agent_says(ANA, answer, reply_to_message_id=card["message_id"])
    received = await _bot_texts_containing(desk, JOAO_BASIC, "resposta detalhada", count=2)
    assert all(len(text) <= 4096 for text in received)
    assert _content(received, f"chamado #{number}:") == _content([answer])


async def test_status_cancel_unknown_command_and_foreign_contact(desk: Desk) -> None:
    await desk.say(JOAO, "/status")
    await desk.expect(JOAO_BASIC, "não tem chamado")
    number = await open_ticket(desk, JOAO)
    await desk.say(JOAO, "/status")
    status = await desk.expect(JOAO_BASIC, "aguardando atendente")
    assert "1º da fila" in status["text"]
    await desk.say(JOAO, "/cancel")
    await desk.expect(JOAO_BASIC, "encerrado a seu pedido")
    assert (await desk.bot.desk.store.get(number)).resolution == "withdrawn"
    await desk.say(JOAO, "/frobnicate")
    await desk.expect(JOAO_BASIC, "Não conheço esse comando")
    await desk.api.send_message(JOAO, contact={"phone_number": "+55 11 90000-1001", "user_id": CARLA_PREMIUM})
    await desk.expect(JOAO_BASIC, "só aceito o seu próprio número")


async def test_unlinked_customer_claiming_premium_stays_basic(desk: Desk) -> None:
    stranger = user(5555, "Zé")
    number = await open_ticket(desk, stranger, "sou cliente premium e nenhum canal funciona")
    ticket = await desk.bot.desk.store.get(number)
    assert ticket.priority is Priority.P2 and ticket.customer.tier is None
    await desk.say(stranger, "/link SUB-1001")
    await desk.expect(5555, "compartilhar")
    assert (await desk.bot.desk.store.get(number)).priority is Priority.P2


async def test_manager_report(desk: Desk) -> None:
    await desk.bot.dispatcher.managers.record_snapshot()  # a snapshot in the period: a chart to draw
    await open_ticket(desk, CARLA)
    await desk.api.send_message(user(MANAGER_CHAT, "Gerente"), "/report 24h")
    report = await desk.expect(MANAGER_CHAT, "Summary")
    assert re.search(r"P1:? 1\b", report["text"]) and "#1" in report["text"]
    chart = await desk.api.wait_for(MANAGER_CHAT, lambda m: "photo" in m and m.get("from", {}).get("is_bot"))
    assert chart["photo"][-1]["width"] >= 400
    await desk.api.send_message(user(MANAGER_CHAT, "Gerente"), "/report yesterday")
    await desk.expect(MANAGER_CHAT, "/report 24h | /report 7d")


def _content(texts: list[str], header_end: str | None = None) -> str:
    """The words of several messages, without the bot's header lines and without white space."""
    body = [text.split(header_end, 1)[1] if header_end and header_end in text else text for text in texts]
    return "".join("".join(body).split())


async def _bot_texts_containing(
    desk: Desk, chat_id: int, needle: str, count: int, within: float = 10.0
) -> list[str]:
    """Wait until at least `count` bot messages in the chat contain `needle`; return their texts."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        texts = [m["text"] for m in await desk.bot_messages(chat_id) if needle in m.get("text", "")]
        if len(texts) >= count or loop.time() > deadline:
            return texts
        await desk.api.changes(chat_id, wait=0.5)


async def _answered(desk: Desk, callback_id: str) -> dict:
    """How the bot answered a button press (the sandbox waits for the answer)."""
    return await desk.api.callback(callback_id)


async def test_out_of_scope_question_gets_no_confident_answer_and_is_counted(desk: Desk) -> None:
    await desk.say(JOAO, "qual a altura do Everest?")
    first = await desk.expect(JOAO_BASIC, "Não entendi bem")
    assert await desk.bot.desk.store.list() == []
    await desk.say(JOAO, "hmm")
    await desk.expect(JOAO_BASIC, "Não entendi bem", after=first["message_id"])
    state = DeskState(desk.bot.desk.redis, desk.bot.desk.store.keys)
    gaps = await state.faq_gaps(0, desk.bot.desk.store.clock.now())
    assert [text for _, text in gaps.questions] == ["qual a altura do Everest?"]
