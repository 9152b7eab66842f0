"""The outbound queue in Redis: every send and edit of every worker, within the token's limits.

Telegram allows about 30 messages a second per bot token, 20 a minute in one group and about one
a second in one private chat, and answers 429 with `retry_after` beyond that. Those limits belong
to the token, not to a process, so the queue, the pacing and the pauses live in Redis (the Lua
scripts in `lua/outbox_*.lua`) and every worker of the desk sends from the same queue:

- each chat has its queue, ordered by priority then arrival; a ready set orders the chats that
  may send now by their head job's priority, then by turn, so the most urgent message of any chat
  goes first and, within a priority, chats take turns (a chat re-enters behind the others after
  each send: one flooded chat never starves the rest);
- a chat has at most one send in flight, under a lease the sending worker renews; a worker that
  dies lets its lease expire and another worker sends the job again (the only way a message goes
  out twice);
- the pacing is GCRA in Redis, on Redis's clock; a 429 pauses the chat for every worker and the
  job goes back to its place; network errors and 5xx are retried with backoff; a final refusal
  (400, 403, 401) is the job's result;
- a queued edit of a message is replaced by a newer one, so the latest card text wins.

A job is named by the update being handled (`escalation.effects`): a handler that runs again after
a crash finds its job (queued, in flight or done) instead of adding a second one, and gets the
recorded message id. Callers await the result: this process's callers through local futures, the
results of jobs another worker delivered through a list per worker that a background task pops
(and, should a push be lost, a slow check of the recorded results).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.exceptions import RedisError

from bot.durable.codec import (
    keyboard_from_json,
    keyboard_to_json,
    outgoing_from_json,
    outgoing_to_json,
    topic_op_from_json,
    topic_op_to_json,
)
from bot.redis_connection import RedisClient
from escalation.effects import EFFECTS_TTL_S, current_scope
from escalation.keys import Keys
from handlers.events import Keyboard, Member, Outgoing, TopicOp
from handlers.messenger import (
    BadRequest,
    Forbidden,
    Messenger,
    NotModified,
    RetryAfter,
    TelegramError,
    TopicClosed,
    TopicGone,
    Unauthorized,
)

log = logging.getLogger(__name__)

DEFAULT_PRIORITY = 3
MAX_BACKOFF_S = 30.0
SENDERS = 4
LEASE_S = 5.0  # a dead worker's chat is sent again after this long
IDLE_POLL_S = 0.1  # jobs other workers enqueue are picked up within this
RESULTS_POP_S = 1  # BLPOP timeout of the results listener (whole seconds)
RESULTS_CHECK_S = 2.0  # how often awaited results are read back, should a push have been lost
RESULTS_CHECK_BATCH = 500
DRAIN_GRACE_S = 0.05
STOPPED = "the outbox stopped before this was sent"

_LUA = Path(__file__).with_name("lua")
_ERRORS: dict[str, type[TelegramError]] = {
    cls.__name__: cls
    for cls in (TelegramError, Forbidden, Unauthorized, BadRequest, NotModified, TopicGone, TopicClosed)
}


def _script(name: str) -> str:
    return (_LUA / "outbox_common.lua").read_text() + (_LUA / f"outbox_{name}.lua").read_text()


@dataclass(frozen=True, slots=True)
class Limits:
    """Rates as Telegram applies them; tests scale them up or down.

    Telegram counts a group's messages per minute, so a group gets a sliding window: at most
    `group_per_window` sends in any `group_window_s` seconds. An agent's answer in a quiet group
    goes at once, and no minute ever holds more than 20 (a GCRA burst of b on top of 20 a minute
    let a minute hold b + 20: bench/workspace.py measured 40). The window has a second of margin:
    sends decided exactly a minute apart reach Telegram a few milliseconds apart either way. The
    token's 30 a second keeps half a message of margin for the same reason (bench/storm.py met a
    429 at exactly 30).
    """

    global_per_s: float = 29.5
    global_burst: float = 30.0
    group_per_window: int = 20
    group_window_s: float = 61.0
    private_per_s: float = 1.0
    private_burst: float = 3.0

    def script_args(self) -> list[str]:
        """The scripts' form (ms): global and private GCRA interval and tolerance, a group's window."""
        global_t, private_t = 1000.0 / self.global_per_s, 1000.0 / self.private_per_s
        return [
            repr(x)
            for x in (
                global_t,
                max(0.0, self.global_burst - 1) * global_t,
                float(self.group_per_window),
                self.group_window_s * 1000.0,
                private_t,
                max(0.0, self.private_burst - 1) * private_t,
            )
        ]


@dataclass(frozen=True, slots=True)
class _Job:
    """A job one worker took: what to call, and the lease token that proves it holds the chat."""

    id: str
    chat_id: int
    token: str
    kind: str
    body: str
    message_id: int
    text: str
    keyboard: str
    attempts: int


class _Idle:
    """An idle sender: its bell, and what an enqueue took for it in the same step.

    An enqueue that finds an idle sender leases it the next job in its own script (`promised`),
    so the sender starts sending without a take of its own; it waits for that enqueue's answer
    even past its idle timeout, since the job is leased to this worker.
    """

    __slots__ = ("bell", "promised", "taken")

    def __init__(self) -> None:
        self.bell = asyncio.Event()
        self.promised = False
        self.taken: tuple[_Job | None, float] | None = None


def _result_json(message_id: int) -> str:
    return json.dumps({"id": message_id})


def _error_json(error: TelegramError) -> str:
    name = type(error).__name__ if type(error).__name__ in _ERRORS else "TelegramError"
    return json.dumps({"error": name, "message": str(error)})


def _is_final(error: TelegramError) -> bool:
    """403, 401 and 400 will fail the same way again; anything else (network, 5xx) is worth retrying."""
    return type(error) is not TelegramError


class Outbox:
    """A `Sender` whose queue lives in Redis, shared by every worker of the desk.

    `worker` names this process among the desk's workers (results for its callers are pushed to
    a list of that name); two processes must not share one.
    """

    def __init__(
        self,
        messenger: Messenger,
        redis: RedisClient,
        keys: Keys,
        limits: Limits | None = None,
        worker: str | None = None,
        *,
        lease_s: float = LEASE_S,
    ) -> None:
        self.messenger = messenger
        self.redis = redis
        self.keys = keys
        self.limits = limits or Limits()
        self.worker = worker or uuid.uuid4().hex
        self.lease_s = lease_s
        self._limit_args = self.limits.script_args()
        self._enqueue_script = redis.register_script(_script("enqueue"))
        self._take_script = redis.register_script(_script("take"))
        self._ack_script = redis.register_script(_script("ack"))
        self._renew_script = redis.register_script(_script("renew"))
        self._results_script = redis.register_script(_script("results"))
        self._waiters: dict[str, list[asyncio.Future[int]]] = {}
        self._enqueuing: dict[int, tuple[asyncio.Lock, int]] = {}
        self._no_waiters = asyncio.Event()
        self._no_waiters.set()
        self._in_flight: dict[str, _Job] = {}
        self._idle: list[_Idle] = []
        self._stopping = False
        self._senders: list[asyncio.Task[None]] = []
        self._helpers: list[asyncio.Task[None]] = []
        self._pending = 0
        self.sent = 0
        self.throttled = 0
        self.resent = 0

    def _args(self, *extra: object) -> list[str]:
        return [self.keys.prefix, *self._limit_args, *(str(value) for value in extra)]

    # ------------------------------------------------------------ Sender

    async def send(self, message: Outgoing) -> int:
        """Queue a message by its priority; return its message id once Telegram accepted it.

        Raises the neutral error Telegram refused it with for good (Forbidden, BadRequest, ...).
        """
        body = outgoing_to_json(message)
        return await self._submit(message.chat_id, message.priority, "s", body, 0, "null", False, "null")

    async def edit(
        self,
        chat_id: int,
        message_id: int,
        text: str | None,
        keyboard: Keyboard | None = None,
        priority: int = DEFAULT_PRIORITY,
    ) -> None:
        """Queue an edit; a queued edit of the same message (by any worker) takes this newer content.

        `text=None` replaces only the keyboard (keeping a queued edit's new text, if any). An edit
        that changes nothing (Telegram's "not modified") counts as done.
        """
        await self._submit(
            chat_id, priority, "e", "", message_id, json.dumps(text), text is None, keyboard_to_json(keyboard)
        )

    async def topic(self, op: TopicOp) -> int:
        """Queue a forum topic operation in the group's budget (its service message counts as a
        send); return the topic's thread id once Telegram did it."""
        body = topic_op_to_json(op)
        return await self._submit(op.chat_id, op.priority, "t", body, 0, "null", False, "null")

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        """Answered at once: button answers are not rate-limited like messages and must be quick."""
        await self.messenger.answer_button(callback_id, text, alert)

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        """Passed straight through (a read, not a send)."""
        return await self.messenger.chat_member(chat_id, user_id)

    # ------------------------------------------------------------ lifecycle

    def start(self, senders: int = SENDERS) -> None:
        """Start the sending tasks (several requests in flight, never two for one chat) and the helpers."""
        if self._senders or self._helpers:
            return
        self._stopping = False
        self._senders = [asyncio.create_task(self._run(), name=f"outbox-{i}") for i in range(senders)]
        self._helpers = [
            asyncio.create_task(self._listen(), name="outbox-results"),
            asyncio.create_task(self._renew(), name="outbox-leases"),
        ]

    async def stop(self, drain_timeout: float = 10.0) -> None:
        """Stop within `drain_timeout`: what this process's callers await may still go out, then no
        new job is taken, sends in flight finish, and the rest stays queued in Redis for the other
        workers or the next start. Callers still waiting get a TelegramError."""
        deadline = time.monotonic() + drain_timeout
        if self._senders:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._callers_served(), timeout=drain_timeout)
        self._stopping = True
        while self._idle:
            self._idle.pop().bell.set()
        if self._senders:
            await asyncio.wait(self._senders, timeout=max(0.0, deadline - time.monotonic()))
        await _cancel_until_ended([*self._senders, *self._helpers])
        self._senders, self._helpers = [], []
        await self._hand_back()
        if self._waiters:
            log.warning("outbox stopped with %d callers still waiting", len(self._waiters))
            for job_id in list(self._waiters):
                self._settle(job_id, _error_json(TelegramError(STOPPED)))

    async def _callers_served(self) -> None:
        """Until no caller of this process waits, for a moment: a handler that just got its result
        often sends its next message (a summary's chart) right after."""
        while True:
            await self._no_waiters.wait()
            await asyncio.sleep(DRAIN_GRACE_S)
            if not self._waiters:
                return

    @property
    def pending(self) -> int:
        """Jobs queued in Redis for the desk, as last counted (on each take and each backlog read)."""
        return self._pending

    async def backlog_by_priority(self) -> dict[str, int]:
        """Jobs queued for the desk by priority ("P1".."P4"), read from Redis: every worker reports
        the same backlog to `/metrics`."""
        counts = await self.redis.hgetall(self.keys.outbox_backlog)  # type: ignore[misc]
        backlog = {priority: int(count) for priority, count in sorted(counts.items()) if int(count) > 0}
        self._pending = sum(backlog.values())
        return backlog

    # ------------------------------------------------------------ enqueueing

    def _job_id(self) -> str:
        scope = current_scope()
        return scope.take("o") if scope is not None else f"r{uuid.uuid4().hex}"

    async def _submit(
        self,
        chat_id: int,
        priority: int,
        kind: str,
        body: str,
        message_id: int,
        text: str,
        keep_text: bool,
        keyboard: str,
    ) -> int:
        job_id = self._job_id()
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(job_id, []).append(future)
        self._no_waiters.clear()
        try:
            async with self._chat_order(chat_id):
                idle = self._promise_idle()
                taken: tuple[_Job | None, float] | None = None
                try:
                    reply = await self._enqueue(
                        job_id,
                        chat_id,
                        priority,
                        kind,
                        body,
                        message_id,
                        text,
                        keep_text,
                        keyboard,
                        take=idle is not None,
                    )
                    if idle is not None:
                        taken = self._taken(reply[2])
                finally:
                    if idle is not None:
                        self._hand(idle, taken)
            if reply[0] == "done":
                self._settle(job_id, reply[1])
            return await future
        finally:
            self._forget(job_id, future)

    async def _enqueue(
        self,
        job_id: str,
        chat_id: int,
        priority: int,
        kind: str,
        body: str,
        message_id: int,
        text: str,
        keep_text: bool,
        keyboard: str,
        *,
        take: bool = False,
    ) -> list[Any]:
        """Put a job in Redis once (`["done", result]` when it already has a result, else
        `["queued", ""]`); with `take`, the same step takes this worker's next job for an idle
        sender, as a third element (`_take`'s reply)."""
        reply: list[Any] = await self._enqueue_script(
            keys=[self.keys.route],
            args=self._args(
                job_id,
                chat_id,
                priority,
                kind,
                f"{self.worker}|{job_id}",
                EFFECTS_TTL_S,
                body,
                message_id,
                text,
                "1" if keep_text else "0",
                keyboard,
                self.worker if take else "",
                int(self.lease_s * 1000),
            ),
        )
        return reply

    @contextlib.asynccontextmanager
    async def _chat_order(self, chat_id: int) -> AsyncIterator[None]:
        """One enqueue at a time per chat in this process: messages a handler fires at once (without
        awaiting each) keep the order it asked for, as on separate connections they might not."""
        lock, users = self._enqueuing.get(chat_id) or (asyncio.Lock(), 0)
        self._enqueuing[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._enqueuing[chat_id]
            if users == 1:
                del self._enqueuing[chat_id]
            else:
                self._enqueuing[chat_id] = (lock, users - 1)

    def _forget(self, job_id: str, future: asyncio.Future[int]) -> None:
        futures = self._waiters.get(job_id)
        if futures is not None and future in futures:
            futures.remove(future)
            if not futures:
                del self._waiters[job_id]
        if not self._waiters:
            self._no_waiters.set()

    def _settle(self, job_id: str, result: str) -> None:
        """Hand a recorded result to this process's callers awaiting `job_id`."""
        futures = self._waiters.pop(job_id, [])
        if not self._waiters:
            self._no_waiters.set()
        data = json.loads(result)
        for future in futures:
            if future.done():
                continue
            if "id" in data:
                future.set_result(int(data["id"]))
            else:
                future.set_exception(_ERRORS.get(data["error"], TelegramError)(data["message"]))

    # ------------------------------------------------------------ sending

    async def _take(self) -> tuple[_Job | None, float]:
        """The best job this worker may send now, or None and how long to wait (seconds)."""
        reply = await self._take_script(
            keys=[self.keys.route], args=self._args(self.worker, int(self.lease_s * 1000), EFFECTS_TTL_S)
        )
        return self._taken(reply)

    def _taken(self, reply: list[Any]) -> tuple[_Job | None, float]:
        """A take's reply (the take script's, or the one an ack makes for the next job) as a job or a wait."""
        if reply[0] == "job":
            _, job_id, chat, token, kind, body, mid, text, keyboard, attempts, _resent, reclaimed, backlog = (
                reply
            )
            job: _Job | None = _Job(
                job_id, int(chat), token, kind, body, int(mid), text, keyboard, int(attempts)
            )
            wait_ms = "0"
        else:
            job = None
            _, wait_ms, reclaimed, backlog = reply
        self._pending = int(backlog)
        if int(reclaimed):
            self.resent += int(reclaimed)
            log.warning("outbox: %s jobs re-queued to be sent again: their worker's lease expired", reclaimed)
        if job is not None:
            return job, 0.0
        wait = float(wait_ms)
        return None, IDLE_POLL_S if wait < 0 else wait / 1000.0

    async def _run(self) -> None:
        """One sender: take a job, send it, record the outcome and take the next one in the same
        step; idle, it waits for the job an enqueue of this process takes for it, or the next due
        send."""
        taken: tuple[_Job | None, float] | None = None
        while not self._stopping:
            if taken is None:
                try:
                    taken = await self._take()
                except RedisError as exc:
                    log.warning("outbox: taking a job failed (%s); trying again", exc)
                    taken = None, 1.0
                except Exception:  # a sender that died would leave its share of the desk unsent
                    log.exception("outbox: taking a job failed unexpectedly; trying again")
                    taken = None, 1.0
            job, wait = taken
            taken = None
            if job is not None:
                taken = await self._deliver(job)
                continue
            taken = await self._wait_idle(wait)
        if taken is not None and taken[0] is not None:  # taken as the outbox stopped
            await self._ack(taken[0], "requeue", "0")

    async def _wait_idle(self, wait: float) -> tuple[_Job | None, float] | None:
        """Idle until an enqueue hands this sender a job (or a wait), or until `wait` (at most the
        idle poll) is over; None when the sender should take for itself."""
        idle = _Idle()
        self._idle.append(idle)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(idle.bell.wait(), timeout=min(wait, IDLE_POLL_S))
        finally:
            with contextlib.suppress(ValueError):
                self._idle.remove(idle)
        if idle.promised:  # its enqueue is under way: the job it takes is leased to this worker
            await idle.bell.wait()
        return idle.taken

    def _promise_idle(self) -> _Idle | None:
        """The idle sender an enqueue about to run takes a job for, if any (and not stopping)."""
        if self._stopping or not self._idle:
            return None
        idle = self._idle.pop()
        idle.promised = True
        return idle

    def _hand(self, idle: _Idle, taken: tuple[_Job | None, float] | None) -> None:
        """Give an idle sender what its enqueue took (None when the enqueue failed: it takes for
        itself); the job counts as in flight from now, for lease renewal and a stop's hand-back."""
        if taken is not None and taken[0] is not None:
            self._in_flight[taken[0].token] = taken[0]
        idle.taken = taken
        idle.bell.set()

    async def _call(self, job: _Job) -> int:
        """The one Bot API call of a job: send, edit (an unchanged edit counts as done) or topic op."""
        if job.kind == "t":
            op = topic_op_from_json(job.body)
            with contextlib.suppress(NotModified):
                return await self.messenger.topic(op)
            return op.thread_id or 0
        if job.kind == "e":
            with contextlib.suppress(NotModified):
                await self.messenger.edit(
                    job.chat_id, job.message_id, json.loads(job.text), keyboard_from_json(job.keyboard)
                )
            return job.message_id
        return await self.messenger.send(outgoing_from_json(job.body))

    async def _deliver(self, job: _Job) -> tuple[_Job | None, float] | None:
        """Send a job and record its outcome; the sender's next job (or wait), taken with the record."""
        self._in_flight[job.token] = job
        try:
            result = await self._call(job)
        except RetryAfter as exc:
            self.throttled += 1
            log.info("429 for chat %s: retry after %ss", job.chat_id, exc.seconds)
            return await self._ack(job, "requeue", str(int(exc.seconds * 1000)), take_next=True)
        except TelegramError as exc:
            if _is_final(exc):
                return await self._ack(job, "done", _error_json(exc), take_next=True)
            backoff = min(MAX_BACKOFF_S, 0.5 * 2 ** min(job.attempts, 6))
            log.warning(
                "send to chat %s failed (%s); retry %d in %.1fs",
                job.chat_id,
                exc,
                job.attempts + 1,
                backoff,
            )
            return await self._ack(job, "requeue", str(int(backoff * 1000)), attempt=True, take_next=True)
        except Exception as exc:  # a bug in a runtime must fail this job, not stop a sender
            log.exception("send to chat %s failed unexpectedly", job.chat_id)
            return await self._ack(job, "done", _error_json(TelegramError(str(exc))), take_next=True)
        self.sent += 1
        return await self._ack(job, "done", _result_json(result), take_next=True)

    async def _ack(
        self,
        job: _Job,
        outcome: str,
        value: str,
        *,
        attempt: bool = False,
        resent: bool = False,
        take_next: bool = False,
    ) -> tuple[_Job | None, float] | None:
        """Record a job's outcome in Redis (retried through a Redis blip: an unrecorded send would
        be sent again once its lease expires), then settle this process's callers. With
        `take_next` (and the outbox not stopping) the same step takes this worker's next job: it
        is returned as `_take` returns it; else None."""
        take = take_next and not self._stopping
        args = self._args(
            job.id,
            job.chat_id,
            job.token,
            self.worker,
            outcome,
            value,
            EFFECTS_TTL_S,
            "1" if attempt else "0",
            "1" if resent else "0",
            int(self.lease_s * 1000) if take else "",
        )
        for delay in (0.1, 0.5, 1.0, 2.0, None):
            try:
                reply = await self._ack_script(keys=[self.keys.route], args=args)
                break
            except RedisError as exc:
                if delay is None:
                    log.error("outbox: could not record job %s (%s); it will be sent again", job.id, exc)
                    self._in_flight.pop(job.token, None)
                    return None
                await asyncio.sleep(delay)
        self._in_flight.pop(job.token, None)
        following, *recorded = reply
        if recorded:
            result, *awaited = recorded
            for job_id in awaited:
                self._settle(job_id, result)
        return self._taken(following) if following else None

    async def _hand_back(self) -> None:
        """Sends cut short by `stop` go back to their place now, not when their lease expires."""
        for job in list(self._in_flight.values()):
            self.resent += 1
            log.warning("outbox: job %s to chat %s handed back unacknowledged", job.id, job.chat_id)
            with contextlib.suppress(RedisError):
                await self._ack(job, "requeue", "0", resent=True)
        self._in_flight.clear()

    # ------------------------------------------------------------ helpers

    async def _renew(self) -> None:
        """Keep the leases of this worker's sends alive while Telegram takes its time (an upload)."""
        while True:
            await asyncio.sleep(self.lease_s / 3)
            held = list(self._in_flight.values())
            if not held:
                continue
            args = self._args(
                int(self.lease_s * 1000), *(x for job in held for x in (job.chat_id, job.token))
            )
            try:
                await self._renew_script(keys=[self.keys.route], args=args)
            except RedisError as exc:
                log.warning("outbox: renewing leases failed (%s)", exc)

    async def _listen(self) -> None:
        """Results of jobs other workers delivered for this process's callers: popped from this
        worker's list, and read back now and then in case a push was lost."""
        key = self.keys.outbox_done(self.worker)
        checked = time.monotonic()
        while True:
            try:
                popped = await self.redis.blpop([key], timeout=RESULTS_POP_S)  # type: ignore[misc]
                if popped is not None:
                    data = json.loads(popped[1])
                    self._settle(data["id"], data["r"])
                if time.monotonic() - checked >= RESULTS_CHECK_S:
                    checked = time.monotonic()
                    await self._check_results()
            except RedisError as exc:
                log.warning("outbox: reading results failed (%s)", exc)
                await asyncio.sleep(1.0)

    async def _check_results(self) -> None:
        awaited = list(self._waiters)[:RESULTS_CHECK_BATCH]
        if not awaited:
            return
        results = await self._results_script(keys=[self.keys.route], args=self._args(*awaited))
        for job_id, result in zip(awaited, results, strict=True):
            if result:
                self._settle(job_id, result)


async def _cancel_until_ended(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancel until each task has ended: Python 3.11's wait_for can swallow a cancellation that lands
    as its wakeup fires (the task then waits again, and awaiting it hung a shutdown)."""
    running = {task for task in tasks if not task.done()}
    while running:
        for task in running:
            task.cancel()
        _, running = await asyncio.wait(running, timeout=1.0)
