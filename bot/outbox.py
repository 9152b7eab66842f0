"""The outbound queue: every send and edit goes through here, within Telegram's limits.

Telegram allows about 30 messages a second overall, 20 a minute in one group and about one a
second in one private chat, and answers 429 with `retry_after` beyond that. The outbox keeps one
queue per chat and sends, whenever the global and the chat's budget allow, the most urgent job
of any chat that may receive now (lower ticket priority number first, then arrival order), so a
flooded group never holds back a P1 customer's answer. A 429 puts the job back in its place and
pauses that chat; network errors are retried with backoff; edits of one message coalesce so the
latest card text wins. Several senders work at once (one Bot API request waiting on the
network must not hold back the next), but a chat never has two sends in flight, so each chat's
messages arrive in order. A job only leaves the queue sent, or refused by Telegram for good (403,
400), and its caller learns which.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from handlers.events import Keyboard, Member, Outgoing
from handlers.messenger import Messenger, NotModified, RetryAfter, TelegramError

log = logging.getLogger(__name__)

DEFAULT_PRIORITY = 3
MAX_BACKOFF_S = 30.0
PRUNE_EVERY = 1000
SENDERS = 4


@dataclass(frozen=True, slots=True)
class Limits:
    """Rates as Telegram applies them; tests scale them up or down."""

    global_per_s: float = 30.0
    global_burst: float = 30.0
    group_per_min: float = 20.0
    group_burst: float = 20.0
    private_per_s: float = 1.0
    private_burst: float = 3.0


class TokenBucket:
    """`rate` tokens a second up to `capacity`; tells when the next token is available."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def ready_at(self, now: float) -> float:
        """The earliest instant one token is available."""
        self._refill(now)
        return now if self.tokens >= 1 else now + (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend one token (the caller checked `ready_at`)."""
        self._refill(now)
        self.tokens -= 1


@dataclass(slots=True)
class _Job:
    priority: int
    seq: int
    chat_id: int
    message: Outgoing | None = None
    edit: tuple[int, str | None, Keyboard | None] | None = None
    futures: list[asyncio.Future[int]] = field(default_factory=list)
    attempts: int = 0

    @property
    def key(self) -> tuple[int, int]:
        return (self.priority, self.seq)


@dataclass(slots=True)
class _ChatQueue:
    jobs: list[tuple[int, int, _Job]] = field(default_factory=list)
    paused_until: float = 0.0
    bucket: TokenBucket | None = None
    busy: bool = False


class Outbox:
    """A `Messenger` that queues, paces and retries everything it is asked to send."""

    def __init__(
        self,
        messenger: Messenger,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.messenger = messenger
        self.limits = limits or Limits()
        self._clock = clock
        self._seq = itertools.count()
        self._chats: dict[int, _ChatQueue] = {}
        self._ready: list[tuple[int, int, int]] = []
        self._waiting: list[tuple[float, int]] = []
        self._pending_edits: dict[tuple[int, int], _Job] = {}
        self._global = TokenBucket(self.limits.global_per_s, self.limits.global_burst, clock())
        self._wakeup = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._workers: list[asyncio.Task[None]] = []
        self._in_flight = 0
        self.sent = 0
        self.throttled = 0
        self._queued = 0

    # ------------------------------------------------------------ Messenger

    async def send(self, message: Outgoing) -> int:
        """Queue a message by its priority; return its message id once Telegram accepted it."""
        job = _Job(message.priority, next(self._seq), message.chat_id, message=message)
        return await self._submit(job)

    async def edit(
        self,
        chat_id: int,
        message_id: int,
        text: str | None,
        keyboard: Keyboard | None = None,
        priority: int = DEFAULT_PRIORITY,
    ) -> None:
        """Queue an edit; a pending edit of the same message is replaced by this newer content.

        `text=None` replaces only the keyboard (keeping a pending edit's new text, if any).
        """
        pending = self._pending_edits.get((chat_id, message_id))
        if pending is not None:
            assert pending.edit is not None
            pending.edit = (message_id, pending.edit[1] if text is None else text, keyboard)
            future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            pending.futures.append(future)
            await future
            return
        job = _Job(priority, next(self._seq), chat_id, edit=(message_id, text, keyboard))
        self._pending_edits[(chat_id, message_id)] = job
        await self._submit(job)

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        """Answered at once: button answers are not rate-limited like messages and must be quick."""
        await self.messenger.answer_button(callback_id, text, alert)

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        """Passed straight through (a read, not a send)."""
        return await self.messenger.chat_member(chat_id, user_id)

    # ------------------------------------------------------------ lifecycle

    def start(self, senders: int = SENDERS) -> None:
        """Start the sending tasks: several requests in flight, never two for one chat."""
        if not self._workers:
            self._workers = [asyncio.create_task(self._run(), name=f"outbox-{i}") for i in range(senders)]

    async def stop(self, drain_timeout: float = 10.0) -> None:
        """Send what is queued (up to `drain_timeout`), then stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._drained.wait(), timeout=drain_timeout)
        # Python 3.11's wait_for can swallow a cancellation that lands as the wakeup fires (the
        # worker then waits again, and awaiting it hung the shutdown): cancel until each has ended.
        running = set(self._workers)
        while running:
            for worker in running:
                worker.cancel()
            _, running = await asyncio.wait(running, timeout=1.0)
        self._workers = []
        if self.pending:
            log.warning("outbox stopped with %d jobs unsent", self.pending)
            stopped = TelegramError("the outbox stopped before this was sent")
            for chat in self._chats.values():
                for _, _, job in chat.jobs:
                    for future in job.futures:
                        if not future.done():
                            future.set_exception(stopped)
                chat.jobs.clear()
            self._queued = 0

    @property
    def pending(self) -> int:
        """Jobs waiting to be sent (a count kept as jobs come and go: this is asked after every send)."""
        return self._queued

    async def backlog_by_priority(self) -> dict[str, int]:
        """Jobs waiting to be sent, by priority ("P1".."P4"): what `/metrics` reports as the backlog."""
        counts = Counter(f"P{job.priority}" for chat in self._chats.values() for _, _, job in chat.jobs)
        return dict(counts)

    @property
    def tracked_chats(self) -> int:
        """Chats the outbox holds state for (idle ones are forgotten now and then)."""
        return len(self._chats)

    # ------------------------------------------------------------ scheduling

    async def _submit(self, job: _Job) -> int:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        job.futures.append(future)
        self._enqueue(job)
        return await future

    def _chat(self, chat_id: int) -> _ChatQueue:
        chat = self._chats.get(chat_id)
        if chat is None:
            limits, now = self.limits, self._clock()
            bucket = (
                TokenBucket(limits.private_per_s, limits.private_burst, now)
                if chat_id > 0
                else TokenBucket(limits.group_per_min / 60.0, limits.group_burst, now)
            )
            chat = self._chats[chat_id] = _ChatQueue(bucket=bucket)
        return chat

    def _enqueue(self, job: _Job) -> None:
        chat = self._chat(job.chat_id)
        heapq.heappush(chat.jobs, (job.priority, job.seq, job))
        self._queued += 1
        self._schedule(job.chat_id, chat, self._clock())
        self._drained.clear()
        self._wakeup.set()

    def _schedule(self, chat_id: int, chat: _ChatQueue, now: float) -> None:
        """(Re)announce a chat's head job: ready at `now`, or waiting until its budget allows.

        `now` is the caller's reading of the clock: deciding with one reading keeps the ready
        and waiting heaps consistent with the check that sent the chat here.
        """
        if not chat.jobs or chat.busy:
            return  # a chat with a send in flight is announced again when that send ends
        assert chat.bucket is not None
        at = max(chat.paused_until, chat.bucket.ready_at(now))
        if at <= now:
            priority, seq, _ = chat.jobs[0]
            heapq.heappush(self._ready, (priority, seq, chat_id))
        else:
            heapq.heappush(self._waiting, (at, chat_id))

    def _next_job(self) -> tuple[_Job | None, float]:
        """The best job that may go now, or None and how long to wait."""
        now = self._clock()
        while self._waiting and self._waiting[0][0] <= now:
            _, chat_id = heapq.heappop(self._waiting)
            self._schedule(chat_id, self._chat(chat_id), now)
        while self._ready:
            priority, seq, chat_id = self._ready[0]
            chat = self._chats.get(chat_id)
            if chat is None or not chat.jobs or chat.jobs[0][:2] != (priority, seq):
                heapq.heappop(self._ready)
                continue
            global_at = self._global.ready_at(now)
            if global_at > now:
                return None, global_at - now
            heapq.heappop(self._ready)
            assert chat.bucket is not None
            if max(chat.paused_until, chat.bucket.ready_at(now)) > now:
                self._schedule(chat_id, chat, now)
                continue
            _, _, job = heapq.heappop(chat.jobs)
            self._queued -= 1
            self._in_flight += 1
            chat.busy = True
            self._global.take(now)
            chat.bucket.take(now)
            return job, 0.0
        if self._waiting:
            return None, max(0.0, self._waiting[0][0] - now)
        return None, 3600.0

    async def _run(self) -> None:
        while True:
            job, wait = self._next_job()
            if job is None:
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=wait)
                continue
            await self._deliver(job)
            if not self._queued and not self._in_flight:
                self._drained.set()
            if self.sent % PRUNE_EVERY == 0:
                self._prune_idle_chats()

    async def _call(self, job: _Job) -> int:
        """The one Bot API call of a job: send, or edit (an unchanged edit counts as done)."""
        if job.edit is not None:
            self._pending_edits.pop((job.chat_id, job.edit[0]), None)
            message_id, text, keyboard = job.edit
            with contextlib.suppress(NotModified):
                await self.messenger.edit(job.chat_id, message_id, text, keyboard)
            return message_id
        assert job.message is not None
        return await self.messenger.send(job.message)

    async def _deliver(self, job: _Job) -> None:
        chat = self._chat(job.chat_id)
        try:
            result = await self._call(job)
        except TelegramError as exc:
            self._settle(chat)
            self._failed(job, chat, exc)
            return
        except Exception as exc:  # a bug in a runtime must fail this job, not stop a sender
            log.exception("send to chat %s failed unexpectedly", job.chat_id)
            self._settle(chat)
            self._fail(job, TelegramError(str(exc)))
            self._schedule(job.chat_id, chat, self._clock())
            return
        self._settle(chat)
        self.sent += 1
        for future in job.futures:
            if not future.done():
                future.set_result(result)
        self._schedule(job.chat_id, chat, self._clock())

    def _settle(self, chat: _ChatQueue) -> None:
        """The chat's send is over: it may be announced again."""
        chat.busy = False
        self._in_flight -= 1

    @staticmethod
    def _fail(job: _Job, error: TelegramError) -> None:
        for future in job.futures:
            if not future.done():
                future.set_exception(error)

    def _failed(self, job: _Job, chat: _ChatQueue, exc: TelegramError) -> None:
        """Telegram refused: obey 429, give up on 400/403, retry the rest with backoff."""
        if isinstance(exc, RetryAfter):
            self.throttled += 1
            chat.paused_until = self._clock() + exc.seconds
            log.info("429 for chat %s: retry after %ss", job.chat_id, exc.seconds)
            self._requeue(job)
            return
        if _is_final(exc):
            self._fail(job, exc)
            self._schedule(job.chat_id, chat, self._clock())
            return
        job.attempts += 1
        backoff = min(MAX_BACKOFF_S, 0.5 * 2 ** min(job.attempts - 1, 6))
        log.warning("send to chat %s failed (%s); retry %d in %.1fs", job.chat_id, exc, job.attempts, backoff)
        chat.paused_until = self._clock() + backoff
        self._requeue(job)

    def _prune_idle_chats(self) -> None:
        """Forget chats with nothing queued whose budget has refilled: a fresh one would be the same.

        Without this a long-running bot would keep a queue for every customer it ever wrote to.
        """
        now = self._clock()
        idle = [
            chat_id
            for chat_id, chat in self._chats.items()
            if not chat.jobs
            and not chat.busy
            and chat.paused_until <= now
            and chat.bucket is not None
            and chat.bucket.ready_at(now) <= now
            and chat.bucket.tokens >= chat.bucket.capacity
        ]
        for chat_id in idle:
            del self._chats[chat_id]

    def _requeue(self, job: _Job) -> None:
        if job.edit is not None:
            pending = self._pending_edits.get((job.chat_id, job.edit[0]))
            if pending is not None:
                pending.futures.extend(job.futures)
                self._schedule(job.chat_id, self._chat(job.chat_id), self._clock())
                return
            self._pending_edits[(job.chat_id, job.edit[0])] = job
        self._enqueue(job)


def _is_final(error: TelegramError) -> bool:
    """403 and 400 will fail the same way again; anything else (network, 5xx) is worth retrying."""
    return type(error) is not TelegramError
