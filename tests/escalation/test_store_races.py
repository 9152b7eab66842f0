"""Races the review found: each replays the interleaving that used to go wrong."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.domain import Impact, Intent, Priority, State
from escalation.policy import Policy
from escalation.store import Outcome, TicketStore
from tests.escalation.factories import customer, report

pytestmark = pytest.mark.cluster

AGENT = 9001


async def test_message_racing_a_resolve_is_retried_not_lost(
    store: TicketStore, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = customer(1)
    number = (await report(store, policy, who)).ticket.number
    original_read = store._read_customer
    raced = False

    async def read_then_resolve(customer_id: int):  # type: ignore[no-untyped-def]
        nonlocal raced
        snapshot = await original_read(customer_id)
        if not raced:
            raced = True
            await store.resolve(number, AGENT)  # an agent resolves between the read and the append
        return snapshot

    monkeypatch.setattr(store, "_read_customer", read_then_resolve)
    again = await report(store, policy, who, "ainda sem sinal")
    assert again.outcome is Outcome.REOPENED and again.ticket.number == number
    texts = [e.get("text") for e in await store.history(number)]
    assert "ainda sem sinal" in texts


async def test_reprioritising_a_silent_claim_keeps_its_claim_timeout(
    store: TicketStore, policy: Policy, redis: Redis, clock: ManualClock
) -> None:
    ticket = (
        await report(store, policy, customer(1), "canal travando", Intent.OUTAGE, Impact.PARTIAL)
    ).ticket
    claimed = await store.claim(ticket.number, AGENT)
    timeout_check = claimed.claimed_at + policy.escalation.claim_timeout
    await store.set_priority(ticket.number, AGENT, Priority.P4)
    score = await redis.zscore(store.keys.sla, str(ticket.number))
    assert score is not None and score <= timeout_check + 0.001

    clock.advance(policy.escalation.claim_timeout + 1)
    events = await store.sla_tick(clock.now())
    assert [e.release for e in events] == [True]


async def test_claim_timeout_release_skips_a_claimer_who_answered(store: TicketStore, policy: Policy) -> None:
    number = (await report(store, policy, customer(1))).ticket.number
    await store.claim(number, AGENT)
    await store.reply(number, AGENT, "estou vendo")
    assert await store.release_silent_claim(number, AGENT) is None
    assert (await store.get(number)).state is State.CLAIMED

    other = (await report(store, policy, customer(2))).ticket.number
    await store.claim(other, AGENT)
    assert await store.release_silent_claim(other, AGENT + 1) is None  # someone else holds it now
    released = await store.release_silent_claim(other, AGENT)
    assert released is not None and (released.state, released.assignee) == (State.OPEN, None)


async def test_reopening_unlinks_the_ticket_from_an_old_incident(
    store: TicketStore, policy: Policy, redis: Redis
) -> None:
    who = customer(1)
    number = (await report(store, policy, who)).ticket.number
    await redis.hset(store.keys.ticket(number), "incident", "7")
    await store.resolve(number, AGENT)
    reopened = await report(store, policy, who, "voltou a cair")
    assert reopened.outcome is Outcome.REOPENED and reopened.ticket.incident is None


async def test_a_rating_racing_a_card_update_still_counts(
    store: TicketStore, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = (await report(store, policy, customer(1))).ticket.number
    await store.resolve(number, AGENT)
    original_get = store.get
    raced = False

    async def get_then_touch(n: int):  # type: ignore[no-untyped-def]
        nonlocal raced
        snapshot = await original_get(n)
        if not raced:
            raced = True
            await store.set_card(n, 42)  # the card is edited between the read and the rating
        return snapshot

    monkeypatch.setattr(store, "get", get_then_touch)
    assert (await store.rate(number, 1, 5)).csat == 5
