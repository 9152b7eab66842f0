"""What customers are told about their wait, on a Friday evening just after business hours.

The bot runs on a ManualClock set to Friday 20:06 in São Paulo (business hours Mon-Fri 08-20,
Sat 09-13): a P3 is due Saturday 13:00, a P4 Tuesday 16:00, and recent answers took 40 s, so a
queue-only guess would say "about 1 min". Each customer reads their own language.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from escalation.clock import ManualClock
from tests.e2e.conftest import (
    AGENTS_CHAT,
    CARLA_PREMIUM,
    JOAO_BASIC,
    MARY_STANDARD,
    Desk,
    buttons,
    user,
)
from tests.e2e.test_scenarios import ANA, open_ticket

pytestmark = pytest.mark.cluster

SP = ZoneInfo("America/Sao_Paulo")
FRIDAY_EVENING = datetime(2026, 1, 9, 20, 6, tzinfo=SP).timestamp()
MINUTE = 60.0
CARLA = user(CARLA_PREMIUM, "Carla", "pt")
JOAO = user(JOAO_BASIC, "João", "pt")
MARY = user(MARY_STANDARD, "Mary", "en")
PABLO = user(1500, "Pablo", "es")  # not in the directory: counts as basic
DECIMAL = re.compile(r"\d[.,]\d")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(FRIDAY_EVENING)


@pytest.fixture
def desk(timed_desk: Desk) -> Desk:
    """Every test here runs on the moved clock."""
    return timed_desk


async def told(desk: Desk, who: dict, text: str) -> tuple[int, str]:
    """The customer writes; the ticket number and the text of the bot's announcement."""
    number = await open_ticket(desk, who, text)
    message = await desk.expect(who["id"], f"#{number}")
    return number, message["text"]


async def tick(desk: Desk) -> list:
    """One SLA tick, its follow-ups (cards, customers) done and every message out."""
    watch = desk.bot.dispatcher.sla_watch
    events = await watch.tick()
    await watch.drain()
    await desk.bot.outbox.stop(drain_timeout=5)
    desk.bot.outbox.start()
    return events


async def texts(desk: Desk, chat: int, needle: str) -> list[str]:
    return [m["text"] for m in await desk.bot_messages(chat) if needle in m.get("text", "")]


async def test_friday_evening_waits_follow_deadline_business_hours_and_queue(desk: Desk) -> None:
    # No answer history yet: the ticket's own deadline, in business time, is the estimate.
    _, p3 = await told(desk, JOAO, "alguns canais estão travando")
    assert "Nosso atendimento volta amanhã às 9h; resposta prevista até amanhã às 13h." in p3
    _, p4_en = await told(desk, MARY, "I want to talk to a person")
    assert "Our team is back tomorrow at 9:00; expect an answer by Tuesday at 16:00." in p4_en
    _, p4_es = await told(desk, PABLO, "quiero hablar con una persona")
    assert (
        "Nuestro equipo vuelve mañana a las 9:00; respuesta prevista a más tardar el martes a las 16:00."
        in p4_es
    )

    # Recent answers took 40 s: the queue ahead counts from when people are back, not from now.
    await desk.bot.dispatcher.ctx.state.record_first_response(40)
    # A P1 runs on the wall clock (agents on call): the queue's minute, with no "back at".
    _, p1 = await told(desk, CARLA, "nenhum canal funciona desde ontem")
    assert "Tempo estimado: cerca de 1 min." in p1 and "volta" not in p1
    await desk.say(JOAO, "/status")
    status = (await desk.expect(JOAO_BASIC, "aguardando atendente"))["text"]
    assert "Nosso atendimento volta amanhã às 9h; resposta prevista cerca de 1 min depois." in status
    await desk.say(MARY, "/status")
    status_en = (await desk.expect(MARY_STANDARD, "waiting for an agent"))["text"]
    assert "Our team is back tomorrow at 9:00; expect an answer about 1 min after that." in status_en
    for text in (p3, p4_en, p4_es, p1, status, status_en):
        assert not DECIMAL.search(text), text


