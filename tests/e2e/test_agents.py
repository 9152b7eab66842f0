"""The agents' group as agents meet it: two agents and a supervisor, answers read as they see them.

Every scenario runs on both runtimes through the sandbox. The command walk-through runs in each
AGENTS_LANGUAGE and compares every answer with the agents' text in that language; the other
scenarios play a Portuguese group (as the desk was played when these problems were found).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.domain import State
from handlers.texts import a
from sandbox.server import DEFAULT_BOT_USERNAME
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENTS_CHAT,
    JOAO_BASIC,
    MANAGER_CHAT,
    SUPERVISOR,
    Desk,
    buttons,
    open_harness,
    user,
)
from tests.e2e.test_scenarios import ANA, BRUNO, CARLA, JOAO, open_ticket

pytestmark = pytest.mark.cluster

SP = ZoneInfo("America/Sao_Paulo")
WEDNESDAY_NOON = datetime(2026, 1, 7, 12, 0, tzinfo=SP).timestamp()
MINUTE = 60.0
SOFIA = user(SUPERVISOR, "Sofia")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(WEDNESDAY_NOON)


@pytest.fixture
async def desk(
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
    clock: ManualClock,
) -> AsyncIterator[Desk]:
    """A Portuguese agents' group on a manual clock."""
    async for harness in open_harness(
        redis_config, namespace, runtime_kind, tmp_path, clock=clock, agents_language="pt"
    ):
        yield harness


async def answer(desk: Desk, who: dict[str, Any], text: str, **extra: Any) -> str:
    """An agent writes in the group; the bot's answer to that message, as the agent reads it."""
    sent = await desk.agent_says(who, text, **extra)
    reply = await desk.expect(
        AGENTS_CHAT, "", where=lambda m: m.get("reply_to_message", {}).get("message_id") == sent["message_id"]
    )
    return str(reply["text"])


async def press(desk: Desk, who: dict[str, Any], message: dict[str, Any], label: str) -> dict[str, Any]:
    """Press a button of a bot message; how the bot answered the press."""
    pressed = await desk.api.press(who, AGENTS_CHAT, message["message_id"], buttons(message)[label])
    return await desk.api.callback(pressed)


async def tick(desk: Desk) -> list:
    watch = desk.bot.dispatcher.sla_watch
    events = await watch.tick()
    await watch.drain()
    return events


async def group(desk: Desk, needle: str) -> list[dict[str, Any]]:
    """The bot's group messages containing `needle`, once everything queued was sent."""
    await desk.bot.outbox.stop(drain_timeout=5)
    desk.bot.outbox.start()
    return [m for m in await desk.bot_messages(AGENTS_CHAT) if needle in m.get("text", "")]


