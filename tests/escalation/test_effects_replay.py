"""A handling that runs again after a crash replays what its first run did: nothing twice, nothing skipped.

Each test runs a handling inside `effect_scope("u<id>")`, stops it part-way as a dead worker
would, and runs it again from the start in a fresh scope of the same name.
"""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from escalation.desk_state import DeskState
from escalation.domain import State
from escalation.effects import EFFECTS_TTL_S, as_part, effect_scope
from escalation.incidents import IncidentStore
from escalation.keys import Keys
from escalation.policy import Incidents, Policy
from escalation.relays import RelayState
from escalation.store import Outcome, TicketStore
from escalation.store_errors import IllegalTransition
from tests.escalation.factories import customer, report

pytestmark = pytest.mark.cluster

ANA, BRUNO = 2001, 2002
NOW = 1_767_798_000.0


async def events(store: TicketStore, number: int) -> list[str]:
    return [entry["event"] for entry in await store.log(number)]


async def test_a_replayed_message_gets_the_ticket_its_first_run_created(
    store: TicketStore, policy: Policy
) -> None:
    who = customer(1)
    with effect_scope("u10"):
        arrival = await store.arrival(who.telegram_id)
        first = await report(store, policy, who, arrival=arrival)
    # The worker dies before acknowledging; the update is handled again from the start.
    with effect_scope("u10"):
        arrival = await store.arrival(who.telegram_id)
        assert arrival.active is None, "the replay reads what its first run read"
        again = await report(store, policy, who, arrival=arrival)

    assert again == first and again.outcome is Outcome.CREATED
    assert await events(store, first.ticket.number) == ["created"]
    assert await store.list(limit=10) == [first.ticket]
    assert 0 < await store.redis.ttl(store.keys.effects("u10")) <= EFFECTS_TTL_S


async def test_a_replay_that_takes_the_follow_up_branch_still_hears_created(
    store: TicketStore, policy: Policy
) -> None:
    """Without the recorded reading the replay sees the ticket it created and asks to append."""
    who = customer(1)
    with effect_scope("u11"):
        first = await report(store, policy, who)
    with effect_scope("u11"):
        again = await report(store, policy, who)

    assert again.outcome is Outcome.CREATED and again.ticket == first.ticket
    assert await events(store, first.ticket.number) == ["created"]


async def test_a_replay_goes_on_where_its_first_run_stopped(store: TicketStore, policy: Policy) -> None:
    number = (await report(store, policy, customer(1))).ticket.number
    with effect_scope("u12"):
        await store.reply(number, ANA, "Já reiniciei o seu sinal.")
        # dies before resolving
    with effect_scope("u12"):
        await store.reply(number, ANA, "Já reiniciei o seu sinal.")
        resolved = await store.resolve(number, ANA)

    assert resolved.state is State.RESOLVED
    assert await events(store, number) == ["created", "reply", "resolved"]


async def test_a_replayed_claim_is_neither_applied_twice_nor_refused(
    store: TicketStore, policy: Policy
) -> None:
    number = (await report(store, policy, customer(1))).ticket.number
    with effect_scope("u13"):
        claimed = await store.claim(number, ANA)
    with effect_scope("u14") as loser:
        with pytest.raises(IllegalTransition):
            await store.claim(number, BRUNO)  # the race's loser is refused
        assert loser.peek("t") == "u14:t:0", "a refusal is not an effect"
    with effect_scope("u13"):
        again = await store.claim(number, ANA)

    assert again == claimed and again.assignee == ANA
    assert await events(store, number) == ["created", "claimed"]
    audit = [entry for _, entry in await store.redis.xrange(store.keys.audit)]
    assert [entry["event"] for entry in audit if entry["ticket"] == str(number)] == ["created", "claimed"]

    await store.release(number, ANA)
    with effect_scope("u14"):  # the loser's update handled again: the refusal was not recorded
        assert (await store.claim(number, BRUNO)).assignee == BRUNO


