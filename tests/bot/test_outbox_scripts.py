"""Property tests of the outbox's Lua scripts on a real Redis: ordering, limits, coalescing, leases.

Each example drives the scripts directly (enqueue, take, acknowledge) as workers would, on a
fresh desk namespace, and compares what is taken with a small model of the rules.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.durable.codec import keyboard_from_json, keyboard_to_json, outgoing_from_json, outgoing_to_json
from bot.durable.outbox import Limits, Outbox, _Job
from bot.redis_connection import RedisClient
from escalation.keys import Keys
from handlers.events import Button, Keyboard, Outgoing

pytestmark = pytest.mark.cluster

UNPACED = Limits(
    global_per_s=1e6,
    global_burst=1e6,
    group_per_window=10**9,
    group_window_s=0.001,
    private_per_s=1e6,
    private_burst=1e6,
)
PROPERTY = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
_examples = itertools.count()


class Desk:
    """Workers of one fresh desk namespace (under the test's, so the fixture cleans it up)."""

    def __init__(self, redis: RedisClient, namespace: str, limits: Limits, lease_s: float = 5.0) -> None:
        self.keys = Keys(f"{namespace}:e{next(_examples)}")
        self.workers = [Outbox(_Nobody(), redis, self.keys, limits, lease_s=lease_s) for _ in range(2)]

    async def put(self, message: Outgoing, worker: int = 0) -> str:
        job_id = uuid.uuid4().hex
        body = outgoing_to_json(message)
        reply = await self.workers[worker]._enqueue(
            job_id, message.chat_id, message.priority, "s", body, 0, "null", False, "null"
        )
        assert reply[0] == "queued"
        return job_id

    async def put_edit(
        self, message_id: int, text: str | None, keyboard: Keyboard | None, worker: int
    ) -> str:
        job_id = uuid.uuid4().hex
        await self.workers[worker]._enqueue(
            job_id, -1, 3, "e", "", message_id, json.dumps(text), text is None, keyboard_to_json(keyboard)
        )
        return job_id

    async def take(self, worker: int = 0) -> _Job | None:
        job, _ = await self.workers[worker]._take()
        return job

    async def done(self, job: _Job, worker: int = 0) -> None:
        await self.workers[worker]._ack(job, "done", json.dumps({"id": 1}))


class _Nobody:
    """The scripts never reach Telegram here."""


def text_of(job: _Job) -> str:
    return outgoing_from_json(job.body).text


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from([1, 2, 3, -5]), st.integers(1, 4)), min_size=1, max_size=16))
async def test_take_order_is_priority_then_turns_then_arrival(
    redis: RedisClient, namespace: str, jobs: list[tuple[int, int]]
) -> None:
    desk = Desk(redis, namespace, UNPACED)
    for n, (chat, priority) in enumerate(jobs):
        await desk.put(Outgoing(chat, f"{chat}:{n}", priority=priority))
    queues: dict[int, list[tuple[int, int, str]]] = {}
    turns: list[int] = []
    for n, (chat, priority) in enumerate(jobs):
        if chat not in queues:
            turns.append(chat)
        queues.setdefault(chat, []).append((priority, n, f"{chat}:{n}"))
    expected = []
    while turns:
        chat = min(turns, key=lambda c: (min(queues[c])[0], turns.index(c)))
        head = min(queues[chat])
        queues[chat].remove(head)
        expected.append(head[2])
        turns.remove(chat)
        if queues[chat]:
            turns.append(chat)
    taken = []
    while (job := await desk.take(len(taken) % 2)) is not None:
        taken.append(text_of(job))
        await desk.done(job, len(taken) % 2)  # any worker may acknowledge the lease it holds
    assert taken == expected


