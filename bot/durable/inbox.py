"""The inbox: every update the desk has confirmed to Telegram, in Redis until a worker has handled it.

Telegram forgets an update once the bot confirms it (the next getUpdates offset, or the
webhook's 200), so the update is stored here first, in the same script that records the new
offset. Each chat has a list of its events in arrival order; a chat with events is either ready
(waiting in its lane's sorted set) or leased to one worker, who handles the head event and then
marks it done. So one chat's events are handled one at a time and in order, whichever worker
takes them, while different chats run side by side on every worker.

A lease lasts a few seconds and its worker renews it while the handler runs. A worker that dies
stops renewing; the next `take` by any worker gives the chat back, ahead of the rest of its lane,
and the event is handled again (its effects replay: `escalation.effects`).

Two lanes: the agents' group, managers and button presses (`f`, fast) never wait behind a storm
of subscribers' messages (`n`), since each worker takes from each lane with its own capacity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from redis.asyncio import Redis

from bot.durable.codec import event_from_json, event_to_json
from escalation.effects import EFFECTS_TTL_S
from escalation.keys import Keys
from handlers.events import ButtonPress, ChatKind, Event

LUA = Path(__file__).with_name("lua")
LEASE_S = 4.0


def _leasing(name: str) -> str:
    """A script that leases chats, with the `take` it shares (lua/inbox_common.lua)."""
    return (LUA / "inbox_common.lua").read_text() + (LUA / name).read_text()


class Lane(StrEnum):
    """Which capacity an event waits for: people at work (fast) or subscribers (normal)."""

    FAST = "f"
    NORMAL = "n"


def lane_of(event: Event) -> Lane:
    """Button presses and everything outside private chats (the agents' group) take the fast lane."""
    if isinstance(event, ButtonPress) or event.chat.kind is not ChatKind.PRIVATE:
        return Lane.FAST
    return Lane.NORMAL


def lanes_of(updates: Sequence[tuple[int, Event | None]]) -> set[Lane]:
    """The lanes stored updates wait in: only those lanes' take loops have new work to look at."""
    return {lane_of(event) for _, event in updates if event is not None}


@dataclass(frozen=True, slots=True)
class Taken:
    """A chat leased to this worker, with the event at its head."""

    chat_id: int
    update_id: int
    entry: str

    def event(self) -> Event:
        """The stored event (ValueError if the entry cannot be read)."""
        return event_from_json(self.entry.partition("|")[2])


@dataclass(frozen=True, slots=True)
class PollTurn:
    """The poll lease is this worker's: the next getUpdates offset, one past the last update a
    poller stored (None before the first)."""

    offset: int | None


def _taken(flat: Sequence[str | bytes]) -> list[Taken]:
    """The chats a script leased, from its flat reply {chat, head entry, ...}."""
    taken = []
    for chat, entry in zip(flat[::2], flat[1::2], strict=True):
        text = entry.decode() if isinstance(entry, bytes) else entry
        taken.append(Taken(int(chat), int(text[1:].partition("|")[0]), text))
    return taken


class Inbox:
    """The desk's inbound queue in Redis, as one worker (`worker`) sees it."""

    def __init__(self, redis: Redis, keys: Keys, worker: str, lease: float = LEASE_S) -> None:
        self.redis = redis
        self.worker = worker
        self.lease_ms = int(lease * 1000)
        self._route = keys.route
        self._keys = keys
        self._prefix = keys.inbox_prefix
        self._put = redis.register_script((LUA / "inbox_put.lua").read_text())
        self._take = redis.register_script(_leasing("inbox_take.lua"))
        self._done = redis.register_script(_leasing("inbox_done.lua"))
        self._renew = redis.register_script((LUA / "inbox_renew.lua").read_text())
        self._poll_lease = redis.register_script((LUA / "poll_lease.lua").read_text())

    async def put(
        self,
        updates: Sequence[tuple[int, Event | None]],
        offset: int | None = None,
        lease: float | None = None,
    ) -> int | None:
        """Store updates (None events are only confirmed); with `offset`, record it as the poller,
        and with `lease`, renew the poll lease for that long in the same step.

        Returns how many were new, or None when this worker no longer holds the poll lease (then
        nothing was stored, the offset is unchanged and the lease is not renewed).
        """
        args: list[str | int] = [self._prefix, EFFECTS_TTL_S, self.worker, "" if offset is None else offset]
        args.append("" if lease is None else max(1, int(lease * 1000)))
        for update_id, event in updates:
            if event is not None:
                entry = f"{lane_of(event).value}{update_id}|{event_to_json(event)}"
                args += [update_id, event.chat.id, entry]
        stored = int(await self._put(keys=[self._route], args=args))
        return None if stored < 0 else stored

    async def take(self, lane: Lane, count: int) -> tuple[int, list[Taken]]:
        """Lease up to `count` ready chats of `lane`; also how many dead workers' chats came back."""
        expired, flat = await self._take(
            keys=[self._route], args=[self._prefix, self.worker, self.lease_ms, lane.value, count]
        )
        return int(expired), _taken(flat)

    async def done(self, taken: Taken) -> bool:
        """The head event is handled: drop it. False if the chat was taken over meanwhile."""
        held, _, _ = await self.done_then_take(taken, None)
        return held

    async def done_then_take(self, taken: Taken, lane: Lane | None) -> tuple[bool, int, list[Taken]]:
        """`done`, and in the same step (with a lane) lease this worker its next ready chat of `lane`.

        Returns whether the chat was still held, how many dead workers' chats came back, and the
        chat taken (none, or one).
        """
        effects = self._keys.effects(f"u{taken.update_id}")
        args = [self._prefix, self.worker, taken.chat_id, taken.update_id, effects]
        args += ["", ""] if lane is None else [lane.value, self.lease_ms]
        held, expired, flat = await self._done(keys=[self._route], args=args)
        return bool(held), int(expired), _taken(flat)

    async def hand_back(self, chat_id: int) -> None:
        """Give a held chat back unhandled, first in its lane (shutting down)."""
        await self._done(keys=[self._route], args=[self._prefix, self.worker, chat_id, "", "", "", ""])

    async def renew(self, chat_ids: Sequence[int]) -> list[int]:
        """Extend the leases of held chats; the ones no longer held."""
        if not chat_ids:
            return []
        lost = await self._renew(
            keys=[self._route], args=[self._prefix, self.worker, self.lease_ms, *chat_ids]
        )
        return [int(chat) for chat in lost]

    async def hold_poll(self, lease: float) -> PollTurn | None:
        """Take or renew the poll lease for `lease` seconds, with the offset to poll from; None
        while another worker holds it."""
        held, offset = await self._poll_lease(
            keys=[self._route], args=[self._prefix, self.worker, max(1, int(lease * 1000))]
        )
        if not int(held):
            return None
        return PollTurn(int(offset) if offset else None)

    async def leave_poll(self) -> None:
        """Give up the poll lease (if held), so a standby worker polls at once."""
        await self._poll_lease(keys=[self._route], args=[self._prefix, self.worker, 0])
