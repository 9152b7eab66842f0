"""The backlog right now: open tickets by priority and age, the oldest waiting, who holds what,
and the tickets that are late or about to be.

Computed inside Redis (`lua/backlog_chunk.lua`) a slice of the queue and claimed indexes at a
time, so a summary over a backlog of 100,000 tickets neither reads them all into Python nor
blocks Redis for long. The late tickets are read from the front of the queue (ordered by the
deadline owed) and from the claimed index, `PRESSING_READ` of each at most.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from escalation.domain import Priority
from escalation.store import TicketStore
from escalation.ticket import Ticket

CHUNK = 5_000
PRESSING_READ = 500
AGE_BUCKETS = (("<1h", 3600), ("1-4h", 4 * 3600), ("4-24h", 24 * 3600))
OLDER = ">24h"
_SCRIPT = (Path(__file__).with_name("lua") / "backlog_chunk.lua").read_text()


@dataclass(frozen=True, slots=True)
class Oldest:
    """The oldest ticket still waiting for an agent."""

    number: int
    priority: str
    wait_s: float


@dataclass(frozen=True, slots=True)
class Backlog:
    """Open tickets (waiting and claimed) by priority and by age, the oldest waiting, and holders.

    `waiting_by_priority` and `oldest_wait_by_priority` (seconds, 0 when none waits) count only
    tickets no agent has claimed: what `/metrics` exports for alerting on a queue nobody works.
    """

    open_by_priority: dict[str, int]
    waiting_by_priority: dict[str, int]
    oldest_wait_by_priority: dict[str, float]
    open_by_age: dict[str, int]
    waiting: int
    claimed: int
    oldest: Oldest | None
    claimed_by_agent: dict[int, int]


@dataclass(slots=True)
class _Slice:
    by_priority: Counter[str]
    by_age: Counter[str]
    count: int
    oldest: tuple[float, int, str] | None
    oldest_by_priority: dict[str, float]
    agents: Counter[int]


async def backlog_now(store: TicketStore, now: float) -> Backlog:
    """Walk both indexes in slices and add the slices up."""
    script = store.redis.register_script(_SCRIPT)
    waiting = await _walk(store, script, store.keys.queue, now)
    claimed = await _walk(store, script, store.keys.claimed, now)
    oldest = waiting.oldest
    return Backlog(
        open_by_priority={
            p.name: waiting.by_priority[p.name] + claimed.by_priority[p.name] for p in Priority
        },
        waiting_by_priority={p.name: waiting.by_priority[p.name] for p in Priority},
        oldest_wait_by_priority={
            p.name: now - waiting.oldest_by_priority[p.name] if p.name in waiting.oldest_by_priority else 0.0
            for p in Priority
        },
        open_by_age={
            label: waiting.by_age[label] + claimed.by_age[label]
            for label in (*(label for label, _ in AGE_BUCKETS), OLDER)
        },
        waiting=waiting.count,
        claimed=claimed.count,
        oldest=Oldest(oldest[1], oldest[2], now - oldest[0]) if oldest else None,
        claimed_by_agent=dict(claimed.agents),
    )


async def _walk(store: TicketStore, script, index: str, now: float) -> _Slice:  # type: ignore[no-untyped-def]
    total = _Slice(Counter(), Counter(), 0, None, {}, Counter())
    labels = [*(label for label, _ in AGE_BUCKETS), OLDER]
    size = await store.redis.zcard(index)
    prefix = store.keys.prefix
    for start in range(0, size, CHUNK):
        raw = await script(
            keys=[store.keys.route],
            args=[
                prefix,
                index.removeprefix(prefix),
                start,
                start + CHUNK - 1,
                now,
                *(limit for _, limit in AGE_BUCKETS),
            ],
        )
        priorities, ages = raw[:4], raw[4 : 4 + len(labels)]
        number, priority, created = raw[4 + len(labels) : 7 + len(labels)]
        total.by_priority.update({p.name: int(n) for p, n in zip(Priority, priorities, strict=True)})
        total.by_age.update({label: int(n) for label, n in zip(labels, ages, strict=True)})
        total.count += sum(int(n) for n in priorities)
        if number and (total.oldest is None or float(created) < total.oldest[0]):
            total.oldest = (float(created), int(number), priority)
        for p, created_at in zip(Priority, raw[7 + len(labels) : 11 + len(labels)], strict=True):
            if created_at and float(created_at) < total.oldest_by_priority.get(p.name, float("inf")):
                total.oldest_by_priority[p.name] = float(created_at)
        pairs = raw[11 + len(labels) :]
        total.agents.update({int(pairs[i]): int(pairs[i + 1]) for i in range(0, len(pairs), 2)})
    return total


@dataclass(frozen=True, slots=True)
class Pressing:
    """An active ticket past its deadline (`breached`) or past its last SLA warning (at risk)."""

    ticket: Ticket
    breached: bool


async def pressing_now(store: TicketStore, now: float) -> list[Pressing]:
    """The late tickets first, then those at risk; each group P1 first, then the longest late
    (or the least time left) first: what a manager must look at before any average."""
    keys = store.keys
    waiting = await store.redis.zrange(keys.queue, 0, PRESSING_READ - 1)
    claimed = await store.redis.zrange(keys.claimed, 0, PRESSING_READ - 1)
    async with store.redis.pipeline(transaction=False) as pipe:
        for number in [*waiting, *claimed]:
            pipe.hgetall(keys.ticket(int(number)))
        rows = await pipe.execute()
    found = []
    for row in rows:
        if not row:
            continue
        ticket = Ticket.from_hash(row)
        plan = [float(step) for step in (row.get("sla_plan") or "").split(",") if step]
        last_warning = plan[-2] if len(plan) >= 2 else ticket.due_at
        if ticket.due_at <= now:
            found.append(Pressing(ticket, breached=True))
        elif last_warning <= now:
            found.append(Pressing(ticket, breached=False))
    return sorted(found, key=lambda p: (not p.breached, p.ticket.priority, p.ticket.due_at))
