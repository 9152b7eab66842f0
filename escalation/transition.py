"""Calling `lua/transition.lua`: one transition in one script, retried when a race was lost.

Its refusals become `escalation.store_errors`; a stale snapshot is retried with jittered
backoff; inside an update's handling, a replay gets the transition its first run applied.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from escalation.clock import seconds_text
from escalation.domain import Priority, State
from escalation.effects import EFFECTS_TTL_S, current_scope
from escalation.keys import Keys
from escalation.stats import RETENTION_S, StatOp
from escalation.store_errors import Contended, IllegalTransition, NotAssignee, TicketNotFound
from escalation.ticket import Ticket

T = TypeVar("T")
MAX_RETRIES = 64
LOG_MAX_ENTRIES = 200


@dataclass(frozen=True, slots=True)
class Applied:
    """A transition that happened: its event name ("created", "message", ...) and the ticket after it."""

    event: str
    ticket: Ticket


class Conflict(Exception):
    """The snapshot a transition was computed from is stale: `_retrying` re-reads and tries again."""


class TransitionScript:
    """The plumbing of `TicketStore`'s transitions: the script call, its retries and its replays.

    Kept apart from what each transition writes (`escalation.store`), which is the desk's rules;
    `TicketStore` sets the attributes.
    """

    redis: Redis
    keys: Keys
    audit_maxlen: int
    on_event: Callable[[str, Priority], None]
    _transition: AsyncScript

    async def _retrying(self, attempt: Callable[[], Awaitable[T]], what: str) -> T:
        """Optimistic concurrency: re-read and retry when another writer changed the ticket first.

        Jittered backoff spreads racing writers out, so each round lets one of them through.
        """
        for round_number in range(MAX_RETRIES):
            try:
                return await attempt()
            except Conflict:
                await asyncio.sleep(random.uniform(0, 0.002 * (round_number + 1)))
        raise Contended(f"{what}: too many concurrent changes, try again")

    async def _replayed(self) -> Ticket | None:
        """The transition the first run of this handling applied here, when this is its replay.

        For refusals Python decides before calling the script (a rating when one is recorded):
        in a replay the state read is the one the first run left, so before refusing, the
        store asks whether this very effect was already applied (one read, on refusals only).
        """
        scope = current_scope()
        if scope is None:
            return None
        recorded = await self.redis.hget(self.keys.effects(scope.update), scope.peek("t"))
        if recorded is None:
            return None
        scope.advance("t")
        return _applied(json.loads(recorded)).ticket

    async def _apply(self, *args: Any, **options: Any) -> Ticket:
        """One transition through `lua/transition.lua` (see its header); the ticket as it left it.

        Takes `_transition_once`'s arguments; for callers that need only the ticket.
        """
        return (await self._transition_once(*args, **options)).ticket

    async def _transition_once(
        self,
        target: Ticket | int | None,
        event_name: str,
        actor: str,
        now: float,
        fields: dict[str, str],
        event: dict[str, Any],
        *,
        allowed: Sequence[State] = (),
        check_version: bool = False,
        assignee: int | None = None,
        customer_id: int | None = None,
        require_no_active: bool = False,
        last_resolved: str = "",
        sla_at: str = "",
        stats: list[StatOp] | None = None,
    ) -> Applied:
        """`_apply`, telling which transition happened: inside an update's handling a replay gets
        the one its first run applied (`escalation.effects`), which may not be the one asked for."""
        scope = current_scope()
        number = target.number if isinstance(target, Ticket) else target
        version = str(target.version) if isinstance(target, Ticket) and check_version else ""
        if customer_id is None and isinstance(target, Ticket):
            customer_id = target.customer.telegram_id
        record = {"event": event_name, "at": now, "actor": actor, **event}
        result = await self._transition(
            keys=[self.keys.route],
            args=[
                self.keys.prefix,
                "" if number is None else str(number),
                "" if customer_id is None else str(customer_id),
                ",".join(state.value for state in allowed),
                version,
                "" if assignee is None else str(assignee),
                json.dumps(fields),
                json.dumps(record, ensure_ascii=False),
                event_name,
                actor,
                seconds_text(now),
                str(self.audit_maxlen),
                sla_at,
                "1" if require_no_active else "0",
                json.dumps(stats or []),
                str(RETENTION_S),
                last_resolved,
                str(LOG_MAX_ENTRIES),
                "" if scope is None else scope.peek("t"),
                "" if scope is None else self.keys.effects(scope.update),
                str(EFFECTS_TTL_S),
            ],
        )
        status, ticket_number = result[0], int(result[1])
        if status == "ok":
            applied = _applied(result)
            if scope is not None:
                scope.advance("t")
            self.on_event(applied.event, applied.ticket.priority)
            return applied
        if status == "not_found":
            raise TicketNotFound(ticket_number)
        if status == "state":
            raise IllegalTransition(ticket_number, _VERBS.get(event_name, event_name), result[4])
        if status == "assignee":
            raise NotAssignee(ticket_number, result[4])
        raise Conflict(status)


_VERBS = {
    "claimed": "claim",
    "released": "release",
    "resolved": "resolve",
    "reply": "reply to",
    "withdrawn": "withdraw",
    "rated": "rate",
    "priority": "reprioritise",
    "transferred": "transfer",
}


def _applied(reply: list[Any]) -> Applied:
    """The "ok" reply of transition.lua (applied now, or recorded by the first run of a replay)."""
    raw = dict(zip(reply[4::2], reply[5::2], strict=True))
    return Applied(reply[3], Ticket.from_hash(raw))
