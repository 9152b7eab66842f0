"""SLA watch, escalation ladder, claim timeout, on-call and summaries, with the clock moved, not slept.

The bot runs against the sandbox on a ManualClock; each test moves the clock and runs the
scheduler's jobs by hand (exactly what the APScheduler jobs call), then reads the group.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import start_bot
from escalation.clock import ManualClock
from escalation.domain import Priority, State
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENT_BRUNO,
    AGENTS_CHAT,
    FAST,
    JOAO_BASIC,
    MANAGER_CHAT,
    SUPERVISOR,
    TOKEN,
    Desk,
    buttons,
    user,
)
from tests.e2e.test_scenarios import ANA, CARLA, JOAO, open_ticket

pytestmark = pytest.mark.cluster

SP = ZoneInfo("America/Sao_Paulo")
WEDNESDAY_NOON = datetime(2026, 1, 7, 12, 0, tzinfo=SP).timestamp()
MINUTE = 60.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(WEDNESDAY_NOON)


@pytest.fixture
def desk(timed_desk: Desk) -> Desk:
    """Every test here runs on the moved clock."""
    return timed_desk


async def tick(desk: Desk) -> list:
    """One SLA tick, and the card edits it started."""
    watch = desk.bot.dispatcher.sla_watch
    events = await watch.tick()
    await watch.drain()
    return events


async def group_texts(desk: Desk, needle: str) -> list[str]:
    await desk.bot.outbox.stop(drain_timeout=5)
    desk.bot.outbox.start()
    return [m.get("text", "") for m in await desk.bot_messages(AGENTS_CHAT) if needle in m.get("text", "")]


async def test_warnings_once_each_then_breach_renotify_and_managers(desk: Desk, clock: ManualClock) -> None:
    await desk.api.send_message(
        user(MANAGER_CHAT, "Gerente"), "/start"
    )  # a bot may only write to who wrote first
    await desk.expect(MANAGER_CHAT, "Summary")
    number = await open_ticket(desk, JOAO)  # basic total outage: P2, first response in 1 h, wall clock
    assert (await desk.bot.desk.store.get(number)).priority is Priority.P2

    clock.advance(29 * MINUTE)
    assert await tick(desk) == []
    clock.advance(1 * MINUTE + 1)
    [warning] = await tick(desk)
    assert warning.action == "warn"
    clock.advance(MINUTE)
    assert await tick(desk) == []

    clock.advance(18 * MINUTE)  # 80%
    assert [e.action for e in await tick(desk)] == ["warn"]
    pings = await group_texts(desk, "deadline approaching")
    assert len(pings) == 2 and "min left" in pings[0]
    ping = next(
        m for m in await desk.bot_messages(AGENTS_CHAT) if "deadline approaching" in m.get("text", "")
    )
    assert "Claim" in buttons(ping)
    mentioned = {
        e.get("user", {}).get("id") or e.get("url")
        for e in ping.get("entities", [])
        if e["type"] in ("text_mention", "text_link")
    }
    assert mentioned >= {AGENT_ANA, AGENT_BRUNO} or mentioned >= {
        f"tg://user?id={AGENT_ANA}",
        f"tg://user?id={AGENT_BRUNO}",
    }

    clock.advance(12 * MINUTE)  # past the deadline
    [breach] = await tick(desk)
    assert breach.action == "breach" and breach.breached
    ticket = await desk.bot.desk.store.get(number)
    assert ticket.priority is Priority.P1 and ticket.breached_at is not None
    assert f"tg://user?id={SUPERVISOR}" in str((await _last_with(desk, "deadline breached"))["entities"])
    await desk.card(number, where=lambda text: "Deadline breached" in text and "P1" in text)

    for _ in range(3):
        clock.advance(10 * MINUTE)
        assert [e.action for e in await tick(desk)] == ["renotify"]
    clock.advance(10 * MINUTE)
    assert [e.action for e in await tick(desk)] == ["managers"]
    await desk.expect(MANAGER_CHAT, "nobody reacted")
    clock.advance(60 * MINUTE)
    assert await tick(desk) == []
    assert len(await group_texts(desk, "still unanswered")) == 3


async def test_missed_ticks_coalesce_but_never_skip_the_breach(desk: Desk, clock: ManualClock) -> None:
    number = await open_ticket(desk, JOAO)
    clock.advance(65 * MINUTE)
    [event] = await tick(desk)
    assert (event.number, event.action, event.breached) == (number, "breach", True)
    assert len(await group_texts(desk, "deadline approaching")) == 0


async def test_silent_claimer_loses_the_claim(desk: Desk, clock: ManualClock) -> None:
    number = await open_ticket(desk, CARLA)  # P1: first response in 15 min
    card = await desk.card(number)
    await desk.api.callback(
        await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Claim"])
    )
    clock.advance(7 * MINUTE + 31)
    [warning] = await tick(desk)
    assert warning.action == "warn" and warning.assignee is not None
    clock.advance(8 * MINUTE)
    events = await tick(desk)
    assert any(e.release for e in events)
    ticket = await desk.bot.desk.store.get(number)
    assert (ticket.state, ticket.assignee) == (State.OPEN, None)
    await desk.expect(AGENTS_CHAT, "back in the queue")


async def test_claimer_who_answered_keeps_the_claim(desk: Desk, clock: ManualClock) -> None:
    number = await open_ticket(desk, CARLA)
    card = await desk.card(number)
    await desk.agent_says(ANA, "Estou verificando", reply_to_message_id=card["message_id"])
    await desk.expect(AGENTS_CHAT, "Sent to the customer")
    clock.advance(30 * MINUTE)
    assert await tick(desk) == []
    assert (await desk.bot.desk.store.get(number)).state is State.CLAIMED


async def test_business_hours_clock_stops_over_the_weekend(desk: Desk, clock: ManualClock) -> None:
    clock.set(datetime(2026, 1, 9, 19, 0, tzinfo=SP).timestamp())  # Friday 19:00
    await desk.say(JOAO, "quero falar com um atendente")  # P4: 24 business hours
    await desk.expect(JOAO_BASIC, "#")
    clock.set(datetime(2026, 1, 10, 12, 0, tzinfo=SP).timestamp())  # Saturday noon: 4 h elapsed
    assert await tick(desk) == []
    clock.set(datetime(2026, 1, 12, 14, 59, tzinfo=SP).timestamp())  # Monday: 11 h 59 min elapsed
    assert await tick(desk) == []
    clock.set(datetime(2026, 1, 12, 15, 1, tzinfo=SP).timestamp())  # 12 business hours: 50%
    assert [e.action for e in await tick(desk)] == ["warn"]


async def test_a_flood_of_pings_goes_as_one_digest(desk: Desk, clock: ManualClock) -> None:
    people = [user(7100 + i, f"Cliente {i}") for i in range(8)]
    await asyncio.gather(*(desk.say(person, "nenhum canal funciona") for person in people))
    for person in people:
        await desk.expect(person["id"], "#")
    clock.advance(31 * MINUTE)
    events = await tick(desk)
    assert len(events) == 8 and desk.bot.dispatcher.sla_watch.digest_threshold < 8
    digests = await group_texts(desk, "tickets need attention")
    assert len(digests) == 1 and digests[0].count("#") == 8
    assert await group_texts(desk, "deadline approaching") == []


async def test_two_workers_ping_and_summarise_exactly_once(desk: Desk, clock: ManualClock) -> None:
    await desk.api.send_message(user(MANAGER_CHAT, "Gerente"), "/start")
    await desk.expect(MANAGER_CHAT, "Summary")
    number = await open_ticket(desk, JOAO)
    async with start_bot(desk.settings, TOKEN, desk.sandbox.base_url, FAST, clock) as second:
        clock.advance(31 * MINUTE)
        first_events, second_events = await asyncio.gather(
            desk.bot.dispatcher.sla_watch.tick(), second.dispatcher.sla_watch.tick()
        )
        assert sorted(e.number for e in [*first_events, *second_events]) == [number]
        sent = await asyncio.gather(
            desk.bot.dispatcher.managers.send_scheduled_summary(),
            second.dispatcher.managers.send_scheduled_summary(),
        )
        assert sorted(sent) == [False, True]
        await second.outbox.stop()
    assert len(await group_texts(desk, "deadline approaching")) == 1
    await desk.bot.outbox.stop(drain_timeout=5)
    summaries = [m for m in await desk.bot_messages(MANAGER_CHAT) if "Summary" in m.get("text", "")]
    assert len(summaries) == 2, "the /start answer and exactly one scheduled summary"
    desk.bot.outbox.start()


async def test_oncall_take_and_shift_change_handover(desk: Desk, clock: ManualClock) -> None:
    await open_ticket(desk, JOAO)
    assert await desk.bot.dispatcher.oncall.check_shift() is False  # first look records the duty
    await desk.agent_says(ANA, "/oncall take cobrindo a Bruna")
    handover = await desk.expect(AGENTS_CHAT, "Shift handover")
    assert "cobrindo a Bruna" in handover["text"] and "Open tickets: 1" in handover["text"]
    assert await desk.bot.dispatcher.oncall.check_shift() is False  # the take's own handover said it
    await desk.agent_says(ANA, "/oncall")
    await desk.expect(AGENTS_CHAT, "On call: ")


async def _last_with(desk: Desk, needle: str) -> dict:
    await desk.bot.outbox.stop(drain_timeout=5)
    desk.bot.outbox.start()
    return [m for m in await desk.bot_messages(AGENTS_CHAT) if needle in m.get("text", "")][-1]