async def test_every_agent_command_answers_in_the_agents_language(desk_in: tuple[Desk, str]) -> None:
    desk, lang = desk_in
    number = await open_ticket(desk, JOAO)
    n = f"#{number}"

    claimed = await answer(desk, ANA, f"/claim {number}")
    assert claimed.startswith(a(lang, "claimed_ok", ticket=n))
    assert "João Lima" in claimed and "nenhum canal funciona" in claimed
    assert a(lang, "mine_title") in await answer(desk, ANA, "/mine")
    assert a(lang, "refused_claimed", ticket=n, holder="Ana") in await answer(desk, BRUNO, f"/claim {number}")
    assert a(lang, "refused_not_holder", ticket=n, holder="Ana") in await answer(
        desk, BRUNO, f"/release {number}"
    )
    assert await answer(desk, ANA, f"/release {number}") == a(lang, "released_ok", ticket=n)
    assert (await answer(desk, ANA, "/next")).startswith(a(lang, "claimed_ok", ticket=n))
    assert a(lang, "priority_usage") in await answer(desk, ANA, f"/priority {number} P9")
    assert await answer(desk, ANA, f"/priority {number} P1") == a(
        lang, "priority_ok", ticket=n, priority="P1"
    )
    assert await answer(desk, ANA, f"/note {number} cliente pediu retorno") == a(lang, "noted", ticket=n)
    assert await answer(desk, ANA, f"/reply {number} Já estamos vendo") == a(lang, "relayed", ticket=n)
    held = await desk.agent_says(BRUNO, f"/reply {number} Posso ajudar?")
    warning = await desk.expect(
        AGENTS_CHAT, "", where=lambda m: m.get("reply_to_message", {}).get("message_id") == held["message_id"]
    )
    assert a(lang, "reply_held", ticket=n, holder="Ana") in warning["text"]
    sent = await press(desk, BRUNO, warning, a(lang, "send_anyway"))
    assert sent["text"] == a(lang, "relayed", ticket=n)
    assert a(lang, "resolve_usage") in await answer(desk, ANA, f"/resolve {number} resolvido")
    assert await answer(desk, ANA, "/oncall handover olhar o #1") == a(lang, "oncall_note_saved")
    assert await answer(desk, ANA, "/queue") == a(lang, "queue_empty")
    assert (await answer(desk, ANA, "/oncall")).startswith(a(lang, "oncall_now"))
    assert a(lang, "number_usage", command="claim") in await answer(desk, ANA, "/claim ١٢")
    assert (await answer(desk, ANA, "/frobnicate")).startswith(a(lang, "usage")[:20])
    assert await answer(desk, ANA, f"/resolve {number} msg Pronto!") == a(lang, "resolved_ok", ticket=n)
    assert a(lang, "refused_resolved", ticket=n) in await answer(desk, ANA, f"/claim {number}")
    assert a(lang, "refused_not_found", ticket="#999") in await answer(desk, ANA, "/claim 999")

    second = await open_ticket(desk, CARLA)
    s = f"#{second}"
    card = await desk.card(second)
    labels = {key: a(lang, key) for key in ("claim", "release", "resolve", "up", "down")}
    assert set(labels.values()) - {labels["up"]} <= set(buttons(card)), "a P1 card has no ▲"
    assert (await press(desk, BRUNO, card, labels["claim"]))["text"] == a(lang, "claimed_ok", ticket=s)
    refused = await press(desk, ANA, card, labels["release"])
    assert refused["show_alert"] and refused["text"] == a(
        lang, "refused_not_holder", ticket=s, holder="Bruno"
    )
    assert (await press(desk, BRUNO, card, labels["release"]))["text"] == a(lang, "released_ok", ticket=s)
    lowered = await press(desk, BRUNO, card, labels["down"])
    assert lowered["text"] == a(lang, "priority_ok", ticket=s, priority="P2")
    card = await desk.card(second, where=lambda text: "P2" in text)
    assert (await press(desk, BRUNO, card, labels["up"]))["text"] == a(
        lang, "priority_ok", ticket=s, priority="P1"
    )
    assert (await press(desk, BRUNO, card, labels["resolve"]))["text"] == a(lang, "resolved_ok", ticket=s)
    again = await press(desk, ANA, card, labels["claim"])
    assert again["show_alert"] and again["text"] == a(lang, "refused_resolved", ticket=s)


