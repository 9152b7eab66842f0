"""The ticket lifecycle on a real Redis: create, append, claim, reply, release, resolve, reopen."""

from __future__ import annotations

import pytest

from escalation.clock import ManualClock
from escalation.domain import Impact, Intent, Priority, ReasonCode, State, Tier
from escalation.policy import Policy
from escalation.priority import assess
from escalation.store import Outcome, TicketStore
from escalation.store_errors import IllegalTransition, NotAssignee, StoreError, TicketNotFound
from escalation.ticket_reads import Arrival
from escalation.transition import LOG_MAX_ENTRIES
from tests.escalation.factories import customer, report

pytestmark = pytest.mark.cluster

AGENT, OTHER_AGENT = 9001, 9002


async def test_premium_total_outage_opens_p1_ticket_first_in_queue(
    store: TicketStore, policy: Policy
) -> None:
    basic = await report(store, policy, customer(1, Tier.BASIC))
    premium = await report(store, policy, customer(2, Tier.PREMIUM))

    assert basic.outcome is Outcome.CREATED
    assert (basic.ticket.number, premium.ticket.number) == (1, 2)
    assert premium.ticket.priority is Priority.P1
    assert basic.ticket.priority is Priority.P2
    assert [t.number for t in await store.list(State.OPEN)] == [2, 1]
    assert await store.queue_position(2) == 1
    assert await store.queue_position(1) == 2
    assert premium.ticket.first_response_due - premium.ticket.created_at == pytest.approx(15 * 60)


