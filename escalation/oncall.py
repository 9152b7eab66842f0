"""Who is on call now: the policy's weekly rotation, or whoever took the shift by hand.

A shift is identified by its weekday and hours (`mon 08:00-14:00`), so the change of shift is a
change of identifier that every worker computes alike; `/oncall take` overrides the rotation
until the scheduled shift changes. Both live in Redis, so every worker sees the same answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from redis.asyncio import Redis

from escalation.keys import Keys
from escalation.policy import WEEKDAYS, OnCall, parse_span


@dataclass(frozen=True, slots=True)
class Duty:
    """The agents on call and the shift they belong to (`taken` when someone took it by hand)."""

    shift: str
    agents: tuple[int, ...]
    taken_by: int | None = None
    note: str = ""

    @property
    def key(self) -> str:
        """What identifies this duty for change detection (a take is a change too)."""
        return f"{self.shift}|{self.taken_by or ''}"


class OnCallRoster:
    """Reads the rotation and the hand-made changes of one desk."""

    def __init__(self, redis: Redis, keys: Keys, oncall: OnCall, timezone: str, all_agents: tuple[int, ...]):
        self.redis = redis
        self.keys = keys
        self.oncall = oncall
        self.tz = ZoneInfo(timezone)
        self.all_agents = all_agents

    def scheduled(self, now: float) -> Duty:
        """The rotation's duty at `now` (every agent, when there is no rotation or no shift now)."""
        local = datetime.fromtimestamp(now, self.tz)
        day = WEEKDAYS[local.weekday()]
        for shift in self.oncall.rotation:
            opens, closes = parse_span(shift.hours)
            after_open = local.time() >= opens
            before_close = closes == time(0) or local.time() < closes
            if day in shift.days and after_open and before_close:
                return Duty(f"{day} {shift.hours}", tuple(shift.agents))
        return Duty("everyone", self.all_agents)

    async def current(self, now: float) -> Duty:
        """The duty in force: a take for this scheduled shift wins over the rotation."""
        scheduled = self.scheduled(now)
        raw = await self.redis.get(self.keys.oncall_override)
        if raw:
            taken = json.loads(raw)
            if taken["shift"] == scheduled.shift:
                return Duty(scheduled.shift, (taken["agent"],), taken["agent"], taken.get("note", ""))
        return scheduled

    async def take(self, agent: int, now: float, note: str = "") -> Duty:
        """An agent takes the current shift (until the rotation's next change).

        The taker's own handover announces the change, so the duty is recorded as seen at once:
        the next shift check does not post a second handover for the same take.
        """
        shift = self.scheduled(now).shift
        duty = Duty(shift, (agent,), agent, note)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(
                self.keys.oncall_override,
                json.dumps({"shift": shift, "agent": agent, "note": note}),
                ex=7 * 86400,
            )
            pipe.set(self.keys.oncall_current, duty.key)
            await pipe.execute()
        return duty

    async def leave_note(self, note: str) -> None:
        """A note for the next handover message."""
        await self.redis.set(self.keys.oncall_note, note[:1000], ex=7 * 86400)

    async def take_note(self) -> str:
        """The note left for the next handover, removed (it is said once)."""
        return await self.redis.getdel(self.keys.oncall_note) or ""

    async def changed(self, now: float) -> tuple[Duty, str] | None:
        """The new duty and the pending note if the duty changed since the last check, else None.

        GETSET makes the change visible to exactly one worker, so one handover is posted.
        """
        duty = await self.current(now)
        previous = await self.redis.set(self.keys.oncall_current, duty.key, get=True)
        if previous == duty.key:
            return None
        note = await self.redis.getdel(self.keys.oncall_note) or duty.note
        return (duty, note) if previous is not None else None