async def test_on_saturday_afternoon_people_are_back_on_monday(desk: Desk, clock: ManualClock) -> None:
    clock.set(datetime(2026, 1, 10, 13, 30, tzinfo=SP).timestamp())  # Saturday hours ended at 13:00
    _, pt = await told(desk, JOAO, "alguns canais estão travando")  # P3: 4 business hours
    assert "Nosso atendimento volta segunda-feira às 8h; resposta prevista até segunda-feira às 12h." in pt
    _, en = await told(desk, MARY, "some channels keep freezing")  # standard, partial: P3
    assert "Our team is back Monday at 8:00; expect an answer by Monday at 12:00." in en
    _, es = await told(desk, PABLO, "algunos canales se congelan")
    assert (
        "Nuestro equipo vuelve el lunes a las 8:00; respuesta prevista a más tardar el lunes a las 12:00."
        in es
    )


async def test_a_slipped_deadline_is_told_once_in_the_customers_language(
    desk: Desk, clock: ManualClock
) -> None:
    await told(desk, CARLA, "nenhum canal funciona desde ontem")  # P1: 15 min
    await told(desk, MARY, "nothing works at all")  # standard, total outage: P2, 1 h
    await told(desk, PABLO, "ningún canal funciona")  # unlinked, total outage: P2, 1 h

    clock.advance(61 * MINUTE)
    assert sum(e.breached for e in await tick(desk)) == 3
    clock.advance(10 * MINUTE)
    assert not any(e.breached for e in await tick(desk))  # the ladder goes on; customers heard once

    [pt] = await texts(desk, CARLA_PREMIUM, "⏰")
    assert "Desculpe: não respondemos o chamado" in pt
    assert "Ele agora tem prioridade urgente." in pt
    assert "Um atendente vai responder assim que possível." in pt
    [en] = await texts(desk, MARY_STANDARD, "⏰")
    assert "Sorry: we did not answer ticket" in en and "It now has urgent priority." in en
    [es] = await texts(desk, 1500, "⏰")
    assert "Lo sentimos: no respondimos el ticket" in es and "Ahora tiene prioridad urgente." in es
    for text in (pt, en, es):
        assert not DECIMAL.search(text), text


async def test_a_slipped_business_hours_ticket_says_when_people_are_back(
    desk: Desk, clock: ManualClock
) -> None:
    mary, _ = await told(desk, MARY, "I want to talk to a person")  # P4: due Tuesday 16:00
    clock.set(datetime(2026, 1, 13, 16, 1, tzinfo=SP).timestamp())
    assert [e.number for e in await tick(desk) if e.breached] == [mary]  # now P3, still business hours
    [slipped] = await texts(desk, MARY_STANDARD, "⏰")
    assert "It now has normal priority." in slipped and "An agent will answer as soon as possible." in slipped
    clock.set(datetime(2026, 1, 13, 20, 30, tzinfo=SP).timestamp())  # closed: the deadline passed
    await desk.say(MARY, "/status")
    status = await desk.expect(MARY_STANDARD, "waiting for an agent")
    assert "Our team is back tomorrow at 8:00 and will answer as soon as possible." in status["text"]