async def test_a_replayed_rating_is_not_refused_as_already_rated(store: TicketStore, policy: Policy) -> None:
    who = customer(1)
    number = (await report(store, policy, who)).ticket.number
    await store.resolve(number, ANA)
    with effect_scope("u16"):
        rated = await store.rate(number, who.telegram_id, 5)
    with effect_scope("u16"):
        assert await store.rate(number, who.telegram_id, 5) == rated
    with effect_scope("u17"), pytest.raises(IllegalTransition):
        await store.rate(number, who.telegram_id, 1)
    assert (await events(store, number)).count("rated") == 1


async def test_taken_values_and_once_markers_are_the_replays_too(redis: Redis, namespace: str) -> None:
    """What a handling took (a pending question) or reserved (a card's first post) is still its own
    when it runs again; anyone else still finds it gone or taken."""
    state = DeskState(redis, Keys(namespace))
    await state.remember_question(1, "como pago?")
    await state.ask_feedback(1, 7)
    with effect_scope("u20"):
        assert await state.take_question(1) == "como pago?"
        assert await state.take_feedback(1) == 7
        assert await state.reserve_card_post(7)
    with effect_scope("u20"):
        assert await state.take_question(1) == "como pago?"
        assert await state.take_feedback(1) == 7
        assert await state.reserve_card_post(7)
    with effect_scope("u21"):
        assert await state.take_question(1) is None
        assert await state.take_feedback(1) is None
        assert not await state.reserve_card_post(7)
    assert not await state.reserve_card_post(7)


async def test_a_replayed_relay_message_is_added_once_and_still_posted(redis: Redis, namespace: str) -> None:
    relays = RelayState(redis, Keys(namespace))
    with effect_scope("u30"):
        first = await relays.add(1, NOW, 0, "caiu tudo", "head")
        # dies before posting: nobody else would ever post this burst
    with effect_scope("u30"):
        again = await relays.add(1, NOW + 5, 0, "caiu tudo", "head")
    assert again == first and again.verb == "post" and again.count == 1
    with effect_scope("u31"):
        more = await relays.add(1, NOW + 6, 0, "alô?", "head")
    assert (more.verb, more.count, more.text) == ("wait", 2, "caiu tudo\nalô?")


async def test_a_replayed_report_opens_its_incident_again_and_counts_once(
    store: TicketStore, policy: Policy
) -> None:
    incidents = IncidentStore(store.redis, store.keys, Incidents(min_reports=3, window=600), store.clock)
    for telegram_id in (1, 2):
        ticket = (await report(store, policy, customer(telegram_id))).ticket
        with effect_scope(f"u4{telegram_id}"):
            await incidents.report(ticket, None)
    third = (await report(store, policy, customer(3))).ticket
    with effect_scope("u43"):
        opened = await incidents.report(third, None)
    with effect_scope("u43"):
        again = await incidents.report(third, None)

    assert opened.opened and again == opened
    [incident] = await incidents.list_open()
    assert incident.affected == 3


async def test_parts_that_run_side_by_side_replay_their_own_effects(
    store: TicketStore, policy: Policy
) -> None:
    """A fan-out's transitions interleave differently in a replay: each part keeps its own ranks."""
    numbers = [
        (await report(store, policy, customer(telegram_id))).ticket.number for telegram_id in (1, 2, 3)
    ]
    with effect_scope("u50"):
        await asyncio.gather(*(as_part(f"t{number}", store.claim(number, ANA)) for number in numbers))
    with effect_scope("u50"):
        again = await asyncio.gather(
            *(as_part(f"t{number}", store.claim(number, ANA)) for number in reversed(numbers))
        )

    assert [ticket.number for ticket in again] == list(reversed(numbers))
    for number in numbers:
        assert await events(store, number) == ["created", "claimed"]


async def test_an_incident_opened_and_resolved_by_hand_replays_as_done(store: TicketStore) -> None:
    """Not "already open" nor "not open": the replay goes on as its first run would have."""
    incidents = IncidentStore(store.redis, store.keys, Incidents(), store.clock)
    with effect_scope("u60"):
        opened, created, _ = await incidents.open("Sem sinal")
    with effect_scope("u60"):
        assert await incidents.open("Sem sinal") == (opened, True, ())
    with effect_scope("u61"):
        resolved = await incidents.resolve(opened.id)
    with effect_scope("u61"):
        assert await incidents.resolve(opened.id) == resolved
    assert created and not resolved.is_open