async def test_second_message_appends_and_third_contact_raises_one_level(
    store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    who = customer(1)
    first = await report(store, policy, who, "um canal travando", impact=Impact.PARTIAL)
    clock.advance(600)
    second = await report(store, policy, who, "ainda travando", impact=Impact.PARTIAL)
    clock.advance(600)
    third = await report(store, policy, who, "e agora?", impact=Impact.PARTIAL)

    assert first.ticket.priority is Priority.P3
    assert second.outcome is Outcome.APPENDED and second.ticket.number == first.ticket.number
    assert second.ticket.priority is Priority.P3
    assert third.ticket.priority is Priority.P2
    assert ReasonCode.REPEAT_CONTACT in {r.code for r in third.ticket.reasons}
    assert third.ticket.first_response_due - third.ticket.created_at == pytest.approx(3600)
    assert len(await store.list(State.OPEN)) == 1


async def test_a_burst_is_one_contact_and_courtesy_is_none(
    store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    """300 messages three seconds apart (a flood, a split paste) and a "thank you" never raise."""
    who = customer(1)
    await report(store, policy, who, "um canal travando", impact=Impact.PARTIAL)
    for _ in range(300):
        clock.advance(3)
        latest = await report(store, policy, who, "travando", impact=Impact.PARTIAL)
    clock.advance(600)
    assessment = assess(policy, Intent.OUTAGE, Impact.PARTIAL, who.tier)
    thanks = await store.submit(who, "obrigado", assessment, Intent.OUTAGE, Impact.PARTIAL, contact=False)
    assert latest.ticket.priority is thanks.ticket.priority is Priority.P3
    assert len(thanks.ticket.contacts) == 1
    clock.advance(600)
    again = await report(store, policy, who, "continua travando", impact=Impact.PARTIAL)
    assert len(again.ticket.contacts) == 2 and again.ticket.priority is Priority.P3


async def test_contacts_spread_over_more_than_a_day_do_not_raise(
    store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    who = customer(1)
    await report(store, policy, who, "oi", Intent.HUMAN, None)
    for _ in range(3):
        clock.advance(13 * 3600)
        latest = await report(store, policy, who, "oi?", Intent.HUMAN, None)
    assert latest.ticket.priority is Priority.P4


async def test_a_more_urgent_message_raises_the_ticket_to_its_priority(
    store: TicketStore, policy: Policy
) -> None:
    who = customer(1)
    await report(store, policy, who, "quero falar com alguém", Intent.HUMAN, None)
    raised = await report(store, policy, who, "caiu tudo", Intent.OUTAGE, Impact.TOTAL)
    assert raised.ticket.priority is Priority.P2
    assert raised.ticket.intent is Intent.OUTAGE and raised.ticket.impact is Impact.TOTAL


async def test_claim_reply_release_resolve(store: TicketStore, policy: Policy, clock: ManualClock) -> None:
    number = (await report(store, policy, customer(1))).ticket.number

    claimed = await store.claim(number, AGENT)
    assert (claimed.state, claimed.assignee) == (State.CLAIMED, AGENT)
    assert await store.queue_position(number) is None
    with pytest.raises(NotAssignee):
        await store.release(number, OTHER_AGENT)

    clock.advance(120)
    replied = await store.reply(number, AGENT, "Estamos verificando")
    assert replied.first_response_at == pytest.approx(clock.now())
    assert replied.due_kind == "resolution"

    released = await store.release(number, AGENT)
    assert (released.state, released.assignee) == (State.OPEN, None)
    assert await store.queue_position(number) == 1

    resolved = await store.resolve(number, OTHER_AGENT, "sinal normalizado")
    assert resolved.state is State.RESOLVED
    assert await store.active_ticket(1) is None
    events = [e["event"] for e in await store.history(number)]
    assert events == ["created", "claimed", "reply", "released", "resolved"]


async def test_reply_to_waiting_ticket_claims_it(store: TicketStore, policy: Policy) -> None:
    number = (await report(store, policy, customer(1))).ticket.number
    replied = await store.reply(number, AGENT, "Olá!")
    assert (replied.state, replied.assignee) == (State.CLAIMED, AGENT)


async def test_customer_writing_after_reply_owes_a_next_response(
    store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    who = customer(1)
    number = (await report(store, policy, who)).ticket.number
    await store.reply(number, AGENT, "reinicie o app")
    clock.advance(300)
    again = await report(store, policy, who, "não resolveu")
    assert again.ticket.due_kind == "next_response"
    assert again.ticket.due_at - clock.now() == pytest.approx(2 * 3600)


async def test_message_within_reopen_window_reopens_else_new_ticket(
    store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    who = customer(1)
    number = (await report(store, policy, who)).ticket.number
    await store.resolve(number, AGENT)
    clock.advance(3600)
    reopened = await report(store, policy, who, "voltou a cair")
    assert (reopened.outcome, reopened.ticket.number, reopened.ticket.state) == (
        Outcome.REOPENED,
        number,
        State.OPEN,
    )
    assert reopened.ticket.assignee is None

    await store.resolve(number, AGENT)
    clock.advance(policy.reopen_window + 1)
    fresh = await report(store, policy, who, "caiu de novo")
    assert fresh.outcome is Outcome.CREATED and fresh.ticket.number != number


async def test_rating_once_and_only_resolved(store: TicketStore, policy: Policy) -> None:
    number = (await report(store, policy, customer(1))).ticket.number
    with pytest.raises(IllegalTransition):
        await store.rate(number, 1, 5)
    await store.resolve(number, AGENT)
    assert (await store.rate(number, 1, 4)).csat == 4
    with pytest.raises(IllegalTransition):
        await store.rate(number, 1, 5)
    with pytest.raises(StoreError):
        await store.rate(number, 1, 9)


async def test_agent_priority_override_moves_deadline(store: TicketStore, policy: Policy) -> None:
    ticket = (await report(store, policy, customer(1), "info", Intent.FAQ, None)).ticket
    assert ticket.priority is Priority.P4
    changed = await store.set_priority(ticket.number, AGENT, Priority.P1)
    assert changed.priority is Priority.P1
    assert changed.first_response_due == pytest.approx(ticket.created_at + 15 * 60)
    assert ReasonCode.AGENT_SET in {r.code for r in changed.reasons}


async def test_withdraw_only_by_owner(store: TicketStore, policy: Policy) -> None:
    number = (await report(store, policy, customer(1))).ticket.number
    with pytest.raises(TicketNotFound):
        await store.withdraw(number, 2)
    withdrawn = await store.withdraw(number, 1)
    assert (withdrawn.state, withdrawn.resolution) == (State.RESOLVED, "withdrawn")


async def test_arrival_reads_active_ticket_last_ticket_and_link_at_once(
    store: TicketStore, policy: Policy
) -> None:
    ticket = (await report(store, policy, customer(1))).ticket
    await store.redis.hset(store.keys.links, "1", "SUB-1")

    assert await store.arrival(1) == Arrival(ticket, None, "SUB-1")
    assert await store.arrival(2) == Arrival(None, None, None)

    withdrawn = await store.withdraw(ticket.number, 1)
    assert await store.arrival(1) == Arrival(None, withdrawn.number, "SUB-1")
    assert await store.find(ticket.number) is not None and await store.find(ticket.number + 1000) is None


async def test_submit_from_a_stale_arrival_reads_again(
    store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    """The ticket changed after the arrival was read: the append is retried on a fresh read."""
    first = (await report(store, policy, customer(1))).ticket
    arrival = await store.arrival(1)
    clock.advance(600)
    await report(store, policy, customer(1), "ainda sem sinal")
    await store.claim(first.number, 2001)
    clock.advance(600)

    appended = await report(store, policy, customer(1), "e agora?", arrival=arrival)

    assert appended.outcome is Outcome.APPENDED
    assert appended.ticket.state is State.CLAIMED and appended.ticket.assignee == 2001
    assert len(appended.ticket.contacts) == 3  # a write from the stale snapshot would keep 2
    events = [e["event"] for e in await store.log(first.number)]
    assert events == ["created", "message", "claimed", "message"]


async def test_submit_from_an_arrival_that_missed_a_newer_resolved_ticket_reopens_it(
    store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    """A ticket opened and resolved after the arrival was read is the one a new message reopens."""
    old = (await report(store, policy, customer(1))).ticket
    await store.withdraw(old.number, 1)
    clock.advance(policy.reopen_window + 60)
    arrival = await store.arrival(1)
    newer = (await report(store, policy, customer(1), "quero falar com alguém")).ticket
    await store.claim(newer.number, 2001)
    await store.resolve(newer.number, 2001)

    again = await report(store, policy, customer(1), "voltou a cair", arrival=arrival)

    assert again.outcome is Outcome.REOPENED
    assert again.ticket.number == newer.number


async def test_submit_from_an_arrival_before_resolution_reopens(store: TicketStore, policy: Policy) -> None:
    """Resolved between arrival and submit: the message reopens the ticket instead of failing."""
    first = (await report(store, policy, customer(1))).ticket
    arrival = await store.arrival(1)
    await store.claim(first.number, 2001)
    await store.resolve(first.number, 2001)

    again = await report(store, policy, customer(1), arrival=arrival)

    assert again.outcome is Outcome.REOPENED
    assert (again.ticket.number, again.ticket.state) == (first.number, State.OPEN)


async def test_the_ticket_log_is_trimmed_oldest_first_and_counts_what_it_dropped(
    store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    who = customer(1)
    for index in range(LOG_MAX_ENTRIES + 9):
        latest = await report(store, policy, who, f"mensagem {index}")
    log = await store.log(latest.ticket.number)
    assert len(log) == LOG_MAX_ENTRIES
    assert log[-1]["text"] == f"mensagem {LOG_MAX_ENTRIES + 8}"
    assert log[0]["text"] == "mensagem 9"
    assert latest.ticket.log_dropped == 9
    assert (await store.get(latest.ticket.number)).to_json()["log_dropped"] == 9

    clock.advance(3600)  # the first-response warnings and the breach: SLA steps go into the log too
    await store.sla_tick(clock.now())
    after = await store.get(latest.ticket.number)
    assert len(await store.log(after.number)) == LOG_MAX_ENTRIES
    assert after.log_dropped > 9
