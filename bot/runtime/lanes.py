"""Per-chat ordering of inbound events: one chat's events run one after another, chats run side by side.

Both runtimes feed updates to `ChatLanes.submit` from their framework's sequential update loop, and
`submit` only appends to a list, so polling (or the webhook response) never waits for a handler.
Order inside a chat matters (a subscriber's "my TV is down" must be handled before their "still
down"), order across chats does not; a chat with pending events has one worker task that runs them
in arrival order and ends when its lane is empty, so idle chats cost nothing. An exception from the
handler is logged with the update id and the lane carries on: one bad update must not stall a chat.

Subscribers' private messages take turns: `running` turns (64, the size of the Redis connection
pool the handlers would queue on anyway), given in arrival order. A burst of 3,000 new chats then
holds 3,000 small waiting tasks instead of 3,000 handlers' coroutine stacks, Redis replies and
framework objects: the aiogram bot's peak RSS in `bench/e2e.py` went from 151 to 135 MB. A turn is
a lease, not a lock: a handler still running after `lease` seconds (waiting for Telegram's pacing,
say) gives its turn to the next chat and goes on without one. So nothing stalls for good, but when
every handler is that slow, new chats are admitted `running` per lease, and a chat that arrives
behind N others waits about N / 64 seconds to start. Group messages (agents, managers) and button
presses never take a turn: an agent's claim or `/incident resolve` must not queue behind a storm
of subscribers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from bot.runtime.base import EventHandler
from handlers.events import ButtonPress, ChatKind, Event

log = logging.getLogger("bot.runtime")

RUNNING_HANDLERS = 64
TURN_LEASE_S = 1.0


class ChatLanes:
    """A FIFO lane per chat id, each drained by its own task while it has events."""

    def __init__(
        self,
        handle: EventHandler,
        runtime: str,
        *,
        running: int = RUNNING_HANDLERS,
        lease: float = TURN_LEASE_S,
    ) -> None:
        self._handle = handle
        self._runtime = runtime
        self._lanes: dict[int, deque[Event]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._turns = asyncio.Semaphore(running)
        self._lease = lease

    @property
    def pending(self) -> int:
        """Events submitted and not finished yet (including the ones running now)."""
        return sum(len(lane) for lane in self._lanes.values())

    def submit(self, event: Event) -> None:
        """Queue an event behind earlier events of its chat; never blocks."""
        chat_id = event.chat.id
        lane = self._lanes.get(chat_id)
        if lane is not None:
            lane.append(event)
            return
        self._lanes[chat_id] = deque([event])
        worker = asyncio.create_task(self._drain(chat_id), name=f"{self._runtime}-chat-{chat_id}")
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    async def _drain(self, chat_id: int) -> None:
        lane = self._lanes[chat_id]
        try:
            while lane:
                event = lane[0]
                try:
                    await self._in_turn(event)
                except Exception:
                    log.exception(
                        "runtime=%s update %d failed (chat %d)", self._runtime, event.update_id, chat_id
                    )
                lane.popleft()
        finally:
            del self._lanes[chat_id]

    async def _in_turn(self, event: Event) -> None:
        """Handle the event once a turn is free; the turn is given back at the end or after the lease."""
        if isinstance(event, ButtonPress) or event.chat.kind is not ChatKind.PRIVATE:
            await self._handle(event)
            return
        await self._turns.acquire()
        returned = False

        def give_back() -> None:
            nonlocal returned
            if not returned:
                returned = True
                self._turns.release()

        lease = asyncio.get_running_loop().call_later(self._lease, give_back)
        try:
            await self._handle(event)
        finally:
            lease.cancel()
            give_back()

    async def join(self) -> None:
        """Wait until every submitted event has been handled (tests and shutdown use it)."""
        while self._workers:
            await asyncio.wait(set(self._workers))

    async def close(self, grace: float) -> None:
        """Let running lanes finish for up to `grace` seconds, then cancel what is left.

        Updates still queued at that point were already confirmed to Telegram, so they are lost;
        the warning says how many, which is why the grace period exists at all.
        """
        try:
            async with asyncio.timeout(grace):
                await self.join()
        except TimeoutError:
            log.warning("runtime=%s shutdown: %d unfinished events dropped", self._runtime, self.pending)
        finally:
            workers = set(self._workers)
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
