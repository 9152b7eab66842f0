"""The SLA tick: every due SLA ladder advanced by one atomic script (`lua/sla_tick.lua`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from escalation.clock import seconds_text
from escalation.domain import Priority
from escalation.keys import Keys
from escalation.policy import Policy
from escalation.stats import RETENTION_S
from escalation.transition import LOG_MAX_ENTRIES

CLAIM_RETRY_S = 60


@dataclass(frozen=True, slots=True)
class SlaEvent:
    """What one SLA tick did to a ticket: the step reached (if any) and whether it was breached now.

    `release` asks the caller to take the ticket back from a claimer who stayed silent.
    """

    number: int
    action: str | None
    breached: bool
    priority: Priority
    due_at: float | None
    assignee: int | None
    due_kind: str
    release: bool


class SlaTick:
    """The SLA tick of `TicketStore`: one job of its own, run by every worker on a timer.

    `TicketStore` sets the attributes and registers the script.
    """

    redis: Redis
    keys: Keys
    policy: Policy
    audit_maxlen: int
    on_event: Callable[[str, Priority], None]
    _sla_tick: AsyncScript

    async def sla_tick(self, now: float, limit: int = 5000) -> list[SlaEvent]:
        """Advance every due SLA ladder by one atomic script; return what to tell people.

        Any number of workers may tick at once: each due entry is taken by exactly one of them.
        """
        escalation = self.policy.escalation
        raw = await self._sla_tick(
            keys=[self.keys.route],
            args=[
                self.keys.prefix,
                seconds_text(now),
                limit,
                escalation.renotify,
                escalation.loops,
                escalation.claim_timeout,
                "1" if escalation.breach_raises_priority else "0",
                self.audit_maxlen,
                RETENTION_S,
                CLAIM_RETRY_S,
                LOG_MAX_ENTRIES,
            ],
        )
        events = [
            SlaEvent(
                number=int(raw[i]),
                action=raw[i + 1] or None,
                breached=raw[i + 2] == 1,
                priority=Priority[raw[i + 3]],
                due_at=float(raw[i + 4]) if raw[i + 4] else None,
                assignee=int(raw[i + 5]) if raw[i + 5] else None,
                due_kind=raw[i + 6],
                release=raw[i + 7] == 1,
            )
            for i in range(0, len(raw), 8)
        ]
        for event in events:
            if event.action == "warn":
                self.on_event("sla_warn", event.priority)
            if event.breached:
                self.on_event("sla_breach", event.priority)
        return events
