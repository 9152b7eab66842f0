"""The outbound queue: priority order, pacing per chat, 429 obeyed, retries, edits coalesced.

A recording Messenger stands in for Telegram here; the end-to-end tests run the same outbox
against the sandbox's real HTTP Bot API and its real 429s.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.outbox import PRUNE_EVERY, Limits, Outbox, TokenBucket
from handlers.events import Keyboard, Member, Outgoing, User
from handlers.messenger import BadRequest, Forbidden, NotModified, RetryAfter, TelegramError

GROUP = -100


class RecordingMessenger:
    """Records what was sent; scripted failures are raised once each, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, int, str]] = []
        self.edits: list[tuple[int, int, str]] = []
        self.failures: dict[str, list[Exception]] = {}
        self.next_id = 1

    async def send(self, message: Outgoing) -> int:
        queued = self.failures.get(message.text)
        if queued:
            raise queued.pop(0)
        self.sent.append((time.monotonic(), message.chat_id, message.text))
        self.next_id += 1
        return self.next_id

    async def edit(self, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        queued = self.failures.get(text)
        if queued:
            raise queued.pop(0)
        self.edits.append((chat_id, message_id, text))

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        return None

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        return Member("member", User(user_id, f"User{user_id}"))


@pytest.fixture
async def telegram() -> RecordingMessenger:
    return RecordingMessenger()


async def started(telegram: RecordingMessenger, limits: Limits) -> Outbox:
    outbox = Outbox(telegram, limits)
    outbox.start()
    return outbox


async def test_higher_priority_goes_first_when_the_budget_is_short(telegram: RecordingMessenger) -> None:
    outbox = await started(telegram, Limits(global_per_s=5, global_burst=1))
    sends = [
        asyncio.create_task(outbox.send(Outgoing(chat, f"p{priority}", priority=priority)))
        for chat, priority in ((1, 4), (2, 4), (3, 1), (4, 3), (5, 2))
    ]
    await asyncio.gather(*sends)
    await outbox.stop()
    assert [text for _, _, text in telegram.sent] == ["p1", "p2", "p3", "p4", "p4"]


async def test_private_chat_is_paced_and_keeps_order(telegram: RecordingMessenger) -> None:
    outbox = await started(telegram, Limits(private_per_s=20, private_burst=1))
    await asyncio.gather(*(outbox.send(Outgoing(1, f"m{i}")) for i in range(6)))
    await outbox.stop()
    times = [at for at, _, _ in telegram.sent]
    assert [text for _, _, text in telegram.sent] == [f"m{i}" for i in range(6)]
    assert times[-1] - times[0] >= 5 / 20 * 0.9


async def test_busy_group_does_not_hold_back_private_chats(telegram: RecordingMessenger) -> None:
    outbox = await started(telegram, Limits(group_per_min=60, group_burst=1))
    group = [asyncio.create_task(outbox.send(Outgoing(GROUP, f"g{i}", priority=1))) for i in range(3)]
    await asyncio.sleep(0.05)
    await asyncio.wait_for(outbox.send(Outgoing(7, "private", priority=4)), timeout=0.5)
    assert [text for _, _, text in telegram.sent][:2] == ["g0", "private"]
    for task in group:
        task.cancel()
    await outbox.stop(drain_timeout=0)


async def test_retry_after_is_obeyed_and_nothing_is_lost(telegram: RecordingMessenger) -> None:
    telegram.failures["hello"] = [RetryAfter(0.2)]
    outbox = await started(telegram, Limits())
    started_at = time.monotonic()
    message_id = await outbox.send(Outgoing(1, "hello"))
    await outbox.stop()
    assert message_id > 0
    assert [text for _, _, text in telegram.sent] == ["hello"]
    assert telegram.sent[0][0] - started_at >= 0.19
    assert outbox.throttled == 1


async def test_network_errors_are_retried(telegram: RecordingMessenger) -> None:
    telegram.failures["x"] = [TelegramError("timeout"), TelegramError("reset")]
    outbox = await started(telegram, Limits())
    await asyncio.wait_for(outbox.send(Outgoing(1, "x")), timeout=10)
    await outbox.stop()
    assert len(telegram.sent) == 1


@pytest.mark.parametrize("error", [Forbidden("blocked"), BadRequest("bad")])
async def test_final_errors_reach_the_caller_and_do_not_block_the_chat(
    telegram: RecordingMessenger, error: Exception
) -> None:
    telegram.failures["doomed"] = [error]
    outbox = await started(telegram, Limits())
    with pytest.raises(type(error)):
        await outbox.send(Outgoing(1, "doomed"))
    await outbox.send(Outgoing(1, "after"))
    await outbox.stop()
    assert [text for _, _, text in telegram.sent] == ["after"]


async def test_pending_edits_of_one_message_coalesce_to_the_latest(telegram: RecordingMessenger) -> None:
    outbox = await started(telegram, Limits(group_per_min=60, group_burst=1))
    await outbox.send(Outgoing(GROUP, "card"))
    edits = [asyncio.create_task(outbox.edit(GROUP, 42, f"v{i}")) for i in range(5)]
    await asyncio.gather(*edits)
    await outbox.stop()
    assert telegram.edits == [(GROUP, 42, "v4")]


async def test_not_modified_edit_counts_as_done(telegram: RecordingMessenger) -> None:
    telegram.failures["same"] = [NotModified("same")]
    outbox = await started(telegram, Limits())
    await outbox.edit(GROUP, 1, "same")
    await outbox.stop()


def test_token_bucket_refills_at_its_rate() -> None:
    bucket = TokenBucket(rate=2.0, capacity=2.0, now=0.0)
    bucket.take(0.0)
    bucket.take(0.0)
    assert bucket.ready_at(0.0) == pytest.approx(0.5)
    assert bucket.ready_at(0.5) == pytest.approx(0.5)
    assert bucket.ready_at(10.0) == 10.0


async def test_stopping_fails_what_could_not_be_sent_instead_of_hanging(telegram: RecordingMessenger) -> None:
    outbox = await started(telegram, Limits(private_per_s=0.01, private_burst=1))
    first = asyncio.create_task(outbox.send(Outgoing(1, "first")))
    stuck = asyncio.create_task(outbox.send(Outgoing(1, "second")))
    await first
    await outbox.stop(drain_timeout=0.1)
    with pytest.raises(TelegramError, match="stopped"):
        await asyncio.wait_for(stuck, timeout=1)


async def test_idle_chats_are_forgotten(telegram: RecordingMessenger) -> None:
    fast = Limits(global_per_s=1e6, global_burst=1e6, private_per_s=1e6, private_burst=2)
    outbox = await started(telegram, fast)
    await asyncio.gather(*(outbox.send(Outgoing(chat, "hi")) for chat in range(1, PRUNE_EVERY + 1)))
    await outbox.stop()
    assert len(telegram.sent) == PRUNE_EVERY
    assert outbox.tracked_chats < PRUNE_EVERY


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


async def test_several_chats_are_sent_at_once_but_each_chat_in_order() -> None:
    telegram = SlowMessenger()
    fast = Limits(global_per_s=1e6, global_burst=1e6, private_per_s=1e6, private_burst=1e6)
    outbox = await started(telegram, fast)
    sends = []
    for i in range(5):  # new messages arrive while earlier ones are still on the network
        sends += [asyncio.create_task(outbox.send(Outgoing(chat, f"{chat}:{i}"))) for chat in (1, 2)]
        await asyncio.sleep(0.003)
    await asyncio.gather(*sends)
    await outbox.stop()
    assert telegram.most_overall > 1, "a request waiting on the network held the others back"
    assert telegram.most_per_chat == 1, "two sends to one chat were in flight at once"
    for chat in (1, 2):
        assert [text for _, c, text in telegram.sent if c == chat] == [f"{chat}:{i}" for i in range(5)]


async def test_an_unexpected_error_fails_the_job_and_the_sender_carries_on(
    telegram: RecordingMessenger,
) -> None:
    telegram.failures["boom"] = [RuntimeError("bug in a runtime")]
    outbox = await started(telegram, Limits())
    with pytest.raises(TelegramError, match="bug in a runtime"):
        await outbox.send(Outgoing(1, "boom"))
    await outbox.send(Outgoing(1, "after"))
    await outbox.stop()
    assert [text for _, _, text in telegram.sent] == ["after"]


async def test_backlog_by_priority_counts_what_waits(telegram: RecordingMessenger) -> None:
    outbox = await started(telegram, Limits(global_per_s=1, global_burst=1))
    sends = [
        asyncio.create_task(outbox.send(Outgoing(chat, f"p{priority}", priority=priority)))
        for chat, priority in ((1, 1), (2, 3), (3, 3), (4, 4))
    ]
    await asyncio.sleep(0.05)
    assert await outbox.backlog_by_priority() == {"P3": 2, "P4": 1}  # P1 went first, on the burst
    await asyncio.gather(*sends)
    assert await outbox.backlog_by_priority() == {}
    await outbox.stop()
