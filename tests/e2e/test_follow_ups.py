"""Follow-ups, reopens, FAQ feedback, acknowledgements and floods, as the customer and the agents see them.

Each scenario runs on both runtimes through the sandbox (see conftest.py); the agents' texts are
in English (the harness's AGENTS_LANGUAGE), the customers' in their own language.
"""

from __future__ import annotations

from typing import Any

import pytest

from escalation.clock import ManualClock
from escalation.domain import Priority, ReasonCode, State
from escalation.transition import LOG_MAX_ENTRIES
from tests.e2e.conftest import AGENT_ANA, AGENTS_CHAT, JOAO_BASIC, Desk, buttons, user
from tests.e2e.test_scenarios import ANA, CARLA, JOAO, open_ticket

pytestmark = pytest.mark.cluster

MINUTE = 60.0

FOLLOW_UPS = {
    "pt": ("nenhum canal funciona", "ainda não voltou aqui", "resolvido", "Reabri o seu chamado"),
    "en": ("nothing works at all", "still nothing here", "resolved", "I reopened your ticket"),
    "es": ("ningún canal funciona", "sigue igual, nada", "resuelto", "Reabrí tu ticket"),
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_767_798_000.0)  # a Wednesday at noon in São Paulo


def mentions(message: dict[str, Any]) -> set[int]:
    """The users a message mentions (text mentions, as Telegram shows them)."""
    return {e["user"]["id"] for e in message.get("entities", []) if e["type"] == "text_mention"}


async def claim_and_resolve(desk: Desk, number: int, customer_id: int, resolved_word: str) -> dict[str, Any]:
    """Ana claims and resolves the ticket from its card; returns the card."""
    card = await desk.card(number)
    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Claim"])
    await desk.card(number, where=lambda text: "With: Ana" in text)
    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Resolve"])
    await desk.expect(customer_id, resolved_word)
    return await desk.card(number, where=lambda text: "✅" in text)


async def texts_containing(desk: Desk, chat_id: int, needle: str) -> list[str]:
    return [m.get("text", "") for m in await desk.bot_messages(chat_id) if needle in m.get("text", "")]


@pytest.mark.parametrize("language", ["pt", "en", "es"])
async def test_still_not_working_after_a_resolution_reopens_and_tells_the_agents_at_the_bottom(
    desk: Desk, language: str
) -> None:
    report, follow_up, resolved_word, reopened_words = FOLLOW_UPS[language]
    who = user(7001, "Rita", language)
    number = await open_ticket(desk, who, report)
    card = await claim_and_resolve(desk, number, 7001, resolved_word)

    await desk.say(who, follow_up)
    told = await desk.expect(7001, reopened_words)
    assert f"#{number}" in told["text"]

    news = await desk.expect(AGENTS_CHAT, f"#{number} reopened", where=lambda m: follow_up in m["text"])
    assert news["message_id"] > card["message_id"], "a new message at the bottom of the group"
    assert news["reply_to_message"]["message_id"] == card["message_id"]
    assert AGENT_ANA in mentions(news), "whoever resolved it is mentioned"
    assert "P2" in news["text"]
    await desk.card(number, where=lambda text: follow_up in text and "In queue" in text)
    assert (await desk.bot.desk.store.get(number)).state is State.OPEN


