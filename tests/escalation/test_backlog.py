"""The backlog totalled inside Redis, slice by slice, equals what the tickets say."""

from __future__ import annotations

from collections import Counter

import pytest

from escalation import backlog as backlog_module
from escalation.backlog import backlog_now
from escalation.clock import ManualClock
from escalation.domain import Impact, Intent, State, Tier
from escalation.policy import Policy
from escalation.store import TicketStore
from tests.escalation.factories import customer, report

pytestmark = pytest.mark.cluster


@pytest.mark.parametrize("chunk", [2, 3, 5000])
async def test_slices_add_up_to_the_tickets(
    store: TicketStore, policy: Policy, clock: ManualClock, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(backlog_module, "CHUNK", chunk)
    situations = [(Intent.OUTAGE, Impact.TOTAL), (Intent.OUTAGE, Impact.PARTIAL), (Intent.HUMAN, None)]
    for i in range(9):
        intent, impact = situations[i % 3]
        await report(store, policy, customer(100 + i, [Tier.BASIC, Tier.PREMIUM][i % 2]), "x", intent, impact)
        clock.advance(2 * 3600)
    await store.claim(2, 9001)
    await store.claim(5, 9001)
    await store.claim(7, 9002)
    await store.resolve(9, 9002)

    now = clock.now()
    backlog = await backlog_now(store, now)

    active = [t for t in await store.list(limit=100) if t.state is not State.RESOLVED]
    assert backlog.open_by_priority == {
        p: Counter(t.priority.name for t in active)[p] for p in ("P1", "P2", "P3", "P4")
    }
    assert (backlog.waiting, backlog.claimed) == (5, 3)
    assert backlog.claimed_by_agent == {9001: 2, 9002: 1}
    assert sum(backlog.open_by_age.values()) == 8
    assert backlog.open_by_age["<1h"] == 0 and backlog.open_by_age[">24h"] == 0
    assert backlog.oldest is not None and backlog.oldest.number == 1
    assert backlog.oldest.wait_s == pytest.approx(now - (await store.get(1)).created_at)
    waiting = [t for t in active if t.state is State.OPEN]
    assert backlog.waiting_by_priority == {
        p: Counter(t.priority.name for t in waiting)[p] for p in ("P1", "P2", "P3", "P4")
    }
    for priority in ("P1", "P2", "P3", "P4"):
        ages = [now - t.created_at for t in waiting if t.priority.name == priority]
        assert backlog.oldest_wait_by_priority[priority] == pytest.approx(max(ages, default=0.0))
