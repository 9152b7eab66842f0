"""The outbound queue in Redis: priority order, turns, shared pacing, 429s, retries, edits, leases.

A recording Messenger stands in for Telegram (the end-to-end tests run the same outbox against the
sandbox's real HTTP Bot API and its real 429s); Redis is real. Several `Outbox` objects on one
Redis play several workers of one desk, each with its own worker id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.durable import outbox as outbox_module
from bot.durable.outbox import Limits, Outbox
from bot.redis_connection import RedisClient
from escalation.effects import effect_scope
from escalation.keys import Keys
from handlers.events import Attachment, Button, Keyboard, Member, Outgoing, User
from handlers.messenger import BadRequest, Forbidden, NotModified, RetryAfter, TelegramError, Unauthorized

pytestmark = pytest.mark.cluster

GROUP = -100
UNPACED = Limits(
    global_per_s=1e6,
    global_burst=1e6,
    group_per_window=10**9,
    group_window_s=0.001,
    private_per_s=1e6,
    private_burst=1e6,
)


class RecordingMessenger:
    """Records what was sent (shared by every worker: one Telegram); scripted failures are raised
    once each, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, int, str]] = []
        self.messages: list[Outgoing] = []
        self.keyboards: list[Keyboard | None] = []
        self.edits: list[tuple[int, int, str | None]] = []
        self.refused: list[tuple[float, int, str]] = []
        self.failures: dict[str, list[Exception]] = {}
        self.next_id = 1

    async def send(self, message: Outgoing) -> int:
        queued = self.failures.get(message.text)
        if queued:
            self.refused.append((time.monotonic(), message.chat_id, message.text))
            raise queued.pop(0)
        self.sent.append((time.monotonic(), message.chat_id, message.text))
        self.messages.append(message)
        self.next_id += 1
        return self.next_id

    async def edit(
        self, chat_id: int, message_id: int, text: str | None, keyboard: Keyboard | None = None
    ) -> None:
        queued = self.failures.get(text or "")
        if queued:
            raise queued.pop(0)
        self.edits.append((chat_id, message_id, text))
        self.keyboards.append(keyboard)

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        return None

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        return Member("member", User(user_id, f"User{user_id}"))

    def texts(self, chat: int | None = None) -> list[str]:
        return [text for _, c, text in self.sent if chat is None or c == chat]


@pytest.fixture
def telegram() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def keys(namespace: str) -> Keys:
    return Keys(namespace)


@pytest.fixture
async def workers(
    telegram: RecordingMessenger, redis: RedisClient, keys: Keys
) -> AsyncIterator[Callable[..., Outbox]]:
    """Make outboxes (workers) of one desk; every one is stopped after the test."""
    made: list[Outbox] = []

    def make(limits: Limits = UNPACED, **options: float) -> Outbox:
        outbox = Outbox(telegram, redis, keys, limits, **options)
        made.append(outbox)
        return outbox

    yield make
    for outbox in made:
        await outbox.stop(drain_timeout=0)