async def test_a_different_problem_after_a_resolution_opens_a_new_ticket(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    await claim_and_resolve(desk, number, JOAO_BASIC, "resolvido")

    await desk.say(JOAO, "quero cancelar minha assinatura")
    opened = await desk.expect(JOAO_BASIC, f"Abri o chamado #{number + 1}")
    assert "cancelamento" in opened["text"]
    assert (await desk.bot.desk.store.get(number)).state is State.RESOLVED
    assert await texts_containing(desk, AGENTS_CHAT, "reopened") == []


async def test_a_new_message_is_retriaged_and_relayed_with_its_assignee(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO, "o canal globo está travando")
    card = await desk.card(number, where=lambda text: text.startswith("🟡 P3"))
    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Claim"])
    await desk.card(number, where=lambda text: "With: Ana" in text)

    await desk.say(JOAO, "agora caiu tudo, nenhum canal funciona")
    relay = await desk.expect(AGENTS_CHAT, "agora caiu tudo", after=card["message_id"])
    assert f"#{number}" in relay["text"] and "João Lima" in relay["text"]
    assert mentions(relay) == {AGENT_ANA}
    assert relay["reply_to_message"]["message_id"] == card["message_id"]
    await desk.card(number, where=lambda text: text.startswith("🟠 P2") and "agora caiu tudo" in text)
    await desk.expect(JOAO_BASIC, "adicionei ao chamado")  # nobody has answered them yet

    await desk.say(JOAO, "é urgente, tem jogo agora")
    card = await desk.card(number, where=lambda text: text.startswith("🔴 P1"))
    assert "outage / total" in card["text"] and "urgent" in card["text"]


async def test_acknowledged_only_while_no_agent_answers_and_thanks_never_raise(
    timed_desk: Desk, clock: ManualClock
) -> None:
    desk = timed_desk
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    await desk.agent_says(ANA, "Já estamos vendo, um momento", reply_to_message_id=card["message_id"])
    await desk.expect(JOAO_BASIC, "Já estamos vendo")

    for thanks in ("obrigado", "valeu", "ok, obrigado"):
        await desk.say(JOAO, thanks)
        await desk.expect(AGENTS_CHAT, thanks, where=lambda m: f"💬 #{number}" in m["text"])
        clock.advance(6 * MINUTE)  # each one a separate contact, were thanks a contact
    ticket = await desk.bot.desk.store.get(number)
    assert ticket.priority is Priority.P2
    assert ReasonCode.REPEAT_CONTACT not in {reason.code for reason in ticket.reasons}
    assert await texts_containing(desk, JOAO_BASIC, "adicionei ao chamado") == []

    clock.advance(20 * MINUTE)  # the agent went quiet
    await desk.say(JOAO, "e aí, alguma novidade?")
    await desk.expect(JOAO_BASIC, f"Recebido, adicionei ao chamado #{number}")


async def test_thumbs_down_offers_the_next_answers_then_a_person_with_the_customers_words(desk: Desk) -> None:
    outage = await open_ticket(desk, JOAO)
    await claim_and_resolve(desk, outage, JOAO_BASIC, "resolvido")

    question = "como instalar na smart tv samsung?"
    await desk.say(JOAO, question)
    answer = await desk.expect(JOAO_BASIC, "Isso ajudou?")
    no = buttons(answer)["👎 Não"]
    await desk.api.press(JOAO, JOAO_BASIC, answer["message_id"], no)
    offer = await desk.expect(JOAO_BASIC, "Talvez uma destas respostas ajude")
    choices = buttons(offer)
    assert "🙋 Falar com atendente" in choices and len(choices) >= 2
    pressed = await desk.api.wait_for(
        JOAO_BASIC, lambda m: m["message_id"] == answer["message_id"] and "reply_markup" not in m
    )
    assert pressed["text"].endswith("Isso ajudou? 👎 Não")
    await desk.api.press(JOAO, JOAO_BASIC, answer["message_id"], no)  # a stale second press
    await desk.expect(JOAO_BASIC, "Talvez uma destas", after=offer["message_id"])
    assert len(await desk.bot.desk.store.list()) == 1, "👎 alone opens nothing and reopens nothing"

    await desk.api.press(JOAO, JOAO_BASIC, offer["message_id"], choices["🙋 Falar com atendente"])
    await desk.expect(JOAO_BASIC, f"Abri o chamado #{outage + 1}")
    await desk.api.wait_for(
        JOAO_BASIC, lambda m: m["message_id"] == offer["message_id"] and "reply_markup" not in m
    )
    history = await desk.bot.desk.store.history(outage + 1)
    assert history[0]["text"] == question
    assert (await desk.bot.desk.store.get(outage)).state is State.RESOLVED


async def test_the_faq_answers_while_a_ticket_is_open_and_notes_it(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    await desk.say(JOAO, "como faço pra pagar com pix?")
    answer = await desk.expect(JOAO_BASIC, "Isso ajudou?")
    assert f"#{number}" in answer["text"] and "continua aberto" in answer["text"]
    assert "Pix" in answer["text"] or "pix" in answer["text"]
    history = await desk.bot.desk.store.history(number)
    assert history[-1]["event"] == "faq_answered" and history[-1]["text"] == "como faço pra pagar com pix?"
    assert await texts_containing(desk, AGENTS_CHAT, "pagar com pix") == []
    assert (await desk.card(number))["message_id"] == card["message_id"]

    await desk.api.press(JOAO, JOAO_BASIC, answer["message_id"], buttons(answer)["👍 Sim"])
    pressed = await desk.api.wait_for(
        JOAO_BASIC, lambda m: m["message_id"] == answer["message_id"] and "reply_markup" not in m
    )
    assert "continua aberto" in pressed["text"] and pressed["text"].endswith("Isso ajudou? 👍 Sim")
    await desk.expect(JOAO_BASIC, "Que bom")


async def test_a_flood_reaches_the_agents_as_one_growing_relay_and_the_log_stays_bounded(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    flood = LOG_MAX_ENTRIES + 20
    for index in range(flood):
        await desk.say(JOAO, f"mensagem {index}")
    await open_ticket(desk, CARLA)
    await desk.card(number + 1)
    await desk.agent_says(ANA, "/queue")
    await desk.expect(AGENTS_CHAT, "Queue (2)")

    relay = await desk.expect(
        AGENTS_CHAT, f"mensagem {flood - 1}", within=60, where=lambda m: f"+{flood - 1} messages" in m["text"]
    )
    assert "older history entries dropped" in relay["text"]
    relays = await texts_containing(desk, AGENTS_CHAT, f"💬 #{number}")
    assert len(relays) == 1, f"one relay, not {len(relays)} group messages"
    assert len(await texts_containing(desk, JOAO_BASIC, "adicionei ao chamado")) == 1

    ticket = await desk.bot.desk.store.get(number)
    assert ticket.priority is Priority.P2, "one burst is one contact"
    assert len(await desk.bot.desk.store.log(number)) == LOG_MAX_ENTRIES
    assert ticket.log_dropped > 0
    assert (await desk.card(number))["message_id"] == card["message_id"]


async def test_a_steady_stream_is_one_relay_per_five_minutes_and_one_contact(
    timed_desk: Desk, clock: ManualClock
) -> None:
    desk = timed_desk
    number = await open_ticket(desk, JOAO)
    for index in range(40):  # 20 a minute for two minutes
        await desk.say(JOAO, f"alô? {index}")
        await desk.expect(AGENTS_CHAT, f"alô? {index}", where=lambda m: f"💬 #{number}" in m["text"])
        clock.advance(3)
    await desk.expect(AGENTS_CHAT, "+39 messages", where=lambda m: "alô? 39" in m["text"])
    await desk.card(number, where=lambda text: "alô? 39" in text)
    acked = await desk.expect(JOAO_BASIC, "adicionei ao chamado")
    clock.advance(5 * MINUTE)
    await desk.say(JOAO, "alô? ainda aqui")
    await desk.expect(AGENTS_CHAT, "alô? ainda aqui", where=lambda m: "+" not in m["text"].split("\n")[-1])
    await desk.expect(JOAO_BASIC, "adicionei ao chamado", after=acked["message_id"])
    assert len(await texts_containing(desk, AGENTS_CHAT, f"💬 #{number}")) == 2
    assert len(await texts_containing(desk, JOAO_BASIC, "adicionei ao chamado")) == 2
    assert (await desk.bot.desk.store.get(number)).priority is Priority.P2


async def test_a_long_paste_split_by_the_app_is_one_message_to_the_agents(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    paste = "".join(f"linha {index} do log do aparelho\n" for index in range(1700))  # 50,000 characters
    sent = await desk.say(JOAO, paste)
    parts = len(sent["message_ids"])
    assert parts >= 12
    relay = await desk.expect(
        AGENTS_CHAT, "linha 1699", where=lambda m: f"+{parts - 1} messages" in m["text"]
    )
    assert len(relay["text"]) <= 4096
    assert len(await texts_containing(desk, AGENTS_CHAT, f"💬 #{number}")) == 1
    assert len(await texts_containing(desk, JOAO_BASIC, "adicionei ao chamado")) == 1
    assert (await desk.bot.desk.store.get(number)).priority is Priority.P2
