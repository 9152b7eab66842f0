"""The backlog right now: what managers see in `/report` (the scheduled summaries build on it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from escalation.domain import Priority, State
from escalation.store import TicketStore
from escalation.ticket import Ticket

SCAN_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Backlog:
    """Open tickets by priority, the oldest waiting one, and who holds what."""

    open_by_priority: dict[str, int]
    claimed_by_agent: dict[int, int]
    oldest: Ticket | None
    oldest_wait_s: float
    claimed: int = 0
    waiting: int = 0
    top: list[Ticket] = field(default_factory=list)


async def backlog_now(store: TicketStore, now: float) -> Backlog:
    """Read the queue and the claimed index once and summarise them."""
    waiting = await store.list(State.OPEN, limit=SCAN_LIMIT)
    claimed = await store.list(State.CLAIMED, limit=SCAN_LIMIT)
    by_priority = Counter(ticket.priority.name for ticket in (*waiting, *claimed))
    oldest = min(waiting, key=lambda ticket: ticket.created_at, default=None)
    return Backlog(
        open_by_priority={p.name: by_priority.get(p.name, 0) for p in Priority},
        claimed_by_agent=dict(Counter(ticket.assignee for ticket in claimed if ticket.assignee)),
        oldest=oldest,
        oldest_wait_s=now - oldest.created_at if oldest else 0.0,
        claimed=len(claimed),
        waiting=len(waiting),
        top=sorted(waiting, key=lambda ticket: (ticket.priority, ticket.due_at))[:5],
    )