@PROPERTY
@given(
    kind=st.sampled_from(["private", "group", "global"]),
    burst=st.integers(1, 4),
    jobs=st.integers(1, 7),
)
async def test_a_burst_is_all_the_limits_allow_whichever_worker_takes(
    redis: RedisClient, namespace: str, kind: str, burst: int, jobs: int
) -> None:
    slow = {
        "private": {"private_per_s": 0.5},
        "group": {"group_window_s": 2.0, "group_per_window": burst},
        "global": {"global_per_s": 0.5},
    }
    bursts = {} if kind == "group" else {f"{kind}_burst": float(burst)}
    limits = replace(UNPACED, **bursts, **slow[kind])
    desk = Desk(redis, namespace, limits)
    for n in range(jobs):
        chat = {"private": 7, "group": -7}.get(kind, 100 + n)
        await desk.put(Outgoing(chat, f"m{n}"))
    taken = 0
    while (job := await desk.take(taken % 2)) is not None:
        taken += 1
        await desk.done(job, (taken + 1) % 2)
    assert taken == min(jobs, burst)
    _, wait = await desk.workers[0]._take()
    if jobs > burst:
        assert 0 < wait <= 2.0  # the next one conforms within one emission interval (a group: its window)


KEYBOARDS = st.one_of(st.none(), st.integers(0, 3).map(lambda n: Keyboard.inline([Button(f"b{n}", f"d{n}")])))


@PROPERTY
@given(
    st.lists(
        st.tuples(
            st.integers(1, 3), st.one_of(st.none(), st.integers(0, 99).map(str)), KEYBOARDS, st.booleans()
        ),
        min_size=1,
        max_size=14,
    )
)
async def test_queued_edits_of_a_message_coalesce_to_the_newest_content(
    redis: RedisClient, namespace: str, ops: list[tuple[int, str | None, Keyboard | None, bool]]
) -> None:
    desk = Desk(redis, namespace, UNPACED)
    pending: dict[int, tuple[str | None, Keyboard | None]] = {}  # in creation order, as the chat's queue
    expected: list[tuple[int, str | None, Keyboard | None]] = []
    taken: list[tuple[int, str | None, Keyboard | None]] = []
    ids = []

    async def take_one() -> None:
        job = await desk.take()
        assert job is not None
        taken.append((job.message_id, json.loads(job.text), keyboard_from_json(job.keyboard)))
        await desk.done(job)

    for n, (message_id, text, keyboard, then_take) in enumerate(ops):
        ids.append(await desk.put_edit(message_id, text, keyboard, n % 2))
        if message_id in pending:
            old_text, _ = pending[message_id]
            pending[message_id] = (old_text if text is None else text, keyboard)
        else:
            pending[message_id] = (text, keyboard)
        if then_take:
            first = next(iter(pending))
            expected.append((first, *pending.pop(first)))
            await take_one()
    while pending:
        first = next(iter(pending))
        expected.append((first, *pending.pop(first)))
        await take_one()
    assert taken == expected
    assert await desk.take() is None
    results = await desk.workers[0]._results_script(keys=[desk.keys.route], args=desk.workers[0]._args(*ids))
    assert all(results), "an edit's caller would never learn it was done"


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=8), st.integers(1, 3))
async def test_a_lapsed_lease_hands_the_chat_to_another_worker_in_order(
    redis: RedisClient, namespace: str, chats: list[int], held: int
) -> None:
    desk = Desk(redis, namespace, UNPACED, lease_s=0.1)
    for n, chat in enumerate(chats):
        await desk.put(Outgoing(chat, f"{chat}:{n}"))
    dead = [job for _ in range(held) if (job := await desk.take(0)) is not None]
    held_chats = {job.chat_id for job in dead}
    first = []
    while (job := await desk.take(1)) is not None:  # the other worker: never a chat the dead one holds
        assert job.chat_id not in held_chats
        first.append(job)
        await desk.done(job, 1)
    await asyncio.sleep(0.15)
    again = []
    while (job := await desk.take(1)) is not None:
        again.append(job)
        await desk.done(job, 1)
    assert sorted(j.id for j in first + again) == sorted({j.id for j in first + again + dead}), (
        "a job was lost"
    )
    assert len(first) + len(again) == len(chats), "a job was sent twice by the live worker"
    for chat in held_chats:
        order = [int(text_of(j).split(":")[1]) for j in again if j.chat_id == chat]
        assert order == sorted(order) and order[0] == min(n for n, c in enumerate(chats) if c == chat)
    for job in dead:
        assert await redis.hget(desk.keys.outbox_job(job.id), "resent") == "1"
        await desk.workers[0]._ack(job, "done", json.dumps({"id": 9}))  # the dead worker's late answer
        assert json.loads(await redis.hget(desk.keys.outbox_job(job.id), "result")) == {"id": 1}
    assert await desk.take(0) is None
