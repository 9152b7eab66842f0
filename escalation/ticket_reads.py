"""Reading tickets: one ticket, several, their history, the queue, and a customer's arrival.

Reads change nothing; `TicketStore` (`escalation/store.py`) inherits them beside its transitions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from escalation.domain import State
from escalation.effects import EFFECTS_TTL_S, EffectScope, current_scope
from escalation.keys import Keys
from escalation.store_errors import TicketNotFound
from escalation.ticket import Ticket


@dataclass(frozen=True, slots=True)
class Arrival:
    """What the desk knows about a subscriber's message the moment it arrives, read in one round trip.

    `active` is the customer's open or claimed ticket, `last_number` their last resolved one (a message may
    reopen it), `linked_subscriber` the directory entry they proved. `submit` takes it as its
    first reading, so a new ticket or a follow-up costs no read of its own (a reopen still reads
    the last ticket). A reading that went stale meanwhile is caught by the transition script
    (the active ticket's version, the last resolved ticket's number) and read afresh.
    """

    active: Ticket | None
    last_number: int | None
    linked_subscriber: str | None


class TicketReads:
    """The reads of `TicketStore`: tickets, histories, the queue, and a customer's arrival.

    A part of the store, kept apart because nothing here writes; `TicketStore` sets the attributes.
    """

    redis: Redis
    keys: Keys
    _arrival: AsyncScript

    async def get(self, number: int) -> Ticket:
        """The ticket, or TicketNotFound."""
        raw = await self.redis.hgetall(self.keys.ticket(number))
        if not raw:
            raise TicketNotFound(number)
        return Ticket.from_hash(raw)

    async def get_many(self, numbers: Sequence[int]) -> list[Ticket]:
        """Several tickets in one round trip, in the given order (missing ones skipped)."""
        if not numbers:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for number in numbers:
                pipe.hgetall(self.keys.ticket(number))
            rows = await pipe.execute()
        return [Ticket.from_hash(row) for row in rows if row]

    async def history(self, number: int) -> list[dict[str, Any]]:
        """The ticket's events and messages, oldest first; TicketNotFound for an unknown number."""
        await self.get(number)
        return await self.log(number)

    async def log(self, number: int) -> list[dict[str, Any]]:
        """The events and messages of a ticket the caller already holds (no existence check)."""
        return [json.loads(item) for item in await self.redis.lrange(self.keys.log(number), 0, -1)]

    async def opening_texts(self, numbers: Sequence[int]) -> dict[int, str]:
        """Each ticket's first logged text (what the customer opened it with), in one round trip.

        What agents need to tell tickets apart in lists and pings, without reading whole logs.
        """
        async with self.redis.pipeline(transaction=False) as pipe:
            for number in numbers:
                pipe.lindex(self.keys.log(number), 0)
            rows = await pipe.execute()
        return {
            number: json.loads(row).get("text", "") if row else ""
            for number, row in zip(numbers, rows, strict=True)
        }

    async def list(self, state: State | None = None, limit: int = 100) -> list[Ticket]:
        """Tickets by state: open in queue order, claimed by claim time, else newest first.

        Ticket numbers come from INCR, so "newest first" needs no index: count down from the counter.
        """
        if state is State.OPEN:
            numbers = await self.redis.zrange(self.keys.queue, 0, limit - 1)
        elif state is State.CLAIMED:
            numbers = await self.redis.zrange(self.keys.claimed, 0, limit - 1)
        elif state is State.RESOLVED:
            numbers = await self.redis.zrevrange(self.keys.resolved, 0, limit - 1)
        else:
            newest = int(await self.redis.get(self.keys.seq) or 0)
            numbers = list(range(newest, max(0, newest - limit), -1))
        return await self.get_many([int(n) for n in numbers])

    async def queue_position(self, number: int) -> int | None:
        """1-based place in the open queue, or None when the ticket is not waiting."""
        rank = await self.redis.zrank(self.keys.queue, number)
        return None if rank is None else rank + 1

    async def queue_length(self) -> int:
        """How many tickets wait for an agent."""
        return int(await self.redis.zcard(self.keys.queue))

    async def active_ticket(self, customer_id: int) -> Ticket | None:
        """The customer's open or claimed ticket, if any."""
        number = await self.redis.hget(self.keys.active, str(customer_id))
        return await self.find(int(number)) if number is not None else None

    async def find(self, number: int) -> Ticket | None:
        """The ticket, or None when it does not exist (any more)."""
        try:
            return await self.get(number)
        except TicketNotFound:
            return None

    async def claimed_by(self, agent_id: int, limit: int = 100) -> list[Ticket]:
        """Tickets an agent currently holds."""
        return [t for t in await self.list(State.CLAIMED, limit=10_000) if t.assignee == agent_id][:limit]

    # ------------------------------------------------------------- arrival

    async def arrival(self, customer_id: int) -> Arrival:
        """What the customer's message needs to know, in one script (`Arrival`).

        Every subscriber message needs all of it before anything else, so one round trip instead
        of three: an FAQ answer then costs two round trips in all, and a new ticket no read of its
        own. Inside an update's handling the reading is recorded, and a replay of that handling
        gets it back (see `lua/arrival.lua`).
        """
        return await self._read_customer(customer_id, current_scope())

    async def _read_customer(self, customer_id: int, scope: EffectScope | None = None) -> Arrival:
        """The customer's tickets and link: now, or with `scope`, as its first run read them."""
        keys = [self.keys.active, self.keys.last, self.keys.links]
        effect = ""
        if scope is not None:
            keys.append(self.keys.effects(scope.update))
            effect = scope.take("r")
        active, last, linked = await self._arrival(
            keys=keys, args=[customer_id, self.keys.ticket_prefix, effect, EFFECTS_TTL_S]
        )
        fields = iter(active)
        ticket = Ticket.from_hash(dict(zip(fields, fields, strict=True))) if active else None
        return Arrival(ticket, int(last) if last is not None else None, linked)
