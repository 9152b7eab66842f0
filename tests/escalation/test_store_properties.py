"""Property tests: random sequences of desk operations keep the store's invariants.

A hypothesis state machine drives the real store on a real Redis. After every step it checks:
each ticket is in exactly the indexes its state implies, the queue holds only unclaimed open
tickets, each customer has at most one active ticket, and the audit stream and the ticket log
hold one event per successful transition. Refused operations must change nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from bot.redis_connection import make_client
from escalation.clock import ManualClock
from escalation.domain import Impact, Intent, Priority, State, Tier
from escalation.policy import Policy
from escalation.store import TicketStore
from escalation.store_errors import StoreError
from tests.conftest import TIMEZONE
from tests.escalation.factories import customer, report

CUSTOMERS = st.integers(min_value=1, max_value=4)
AGENTS = st.sampled_from([9001, 9002])
SITUATIONS = st.sampled_from(
    [
        (Intent.OUTAGE, Impact.TOTAL),
        (Intent.OUTAGE, Impact.PARTIAL),
        (Intent.CANCEL, None),
        (Intent.BILLING, None),
        (Intent.HUMAN, None),
        (Intent.FAQ, None),
    ]
)
TIERS = st.sampled_from([None, Tier.BASIC, Tier.STANDARD, Tier.PREMIUM])


class DeskMachine(RuleBasedStateMachine):
    """The model: per ticket, how many transitions succeeded."""

    redis_url: str
    policy: Policy

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.namespace = f"prop-{uuid.uuid4().hex[:10]}"
        self.client = make_client(self.redis_url)
        self.clock = ManualClock(1_767_798_000.0)
        self.store = TicketStore.build(self.client, self.namespace, self.policy, TIMEZONE, self.clock)
        self.transitions: Counter[int] = Counter()

    def run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    @initialize()
    def start(self) -> None:
        self.transitions.clear()

    def _attempt(self, number: int, coro) -> None:  # type: ignore[no-untyped-def]
        """Run a transition; on refusal the ticket must be unchanged."""
        before = self.run(self.client.hgetall(self.store.keys.ticket(number)))
        try:
            self.run(coro)
        except StoreError:
            after = self.run(self.client.hgetall(self.store.keys.ticket(number)))
            assert after == before
        else:
            self.transitions[number] += 1

    def _some_ticket(self, index: int) -> int:
        known = sorted(self.transitions) or [1]
        return known[index % len(known)]

    @rule(cid=CUSTOMERS, situation=SITUATIONS, tier=TIERS, urgent=st.booleans())
    def message(
        self, cid: int, situation: tuple[Intent, Impact | None], tier: Tier | None, urgent: bool
    ) -> None:
        submission = self.run(
            report(self.store, self.policy, customer(cid, tier), "msg", *situation, urgent=urgent)
        )
        self.transitions[submission.ticket.number] += 1

    @rule(index=st.integers(0, 20), agent=AGENTS)
    def claim(self, index: int, agent: int) -> None:
        number = self._some_ticket(index)
        self._attempt(number, self.store.claim(number, agent))

    @rule(index=st.integers(0, 20), agent=AGENTS)
    def release(self, index: int, agent: int) -> None:
        number = self._some_ticket(index)
        self._attempt(number, self.store.release(number, agent))

    @rule(index=st.integers(0, 20), agent=AGENTS)
    def reply(self, index: int, agent: int) -> None:
        number = self._some_ticket(index)
        self._attempt(number, self.store.reply(number, agent, "resposta"))

    @rule(index=st.integers(0, 20), agent=AGENTS)
    def resolve(self, index: int, agent: int) -> None:
        number = self._some_ticket(index)
        self._attempt(number, self.store.resolve(number, agent))

    @rule(index=st.integers(0, 20), score=st.integers(0, 6))
    def rate(self, index: int, score: int) -> None:
        number = self._some_ticket(index)
        owner = int(self.run(self.client.hget(self.store.keys.ticket(number), "customer_id")) or 0)
        self._attempt(number, self.store.rate(number, owner, score))

    @rule(index=st.integers(0, 20), priority=st.sampled_from(list(Priority)), agent=AGENTS)
    def reprioritise(self, index: int, priority: Priority, agent: int) -> None:
        number = self._some_ticket(index)
        self._attempt(number, self.store.set_priority(number, agent, priority))

    @rule(index=st.integers(0, 20))
    def withdraw(self, index: int) -> None:
        number = self._some_ticket(index)
        owner = int(self.run(self.client.hget(self.store.keys.ticket(number), "customer_id")) or 0)
        self._attempt(number, self.store.withdraw(number, owner))

    @rule(seconds=st.sampled_from([1.0, 600.0, 7200.0, 90_000.0]))
    def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @invariant()
    def indexes_follow_state(self) -> None:
        keys = self.store.keys
        queue = set(self.run(self.client.zrange(keys.queue, 0, -1)))
        claimed = set(self.run(self.client.zrange(keys.claimed, 0, -1)))
        resolved = set(self.run(self.client.zrange(keys.resolved, 0, -1)))
        sla = set(self.run(self.client.zrange(keys.sla, 0, -1)))
        active = self.run(self.client.hgetall(keys.active))
        assert len(set(active.values())) == len(active), "one ticket per customer"
        tickets = self.run(self.store.get_many(sorted(self.transitions)))
        for ticket in tickets:
            member = str(ticket.number)
            assert (member in queue) == (ticket.state is State.OPEN)
            assert (member in claimed) == (ticket.state is State.CLAIMED)
            assert (member in resolved) == (ticket.state is State.RESOLVED)
            if ticket.state is State.RESOLVED:
                assert member not in sla
                assert active.get(str(ticket.customer.telegram_id)) != member
            else:
                assert active.get(str(ticket.customer.telegram_id)) == member
            if ticket.state is State.OPEN:
                assert ticket.assignee is None
        assert queue | claimed == set(active.values())

    @invariant()
    def one_audit_event_per_transition(self) -> None:
        entries = self.run(self.client.xrange(self.store.keys.audit))
        per_ticket = Counter(int(fields["ticket"]) for _, fields in entries)
        assert per_ticket == self.transitions
        for number, count in self.transitions.items():
            assert self.run(self.client.llen(self.store.keys.log(number))) == count

    def teardown(self) -> None:
        async def cleanup() -> None:
            async for key in self.client.scan_iter(match=f"{self.namespace}:*", count=1000):
                await self.client.delete(key)
            await self.client.aclose()

        self.run(cleanup())
        self.loop.close()


def test_store_invariants_hold_for_random_operation_sequences(redis_url: str, policy: Policy) -> None:
    DeskMachine.redis_url = redis_url
    DeskMachine.policy = policy
    run_state_machine_as_test(
        DeskMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