async def test_a_priority_change_is_told_once_in_the_customers_language(desk: Desk) -> None:
    joao, _ = await told(desk, JOAO, "alguns canais estão travando")  # P3
    mary, _ = await told(desk, MARY, "I want to talk to a person")  # P4
    pablo, _ = await told(desk, PABLO, "quiero hablar con una persona")  # P4

    await desk.agent_says(ANA, f"/priority {joao} P2")
    await desk.expect(AGENTS_CHAT, f"#{joao} is now P2")
    told_pt = await desk.expect(JOAO_BASIC, "mudou para")
    assert f"A prioridade do seu chamado #{joao} mudou para alta." in told_pt["text"]

    card = await desk.card(mary)
    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["▲ Priority"])
    told_en = await desk.expect(MARY_STANDARD, "changed to")
    assert f"The priority of your ticket #{mary} changed to normal." in told_en["text"]
    assert "Our team is back tomorrow at 9:00; expect an answer by tomorrow at 13:00." in told_en["text"]

    await desk.agent_says(ANA, f"/priority {pablo} P1")
    told_es = await desk.expect(1500, "cambió a")
    assert f"La prioridad de tu ticket #{pablo} cambió a urgente." in told_es["text"]
    first = await desk.expect(AGENTS_CHAT, f"#{pablo} is now P1")
    await desk.agent_says(ANA, f"/priority {pablo} P1")  # the same priority again: nothing to tell
    await desk.expect(AGENTS_CHAT, f"#{pablo} is now P1", after=first["message_id"])
    await desk.bot.outbox.stop(drain_timeout=5)
    desk.bot.outbox.start()
    assert len(await texts(desk, 1500, "cambió a")) == 1
    assert len(await texts(desk, JOAO_BASIC, "mudou para")) == 1


async def test_a_priority_raised_by_the_customers_own_follow_up_is_told(
    desk: Desk, clock: ManualClock
) -> None:
    mary, _ = await told(desk, MARY, "nothing works at all")  # standard, total outage: P2
    await desk.say(MARY, "this is urgent, the final starts right now")
    raised = await desk.expect(MARY_STANDARD, "changed to")
    assert f"The priority of your ticket #{mary} changed to urgent." in raised["text"]
    joao, _ = await told(desk, JOAO, "alguns canais estão travando")  # P3
    clock.advance(6 * 60)  # messages closer than 5 min are one contact (a burst)
    await desk.say(JOAO, "alguns canais continuam travando, é urgente")
    raised_pt = await desk.expect(JOAO_BASIC, "mudou para")
    assert f"A prioridade do seu chamado #{joao} mudou para alta." in raised_pt["text"]
    clock.advance(6 * 60)
    await desk.say(JOAO, "alguns canais continuam travando")  # a third contact raises it again
    again = await desk.expect(JOAO_BASIC, "mudou para urgente", after=raised_pt["message_id"])
    assert again["text"].startswith(f"Recebido, adicionei ao chamado #{joao}.")
    clock.advance(6 * 60)
    await desk.say(JOAO, "continua igual")  # nothing above P1: only the acknowledgement
    ack = await desk.expect(JOAO_BASIC, "adicionei ao chamado", after=again["message_id"])
    assert "mudou" not in ack["text"]
    assert len(await texts(desk, JOAO_BASIC, "mudou para")) == 2


async def test_asking_how_long_is_answered_with_the_place_and_the_wait_in_each_language(desk: Desk) -> None:
    joao, _ = await told(desk, JOAO, "alguns canais estão travando")  # P3: due Saturday 13:00
    mary, _ = await told(desk, MARY, "I want to talk to a person")  # P4: due Tuesday 16:00
    pablo, _ = await told(desk, PABLO, "quiero hablar con una persona")  # P4, behind Mary

    await desk.say(JOAO, "quanto tempo vai demorar?")
    pt = (await desk.expect(JOAO_BASIC, "aguardando atendente"))["text"]
    assert f"Chamado #{joao}" in pt and "1º da fila" in pt
    assert "Nosso atendimento volta amanhã às 9h; resposta prevista até amanhã às 13h." in pt
    await desk.say(MARY, "any news?")
    en = (await desk.expect(MARY_STANDARD, "waiting for an agent"))["text"]
    assert f"Ticket #{mary}" in en and "Our team is back tomorrow at 9:00" in en
    await desk.say(PABLO, "¿cuánto falta?")
    es = (await desk.expect(1500, "esperando"))["text"]
    assert f"Ticket #{pablo}" in es and "vuelve mañana a las 9:00" in es
    assert not await texts(desk, JOAO_BASIC, "adicionei ao chamado")