async def until(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    """Wait until `check` holds (polling Redis, as a worker would)."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.01)


def backlog_is(outbox: Outbox, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return sum((await outbox.backlog_by_priority()).values()) == count

    return check


async def enqueued(outbox: Outbox, *messages: Outgoing) -> list[asyncio.Task[int]]:
    """Queue messages one after the other (each in Redis before the next): their arrival order is known."""
    tasks = []
    for message in messages:
        before = sum((await outbox.backlog_by_priority()).values())
        tasks.append(asyncio.create_task(outbox.send(message)))
        await until(backlog_is(outbox, before + 1))
    return tasks


async def test_higher_priority_goes_first_when_the_budget_is_short(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    outbox = workers(Limits(global_per_s=5, global_burst=1))
    sends = [
        asyncio.create_task(outbox.send(Outgoing(chat, f"p{priority}", priority=priority)))
        for chat, priority in ((1, 4), (2, 4), (3, 1), (4, 3), (5, 2))
    ]
    await until(backlog_is(outbox, 5))
    outbox.start()
    await asyncio.gather(*sends)
    assert telegram.texts() == ["p1", "p2", "p3", "p4", "p4"]


async def test_chats_of_one_priority_take_turns_behind_more_urgent_ones(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    outbox = workers(Limits(global_per_s=200, global_burst=1, private_per_s=1e6, private_burst=1e6))
    sends = await enqueued(
        outbox,
        *(Outgoing(1, f"a{i}") for i in range(3)),
        *(Outgoing(2, f"b{i}") for i in range(3)),
        Outgoing(3, "urgent", priority=1),
        Outgoing(4, "soon", priority=2),
    )
    outbox.start(senders=1)
    await asyncio.gather(*sends)
    assert telegram.texts() == ["urgent", "soon", "a0", "b0", "a1", "b1", "a2", "b2"]


async def test_private_chat_is_paced_and_keeps_order(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    outbox = workers(Limits(private_per_s=20, private_burst=1))
    outbox.start()
    await asyncio.gather(*(outbox.send(Outgoing(1, f"m{i}")) for i in range(6)))
    times = [at for at, _, _ in telegram.sent]
    assert telegram.texts() == [f"m{i}" for i in range(6)]
    assert times[-1] - times[0] >= 5 / 20 * 0.9


async def test_a_quiet_group_gets_its_window_at_once_and_no_window_holds_more(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    outbox = workers(Limits(group_per_window=3, group_window_s=1.0))
    outbox.start()
    await asyncio.gather(*(outbox.send(Outgoing(GROUP, f"g{i}")) for i in range(7)))
    times = [at for at, _, _ in telegram.sent]
    assert times[2] - times[0] < 0.3, "an answer in a quiet group waited for pacing"
    assert times[3] - times[0] >= 0.95
    assert all(later - earlier >= 0.95 for earlier, later in zip(times, times[3:], strict=False))


async def test_busy_group_does_not_hold_back_private_chats(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    outbox = workers(Limits(group_per_window=1, group_window_s=1.0))
    outbox.start()
    group = [asyncio.create_task(outbox.send(Outgoing(GROUP, f"g{i}", priority=1))) for i in range(3)]
    await until(backlog_is(outbox, 2))
    await asyncio.wait_for(outbox.send(Outgoing(7, "private", priority=4)), timeout=0.5)
    assert telegram.texts()[:2] == ["g0", "private"]
    for task in group:
        task.cancel()
    await asyncio.gather(*group, return_exceptions=True)


async def test_each_group_has_its_own_budget_so_two_teams_groups_pace_independently(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    """Teams in several groups: a group that spent its budget never holds back another group."""
    outbox = workers(Limits(group_per_window=1, group_window_s=1.0))
    outbox.start()
    busy = [asyncio.create_task(outbox.send(Outgoing(GROUP, f"a{i}", priority=1))) for i in range(3)]
    await until(backlog_is(outbox, 2))  # the first group sent one and must wait a second for the next
    await asyncio.wait_for(outbox.send(Outgoing(GROUP - 1, "b0", priority=4)), timeout=0.5)
    assert telegram.texts()[:2] == ["a0", "b0"]
    for task in busy:
        task.cancel()
    await asyncio.gather(*busy, return_exceptions=True)


async def test_workers_share_the_tokens_limits(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    limits = Limits(global_per_s=20, global_burst=2, group_per_window=2, group_window_s=0.2)
    first, second = workers(limits), workers(limits)
    first.start()
    second.start()
    sends = [(first if i % 2 else second).send(Outgoing(100 + i, f"p{i}")) for i in range(20)]
    await asyncio.gather(*sends)
    times = sorted(at for at, _, _ in telegram.sent)
    assert times[-1] - times[0] >= (20 - 2) / 20 * 0.9, "two workers sent at twice the token's rate"
    telegram.sent.clear()
    sends = [(first if i % 2 else second).send(Outgoing(GROUP, f"g{i}")) for i in range(8)]
    await asyncio.gather(*sends)
    times = [at for at, _, _ in telegram.sent]
    assert times[-1] - times[0] >= (8 - 2) / 10 * 0.9, "two workers paced one group at twice its rate"
    assert sorted(telegram.texts(GROUP)) == sorted(f"g{i}" for i in range(8))


async def test_retry_after_is_obeyed_and_nothing_is_lost(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    telegram.failures["hello"] = [RetryAfter(0.2)]
    outbox = workers()
    outbox.start()
    message_id = await outbox.send(Outgoing(1, "hello"))
    assert message_id > 0
    assert telegram.texts() == ["hello"]
    assert telegram.sent[0][0] - telegram.refused[0][0] >= 0.19
    assert outbox.throttled == 1


async def test_a_429_on_one_worker_pauses_the_chat_for_the_other(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    telegram.failures["first"] = [RetryAfter(0.5)]
    one, other = workers(), workers()
    one.start()
    first = asyncio.create_task(one.send(Outgoing(1, "first")))
    await until(lambda: asyncio.sleep(0, bool(telegram.refused)))
    other.start()
    second = await other.send(Outgoing(1, "second"))
    assert await first < second
    assert telegram.texts() == ["first", "second"]
    assert telegram.sent[0][0] - telegram.refused[0][0] >= 0.45, "the other worker ignored the pause"


async def test_network_errors_are_retried(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    telegram.failures["x"] = [TelegramError("timeout"), TelegramError("reset")]
    outbox = workers()
    outbox.start()
    await asyncio.wait_for(outbox.send(Outgoing(1, "x")), timeout=10)
    assert telegram.texts() == ["x"]


@pytest.mark.parametrize("error", [Forbidden("blocked"), BadRequest("bad"), Unauthorized("revoked")])
async def test_final_errors_reach_the_caller_and_do_not_block_the_chat(
    telegram: RecordingMessenger, workers: Callable[..., Outbox], error: Exception
) -> None:
    telegram.failures["doomed"] = [error]
    outbox = workers()
    outbox.start()
    with pytest.raises(type(error), match=str(error)):
        await outbox.send(Outgoing(1, "doomed"))
    await outbox.send(Outgoing(1, "after"))
    assert telegram.texts() == ["after"]


async def test_pending_edits_of_one_message_coalesce_to_the_latest_across_workers(
    telegram: RecordingMessenger, workers: Callable[..., Outbox], redis: RedisClient, keys: Keys
) -> None:
    one, other = (
        workers(Limits(group_per_window=1, group_window_s=1.0)),
        workers(Limits(group_per_window=1, group_window_s=1.0)),
    )
    one.start()
    other.start()
    await one.send(Outgoing(GROUP, "card"))
    edits = []
    for i in range(5):  # one after the other, alternately from each worker, while the group waits
        edits.append(asyncio.create_task((one, other)[i % 2].edit(GROUP, 42, f"v{i}")))
        await until(lambda n=i: job_count(redis, keys, n + 2))
    edits.append(asyncio.create_task(other.edit(GROUP, 42, None, Keyboard.inline())))
    await asyncio.gather(*edits)
    assert telegram.edits == [(GROUP, 42, "v4")]


async def job_count(redis: RedisClient, keys: Keys, count: int) -> bool:
    found = [key async for key in redis.scan_iter(match=keys.outbox_job("*"), count=1000)]
    return len(found) == count


async def test_not_modified_edit_counts_as_done(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    telegram.failures["same"] = [NotModified("same")]
    outbox = workers()
    outbox.start()
    await outbox.edit(GROUP, 1, "same")


async def test_an_edit_that_changes_nothing_is_not_sent_and_costs_the_group_nothing(
    telegram: RecordingMessenger, workers: Callable[..., Outbox], redis: RedisClient, keys: Keys
) -> None:
    outbox = workers(Limits(group_per_window=20, group_window_s=60.0))
    outbox.start()
    buttons = Keyboard.inline([Button("Claim", "c:1")])
    assert await outbox.edit(GROUP, 42, "v1") is None
    await outbox.edit(GROUP, 42, "v1")  # a card refreshed with nothing new: not sent
    await outbox.edit(GROUP, 42, "v2")
    await outbox.edit(GROUP, 42, "v1")  # back to the earlier text: sent
    await outbox.edit(GROUP, 42, "v1", buttons)  # the same text with buttons: sent
    await outbox.edit(GROUP, 42, None, Keyboard.inline())  # the keyboard alone: the text is unknown
    await outbox.edit(GROUP, 42, "v1")  # so this is sent
    await outbox.edit(GROUP, 43, "v1")  # another message
    assert telegram.edits == [
        (GROUP, 42, "v1"),
        (GROUP, 42, "v2"),
        (GROUP, 42, "v1"),
        (GROUP, 42, "v1"),
        (GROUP, 42, None),
        (GROUP, 42, "v1"),
        (GROUP, 43, "v1"),
    ]
    assert await redis.zcard(f"{keys.prefix}out:win:{GROUP}") == 7


async def test_an_edit_that_failed_is_not_taken_for_what_the_message_shows(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    outbox = workers()
    outbox.start()
    await outbox.edit(GROUP, 42, "v1")
    telegram.failures["v2"] = [BadRequest("can't parse entities")]
    with pytest.raises(BadRequest):
        await outbox.edit(GROUP, 42, "v2")
    telegram.failures["v2"] = [BadRequest("can't parse entities")]
    with pytest.raises(BadRequest):
        await outbox.edit(GROUP, 42, "v2")  # tried again: the message never showed v2
    assert telegram.edits == [(GROUP, 42, "v1")]


async def test_stopping_fails_waiting_callers_and_leaves_their_jobs_for_the_next_start(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    outbox = workers(Limits(private_per_s=0.5, private_burst=1))
    outbox.start()
    await outbox.send(Outgoing(1, "first"))
    stuck = asyncio.create_task(outbox.send(Outgoing(1, "second")))
    await until(backlog_is(outbox, 1))
    await outbox.stop(drain_timeout=0.1)
    with pytest.raises(TelegramError, match="stopped"):
        await asyncio.wait_for(stuck, timeout=1)
    assert telegram.texts() == ["first"]
    later = workers(Limits(private_per_s=0.5, private_burst=1))
    later.start()
    await until(lambda: asyncio.sleep(0, telegram.texts() == ["first", "second"]))


class SlowMessenger(RecordingMessenger):
    """Each send waits on the network; records how many are in flight, overall and per chat."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight: dict[int, int] = {}
        self.most_overall = 0
        self.most_per_chat = 0

    async def send(self, message: Outgoing) -> int:
        self.in_flight[message.chat_id] = self.in_flight.get(message.chat_id, 0) + 1
        self.most_overall = max(self.most_overall, sum(self.in_flight.values()))
        self.most_per_chat = max(self.most_per_chat, self.in_flight[message.chat_id])
        await asyncio.sleep(0.01)
        self.in_flight[message.chat_id] -= 1
        return await super().send(message)


async def test_several_chats_are_sent_at_once_but_each_chat_in_order(redis: RedisClient, keys: Keys) -> None:
    telegram = SlowMessenger()
    one, other = Outbox(telegram, redis, keys, UNPACED), Outbox(telegram, redis, keys, UNPACED)
    one.start()
    other.start()
    sends = []
    for i in range(5):  # new messages arrive while earlier ones are still on the network
        sends += [
            asyncio.create_task((one, other)[chat % 2].send(Outgoing(chat, f"{chat}:{i}"))) for chat in (1, 2)
        ]
        await asyncio.sleep(0.003)
    await asyncio.gather(*sends)
    await one.stop()
    await other.stop()
    assert telegram.most_overall > 1, "a request waiting on the network held the others back"
    assert telegram.most_per_chat == 1, "two sends to one chat were in flight at once"
    for chat in (1, 2):
        assert telegram.texts(chat) == [f"{chat}:{i}" for i in range(5)]


async def test_an_unexpected_error_fails_the_job_and_the_sender_carries_on(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    telegram.failures["boom"] = [RuntimeError("bug in a runtime")]
    outbox = workers()
    outbox.start()
    with pytest.raises(TelegramError, match="bug in a runtime"):
        await outbox.send(Outgoing(1, "boom"))
    await outbox.send(Outgoing(1, "after"))
    assert telegram.texts() == ["after"]


async def test_backlog_by_priority_is_the_desks_in_every_worker(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    one, other = (
        workers(Limits(global_per_s=1, global_burst=1)),
        workers(Limits(global_per_s=1, global_burst=1)),
    )
    one.start()
    other.start(senders=0)  # its callers' results come from the worker that sends
    sends = [
        asyncio.create_task((one, other)[chat % 2].send(Outgoing(chat, f"p{priority}", priority=priority)))
        for chat, priority in ((1, 1), (2, 3), (3, 3), (4, 4))
    ]
    await until(lambda: asyncio.sleep(0, telegram.texts() == ["p1"]))  # on the burst
    await until(backlog_is(one, 3))
    assert await one.backlog_by_priority() == await other.backlog_by_priority() == {"P3": 2, "P4": 1}
    assert one.pending in (3, 4)
    await asyncio.gather(*sends)
    assert await other.backlog_by_priority() == {}


async def test_a_dead_workers_send_is_sent_again_by_another_worker(
    telegram: RecordingMessenger, workers: Callable[..., Outbox], caplog: pytest.LogCaptureFixture
) -> None:
    dying, survivor = workers(lease_s=0.3), workers()
    sends = await enqueued(survivor, Outgoing(1, "taken"), Outgoing(1, "next"))
    job, _ = await dying._take()  # the dying worker took the head job and never answered
    assert job is not None
    survivor.start()
    with caplog.at_level(logging.WARNING):
        ids = await asyncio.gather(*sends)
    assert telegram.texts() == ["taken", "next"], "the taken job was lost or order broke"
    assert ids[0] < ids[1]
    assert "lease expired" in caplog.text


async def test_a_replayed_send_gets_the_recorded_id_without_a_second_send(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    first, after_crash = workers(), workers()
    first.start()
    with effect_scope("u7"):
        card = await first.send(Outgoing(GROUP, "card"))
        await first.edit(GROUP, card, "card v2")
    with effect_scope("u7"):  # the update handled again by another worker
        assert await after_crash.send(Outgoing(GROUP, "card")) == card
        await after_crash.edit(GROUP, card, "card v2")
    assert telegram.texts() == ["card"]
    assert telegram.edits == [(GROUP, card, "card v2")]


async def test_a_replay_while_queued_waits_for_the_one_send_even_from_another_worker(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    sender, replaying = workers(), workers()
    replaying.start(senders=0)  # only its results listener: the other worker sends
    with effect_scope("u8"):
        original = asyncio.create_task(sender.send(Outgoing(1, "ack")))
    await until(backlog_is(sender, 1))
    with effect_scope("u8"):
        replay = asyncio.create_task(replaying.send(Outgoing(1, "ack")))
    await asyncio.sleep(0.05)
    sender.start()
    assert await original == await asyncio.wait_for(replay, timeout=5)
    assert telegram.texts() == ["ack"]


async def test_a_final_error_reaches_a_caller_on_another_worker(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    telegram.failures["doomed"] = [Forbidden("blocked")]
    sender, waiting = workers(), workers()
    waiting.start(senders=0)
    task = asyncio.create_task(waiting.send(Outgoing(1, "doomed")))
    await until(backlog_is(sender, 1))
    sender.start()
    with pytest.raises(Forbidden, match="blocked"):
        await asyncio.wait_for(task, timeout=5)


async def test_a_sent_chat_leaves_only_expiring_keys(
    telegram: RecordingMessenger, workers: Callable[..., Outbox], redis: RedisClient, keys: Keys
) -> None:
    outbox = workers()
    outbox.start()
    await asyncio.gather(*(outbox.send(Outgoing(chat, "hi")) for chat in range(1, 51)))
    lasting = [
        key
        async for key in redis.scan_iter(match=f"{keys.prefix}out:*", count=1000)
        if await redis.ttl(key) == -1
    ]
    assert {key.removeprefix(keys.prefix) for key in lasting} <= {"out:backlog", "out:seq"}


async def test_a_lost_result_push_still_reaches_the_caller(
    telegram: RecordingMessenger, workers: Callable[..., Outbox], redis: RedisClient, keys: Keys
) -> None:
    waiting, sender = workers(), workers()
    task = asyncio.create_task(waiting.send(Outgoing(1, "lost")))
    await until(backlog_is(sender, 1))
    sender.start()
    done = keys.outbox_done(waiting.worker)
    await until(lambda: redis.exists(done))
    await redis.delete(done)  # the push is lost (a Redis failover between push and pop, say)
    waiting.start(senders=0)
    assert await asyncio.wait_for(task, timeout=10) > 0


async def test_what_is_sent_is_exactly_what_the_handler_made(
    telegram: RecordingMessenger, workers: Callable[..., Outbox]
) -> None:
    outbox = workers()
    outbox.start()
    keyboard = Keyboard.inline([Button("Claim", "1|claim|7|sig")], [Button("Já", "1|x|é")])
    chart = Outgoing(
        GROUP,
        "<b>backlog</b> ✅",
        keyboard=keyboard,
        thread_id=5,
        reply_to=9,
        attachment=Attachment("photo", file_name="backlog.png", data=bytes(range(256))),
        priority=2,
    )
    await outbox.send(chart)
    await outbox.edit(GROUP, 9, None, Keyboard.share_contact("📞"))
    assert telegram.messages == [chart]
    assert telegram.edits == [(GROUP, 9, None)]
    assert telegram.keyboards == [Keyboard.share_contact("📞")]


async def test_messages_posted_in_each_group_are_counted_once_by_whichever_worker_delivers_them(
    telegram: RecordingMessenger, workers: Callable[..., Outbox], redis: RedisClient, keys: Keys
) -> None:
    one, other = workers(), workers()
    one.start()
    other.start()
    telegram.failures["refused"] = [BadRequest("Bad Request: chat not found")]
    await asyncio.gather(
        *(worker.send(Outgoing(GROUP, f"g{i}")) for i, worker in enumerate((one, other, one)))
    )
    await other.send(Outgoing(-200, "other group"))
    await one.send(Outgoing(7, "a private chat is no forum"))
    await other.edit(GROUP, 2, "an edit posts nothing new")
    with pytest.raises(BadRequest):
        await one.send(Outgoing(GROUP, "refused"))
    with effect_scope("u9"):
        first = await one.send(Outgoing(GROUP, "handled twice"))
    with effect_scope("u9"):
        assert await other.send(Outgoing(GROUP, "handled twice")) == first

    assert await redis.hgetall(keys.posted) == {str(GROUP): "4", "-200": "1"}


async def test_an_idle_sender_is_handed_the_job_its_enqueue_took_without_a_take_of_its_own(
    telegram: RecordingMessenger, workers: Callable[..., Outbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "IDLE_POLL_S", 60.0)  # no idle poll during the test
    outbox = workers()
    takes = 0
    take_script = outbox._take_script

    async def counted_take(*args: Any, **kwargs: Any) -> Any:
        nonlocal takes
        takes += 1
        return await take_script(*args, **kwargs)

    outbox._take_script = counted_take  # type: ignore[assignment]
    outbox.start(senders=1)

    async def sender_idle() -> bool:
        return bool(outbox._idle)

    for n in range(3):
        await until(sender_idle)
        takes = 0
        assert await outbox.send(Outgoing(7, f"m{n}")) > 0
        assert takes == 0, "the idle sender took for itself what its enqueue could have handed it"
    assert telegram.texts(7) == ["m0", "m1", "m2"]