async def test_release_answers_and_the_holder_hears_when_a_supervisor_takes_the_ticket(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    await answer(desk, ANA, f"/claim {number}")
    assert await answer(desk, ANA, f"/release {number}") == f"#{number} voltou para a fila."
    await answer(desk, ANA, f"/claim {number}")
    # One answer, naming both (a second "#n voltou para a fila." read as a duplicate).
    told_text = await answer(desk, SOFIA, f"/release {number}")
    assert told_text == f"↩️ Sofia tirou #{number} de Ana; o chamado voltou para a fila."
    told = await desk.expect(AGENTS_CHAT, f"Sofia tirou #{number} de Ana")
    plain = [
        m for m in await group(desk, "voltou para a fila") if m["text"] == f"#{number} voltou para a fila."
    ]
    assert len(plain) == 1  # Ana's own release only
    assert any(
        e.get("url") == f"tg://user?id={AGENT_ANA}" or e.get("user", {}).get("id") == AGENT_ANA
        for e in told.get("entities", [])
    )
    ticket = await desk.bot.desk.store.get(number)
    assert (ticket.state, ticket.assignee) == (State.OPEN, None)
    # João was told twice that Ana handles it, and twice that it is back in the queue, with his place.
    back = [m["text"] for m in await desk.bot_messages(JOAO_BASIC) if "voltou para a fila" in m["text"]]
    assert len(back) == 2 and all("1º da fila" in text for text in back), back


async def test_internal_notes_stay_on_the_card_and_the_customer_gets_only_the_explicit_message(
    desk: Desk,
) -> None:
    number = await open_ticket(desk, JOAO)
    await answer(desk, ANA, f"/claim {number}")
    await answer(desk, ANA, f"/note {number}\ncliente grosseiro, cuidado")
    await desk.card(number, where=lambda text: "Notas internas" in text and "cliente grosseiro" in text)
    assert "/resolve N msg" in await answer(desk, ANA, f"/resolve {number} reinstalei o app")
    assert (await desk.bot.desk.store.get(number)).state is State.CLAIMED, "an ambiguous resolve does nothing"
    await answer(desk, ANA, f"/resolve {number} msg\nReinstale o app.\nDepois reinicie a TV.")
    resolved = await desk.expect(JOAO_BASIC, "foi resolvido")
    assert "Reinstale o app.\nDepois reinicie a TV." in resolved["text"]
    seen = " ".join(m.get("text", "") for m in await desk.bot_messages(JOAO_BASIC))
    assert "grosseiro" not in seen and "reinstalei" not in seen
    help_text = await answer(desk, ANA, "/ajuda")
    assert "/resolve N [msg texto ao cliente]" in help_text and "/note N nota interna" in help_text


async def test_an_answer_to_a_ticket_another_agent_holds_waits_for_send_anyway(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    await answer(desk, ANA, f"/claim {number}")
    sent = await desk.agent_says(BRUNO, "Tente o canal 5", reply_to_message_id=card["message_id"])
    warning = await desk.expect(
        AGENTS_CHAT,
        "NÃO foi enviada",
        where=lambda m: m.get("reply_to_message", {}).get("message_id") == sent["message_id"],
    )
    assert f"#{number} está com Ana" in warning["text"]
    assert "Tente o canal 5" not in " ".join(m.get("text", "") for m in await desk.bot_messages(JOAO_BASIC))
    assert (await press(desk, ANA, warning, "Enviar mesmo assim"))[
        "text"
    ] == "Só quem escreveu a resposta pode enviá-la."
    assert (await press(desk, BRUNO, warning, "Enviar mesmo assim"))[
        "text"
    ] == f"✉️ Enviado ao cliente (#{number})."
    await desk.expect(JOAO_BASIC, "Tente o canal 5")
    assert (await press(desk, BRUNO, warning, "Enviar mesmo assim"))["show_alert"], "sent once only"
    relayed = [m for m in await desk.bot_messages(JOAO_BASIC) if "Tente o canal 5" in m.get("text", "")]
    assert len(relayed) == 1
    await answer(desk, ANA, f"/reply {number} Sou eu que estou com seu chamado")
    await desk.expect(JOAO_BASIC, "Sou eu que estou")


async def test_pings_say_who_and_what_lose_their_claim_button_and_the_ladder_goes_on(
    desk: Desk, clock: ManualClock
) -> None:
    await desk.api.send_message(user(MANAGER_CHAT, "Gerente"), "/start")
    number = await open_ticket(desk, CARLA)  # premium total outage: P1, first response in 15 min
    clock.advance(7 * MINUTE + 31)
    assert [e.action for e in await tick(desk)] == ["warn"]
    [ping] = await group(desk, "prazo se aproximando")
    assert "Carla Souza (SUB-1001 · São Paulo)" in ping["text"] and "queda / total" in ping["text"]
    assert "«nenhum canal funciona desde ontem»" in ping["text"]
    assert (await press(desk, ANA, ping, "Assumir"))["text"].startswith(f"#{number} é seu")
    retired = await desk.expect(
        AGENTS_CHAT, "✔️ Com: Ana", where=lambda m: m["message_id"] == ping["message_id"]
    )
    assert buttons(retired) == {}

    clock.advance(8 * MINUTE)  # breached while Ana holds it
    assert [e.action for e in await tick(desk)] == ["breach"]
    clock.advance(7 * MINUTE + 1)  # Ana silent for 15 min: the claim times out
    assert any(e.release for e in await tick(desk))
    [back] = await group(desk, "voltou para a fila: Ana não respondeu")
    assert "Carla Souza" in back["text"] and "Assumir" in buttons(back)

    await answer(desk, BRUNO, f"/claim {number}")  # Bruno takes it and stays silent past two renotifications
    retired = await desk.expect(
        AGENTS_CHAT, "✔️ Com: Bruno", where=lambda m: m["message_id"] == back["message_id"]
    )
    assert buttons(retired) == {}
    clock.advance(15 * MINUTE + 1)
    assert any(e.release for e in await tick(desk))
    clock.advance(1)
    assert [e.action for e in await tick(desk)] == ["renotify"], (
        "the ladder goes on at once after the release"
    )
    [renotify] = await group(desk, "ainda sem resposta")
    assert "Carla Souza" in renotify["text"] and "Assumir" in buttons(renotify)
    clock.advance(20 * MINUTE)
    assert [e.action for e in await tick(desk)] == ["managers"]
    escalated = await desk.expect(MANAGER_CHAT, "ninguém reagiu")
    assert "Carla Souza" in escalated["text"]


async def test_queue_pages_tell_namesakes_apart_and_next_answers_with_the_ticket(desk: Desk) -> None:
    people = [user(7200 + i, "Rita" if i < 4 else f"Cliente {i}") for i in range(18)]
    for i, person in enumerate(people):
        await desk.say(person, f"quero falar com um atendente sobre o pedido {i}")
        await desk.expect(person["id"], "#")
    first = await answer(desk, ANA, "/queue")
    assert first.startswith("Fila (18), página 1 de 2:")
    assert "… e mais 3: /queue 2" in first
    ritas = [line for line in first.splitlines() if "Rita (" in line]
    assert len(ritas) == 4 and len({line.split("tg …")[1][:4] for line in ritas}) == 4
    assert all("«quero falar com um atendente sobre o pedido" in line for line in ritas)
    second = await answer(desk, ANA, "/queue 2")
    assert second.startswith("Fila (18), página 2 de 2:") and second.count("\n") == 3
    claimed = await answer(desk, ANA, "/next")
    assert claimed.startswith("#1 é seu.") and "Rita (" in claimed and "pedido 0" in claimed


async def test_one_handover_per_take_with_breached_tickets_listed_as_breached(
    desk: Desk, clock: ManualClock
) -> None:
    late = await open_ticket(desk, CARLA)
    clock.advance(20 * MINUTE)
    await tick(desk)
    soon = await open_ticket(desk, JOAO)  # P2: 1 h
    clock.advance(35 * MINUTE)
    assert await desk.bot.dispatcher.oncall.check_shift() is False
    await desk.agent_says(ANA, "/oncall take cobrindo a Bruna")
    handover = await desk.expect(AGENTS_CHAT, "Troca de plantão")
    assert f"🚨 Prazo estourado: P1 #{late}" in handover["text"]
    assert f"⏰ Perto do prazo: P2 #{soon}" in handover["text"]
    assert await desk.bot.dispatcher.oncall.check_shift() is False
    clock.advance(MINUTE)
    assert await desk.bot.dispatcher.oncall.check_shift() is False
    assert len(await group(desk, "Troca de plantão")) == 1


async def test_commands_for_another_bot_and_non_ascii_numbers_are_not_acted_on(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    sent = await desk.agent_says(ANA, f"/claim@other_bot {number}")
    refused = await answer(desk, ANA, "/claim ١")
    assert "use só os algarismos 0-9" in refused
    replies = [
        m
        for m in await desk.bot_messages(AGENTS_CHAT)
        if m.get("reply_to_message", {}).get("message_id") == sent["message_id"]
    ]
    assert replies == [] and (await desk.bot.desk.store.get(number)).state is State.OPEN
    mine = await answer(desk, ANA, f"/claim@{DEFAULT_BOT_USERNAME} {number}")
    assert mine.startswith(f"#{number} é seu.")


async def test_agent_texts_are_bounded_at_input_with_a_clear_refusal(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    long_text = "a" * 4050
    refused = await answer(desk, ANA, f"/resolve {number} msg {long_text}")
    assert "Texto longo demais: 4050 caracteres (máximo 3000)" in refused
    assert (await desk.bot.desk.store.get(number)).state is State.OPEN
    assert "máximo 1000" in await answer(desk, ANA, f"/note {number} {long_text}")
    assert "máximo 500" in await answer(desk, ANA, f"/oncall take {long_text}")
    assert await group(desk, "Troca de plantão") == []
    await answer(desk, ANA, f"/resolve {number} msg {'b' * 3000}")
    resolved = await desk.expect(JOAO_BASIC, "foi resolvido")
    assert "b" * 3000 in resolved["text"] and len(resolved["text"]) <= 4096


async def test_a_claim_timeout_and_a_breach_in_one_tick_are_one_message_offering_the_claim(
    desk: Desk, clock: ManualClock
) -> None:
    number = await open_ticket(desk, CARLA)
    await answer(desk, ANA, f"/claim {number}")
    clock.advance(16 * MINUTE)  # the deadline (15 min) and Ana's claim timeout (15 min) in one tick
    events = await tick(desk)
    assert any(e.release for e in events) and [e.action for e in events] == ["breach"]
    [message] = await group(desk, "Ana não respondeu a tempo")
    assert "prazo estourado" in message["text"] and "Carla Souza" in message["text"]
    assert "Assumir" in buttons(message)
    assert await group(desk, "voltou para a fila") == [message], "one message, not a release and a ping"


async def test_a_command_that_fails_is_answered_in_the_agents_language(desk: Desk) -> None:
    async def broken(message: object) -> None:
        raise RuntimeError("a bug in /queue")

    desk.bot.dispatcher.agents.commands["queue"] = broken
    english_speaker = user(AGENT_ANA, "Ana", language="en")
    assert (
        await answer(desk, english_speaker, "/queue")
        == "Desculpe, algo deu errado aqui. Tente novamente em instantes."
    )
