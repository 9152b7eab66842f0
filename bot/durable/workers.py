"""Handling what the inbox holds: this worker's share of the desk's chats, each under a lease.

Every worker runs two take loops, one per lane (`bot.durable.inbox.Lane`): each leases as many
ready chats as it has room for, runs each chat's head event through the handler inside the
update's effect scope, then marks it done, which makes the chat ready again for any worker if
more of its events wait. The same step leases the next ready chat of the lane into the room it
frees (unless that room went to another chat at the end of a turn, or the worker is stopping),
so a busy worker goes from one event to the next in one round trip. A renewal task keeps the
leases of the chats being handled alive; when a worker dies, its leases run out within seconds
(`bot.durable.inbox.LEASE_S`) and another worker takes the chats over.

Subscribers' chats take turns: `running` of them at once per worker (the size of the Redis pool
the handlers would queue on anyway). A turn is itself a short lease: a handler still running
after `turn` seconds (waiting for Telegram's pacing, say) gives its turn to the next chat and
goes on without one, so nothing stalls for good. The fast lane (agents, managers, buttons) has
its own room and no turns: an agent's claim never queues behind a storm.

When Redis cannot be reached the handler's work is not marked done: the worker waits and runs
the event again (its effects replay), so what arrived is handled once Redis answers. Other
failures are the dispatcher's to answer; an update that fails anyway is logged and done.

Stopping (SIGTERM): no new chats are taken, running handlers get `grace` seconds, the rest are
cancelled and their chats handed back first in line, for another worker or the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.durable.inbox import Inbox, Lane, Taken
from bot.runtime.base import EventHandler
from escalation.effects import effect_scope
from escalation.unavailable import REDIS_UNAVAILABLE
from handlers.events import Event

log = logging.getLogger("bot.runtime")

RUNNING_HANDLERS = 64
FAST_HANDLERS = 32
TURN_S = 1.0
IDLE_POLL_S = (0.01, 0.25)  # an idle take loop asks Redis again after this long, doubling to the max
REDIS_RETRY_S = (0.5, 10.0)


class InboxWorkers:
    """The take loops, the lease renewal and the running handlers of one worker process."""

    def __init__(
        self,
        inbox: Inbox,
        handle: EventHandler,
        *,
        running: int = RUNNING_HANDLERS,
        fast: int = FAST_HANDLERS,
        turn: float = TURN_S,
    ) -> None:
        self.inbox = inbox
        self._handle = handle
        self._room = {Lane.NORMAL: running, Lane.FAST: fast}
        self._has_room = {lane: asyncio.Event() for lane in Lane}
        self._wake = {lane: asyncio.Event() for lane in Lane}
        self._turn = turn
        self._held: dict[int, Taken] = {}
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        for event in self._has_room.values():
            event.set()

    def wake(self) -> None:
        """New events were stored by this process: look at once instead of at the next idle poll."""
        for event in self._wake.values():
            event.set()

    async def run(self, grace: float) -> None:
        """Take and handle until cancelled; then stop as described in the module docstring."""
        loops = [
            asyncio.create_task(self._take_loop(lane), name=f"inbox-{lane.name.lower()}") for lane in Lane
        ]
        loops.append(asyncio.create_task(self._renew_loop(), name="inbox-renew"))
        try:
            await asyncio.gather(*loops)
        finally:
            self._stopping = True  # handlers that finish now take no next chat
            for loop in loops:
                loop.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self._stop_handlers(grace)

    async def _take_loop(self, lane: Lane) -> None:
        idle = IDLE_POLL_S[0]
        retry = REDIS_RETRY_S[0]
        while True:
            await self._has_room[lane].wait()
            self._wake[lane].clear()
            try:
                expired, taken = await self.inbox.take(lane, self._room[lane])
            except REDIS_UNAVAILABLE as exc:
                log.warning("inbox: Redis unavailable (%s); trying again in %.1fs", exc, retry)
                await asyncio.sleep(retry)
                retry = min(retry * 2, REDIS_RETRY_S[1])
                continue
            retry = REDIS_RETRY_S[0]
            if expired:
                log.warning("inbox: took back %d chats whose worker stopped renewing its lease", expired)
            for item in taken:
                self._start(lane, item)
            if taken:
                idle = IDLE_POLL_S[0]
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(idle):
                    await self._wake[lane].wait()
            idle = min(idle * 2, IDLE_POLL_S[1])

    def _start(self, lane: Lane, taken: Taken) -> None:
        self._room[lane] -= 1
        if self._room[lane] <= 0:
            self._has_room[lane].clear()
        self._held[taken.chat_id] = taken
        task = asyncio.create_task(self._run_one(lane, taken), name=f"update-{taken.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _give_room(self, lane: Lane) -> None:
        self._room[lane] += 1
        self._has_room[lane].set()

    async def _run_one(self, lane: Lane, taken: Taken) -> None:
        following: Taken | None = taken
        while following is not None:
            following = await self._take_turn(lane, following)

    async def _take_turn(self, lane: Lane, taken: Taken) -> Taken | None:
        """Handle a chat's head event in this task's room; then the next chat for the same room,
        leased in the same step as the done mark, or None once the room is given back."""
        returned = False

        def give_turn() -> None:
            nonlocal returned
            if not returned:
                returned = True
                self._give_room(lane)

        turn = asyncio.get_running_loop().call_later(self._turn, give_turn) if lane is Lane.NORMAL else None
        following: Taken | None = None
        try:
            try:
                await self._handle_event(taken)
            finally:
                if turn is not None:
                    turn.cancel()
            following = await self._mark_done(taken, None if returned or self._stopping else lane)
            del self._held[taken.chat_id]  # a cancelled handler's chat stays held, to be handed back
            if following is not None:
                self._held[following.chat_id] = following
        finally:
            if following is None:
                give_turn()
        return following

    async def _handle_event(self, taken: Taken) -> None:
        try:
            event = taken.event()
        except ValueError:
            log.exception(
                "inbox: update %d of chat %d cannot be read; dropped", taken.update_id, taken.chat_id
            )
        else:
            await self._handle_while_redis_answers(event, taken)

    async def _handle_while_redis_answers(self, event: Event, taken: Taken) -> None:
        retry = REDIS_RETRY_S[0]
        while True:
            try:
                with effect_scope(f"u{taken.update_id}"):
                    await self._handle(event)
                return
            except REDIS_UNAVAILABLE as exc:
                log.warning(
                    "update %d: Redis unavailable (%s); handling it again in %.1fs",
                    taken.update_id,
                    exc,
                    retry,
                )
            except Exception:
                log.exception("update %d failed (chat %d)", taken.update_id, taken.chat_id)
                return
            await asyncio.sleep(retry)
            retry = min(retry * 2, REDIS_RETRY_S[1])

    async def _mark_done(self, taken: Taken, then: Lane | None) -> Taken | None:
        """Mark the event done; with `then`, lease the next ready chat of that lane in the same step."""
        retry = REDIS_RETRY_S[0]
        while True:
            try:
                held, expired, following = await self.inbox.done_then_take(taken, then)
            except REDIS_UNAVAILABLE as exc:
                log.warning("update %d: cannot mark it done (%s); trying again", taken.update_id, exc)
                await asyncio.sleep(retry)
                retry = min(retry * 2, REDIS_RETRY_S[1])
                continue
            if not held:
                log.warning(
                    "update %d: chat %d was taken over while it was handled; its effects replay there",
                    taken.update_id,
                    taken.chat_id,
                )
            if expired:
                log.warning("inbox: took back %d chats whose worker stopped renewing its lease", expired)
            return following[0] if following else None

    async def _renew_loop(self) -> None:
        while True:
            await asyncio.sleep(self.inbox.lease_ms / 3000)
            try:
                lost = await self.inbox.renew(list(self._held))
            except REDIS_UNAVAILABLE as exc:
                log.warning("inbox: cannot renew leases (%s)", exc)
                continue
            for chat in lost:
                log.warning("inbox: lost the lease on chat %d (another worker took it over)", chat)

    async def _stop_handlers(self, grace: float) -> None:
        running = set(self._tasks)
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            if late:
                log.warning(
                    "shutdown: %d events still running after %.0fs; handed back to the inbox",
                    len(late),
                    grace,
                )
            while late:  # cancel until each has ended (a cancel can be swallowed by a finishing wait)
                for task in late:
                    task.cancel()
                _, late = await asyncio.wait(late, timeout=1.0)
        for chat in list(self._held):
            with contextlib.suppress(*REDIS_UNAVAILABLE):
                await self.inbox.hand_back(chat)
            self._held.pop(chat, None)
