"""The inbox scripts on a real Redis: order per chat, leases and their take-over, dedup, the poll lease."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.durable.inbox import Inbox, Lane, PollTurn
from bot.redis_connection import RedisClient
from escalation.keys import Keys
from handlers.events import ButtonPress, Chat, ChatKind, IncomingMessage, MessageEdit, User

pytestmark = pytest.mark.cluster

GROUP = -100500


def message(update_id: int, chat: int, text: str = "") -> IncomingMessage:
    """A message in a subscriber's private chat (chat > 0) or the agents' group (chat < 0)."""
    kind = ChatKind.PRIVATE if chat > 0 else ChatKind.SUPERGROUP
    return IncomingMessage(
        update_id, update_id, User(abs(chat), "Ana"), Chat(chat, kind), text=text or f"m{update_id}"
    )


def press(update_id: int, chat: int) -> ButtonPress:
    """A button press in a subscriber's chat."""
    return ButtonPress(update_id, f"cb{update_id}", User(chat, "Ana"), Chat(chat, ChatKind.PRIVATE), 1, "x")


def inbox(redis: RedisClient, namespace: str, worker: str, lease: float = 5.0) -> Inbox:
    """One worker's view of the test's inbox."""
    return Inbox(redis, Keys(namespace), worker, lease=lease)


async def test_events_of_a_chat_come_one_at_a_time_in_order(redis: RedisClient, namespace: str) -> None:
    one = inbox(redis, namespace, "w1")
    await one.put([(1, message(1, 7)), (2, message(2, 7)), (3, message(3, 8))])

    _, taken = await one.take(Lane.NORMAL, 10)
    assert sorted((t.chat_id, t.update_id) for t in taken) == [(7, 1), (8, 3)]
    _, again = await one.take(Lane.NORMAL, 10)
    assert again == []  # chat 7 is leased: its second event waits for the first to be done

    first = next(t for t in taken if t.chat_id == 7)
    assert await one.done(first)
    _, taken = await one.take(Lane.NORMAL, 10)
    assert [(t.chat_id, t.update_id) for t in taken] == [(7, 2)]
    assert taken[0].event() == message(2, 7)


async def test_an_edit_waits_in_its_chat_behind_the_message_it_edits(
    redis: RedisClient, namespace: str
) -> None:
    one = inbox(redis, namespace, "w1")
    edit = MessageEdit(2, 1, User(7, "Ana"), Chat(7, ChatKind.PRIVATE), text="m1 edited")
    await one.put([(1, message(1, 7)), (2, edit)])
    _, taken = await one.take(Lane.NORMAL, 10)
    assert [t.update_id for t in taken] == [1]
    assert await one.done(taken[0])
    _, taken = await one.take(Lane.NORMAL, 10)
    assert [t.event() for t in taken] == [edit]


async def test_group_messages_and_button_presses_take_the_fast_lane(
    redis: RedisClient, namespace: str
) -> None:
    one = inbox(redis, namespace, "w1")
    await one.put([(1, message(1, 7)), (2, message(2, GROUP)), (3, press(3, 9))])

    _, fast = await one.take(Lane.FAST, 10)
    _, normal = await one.take(Lane.NORMAL, 10)
    assert sorted(t.update_id for t in fast) == [2, 3]
    assert [t.update_id for t in normal] == [1]


async def test_an_update_delivered_twice_is_stored_once(redis: RedisClient, namespace: str) -> None:
    one = inbox(redis, namespace, "w1")
    assert await one.put([(41, message(41, 7))]) == 1
    assert await one.put([(41, message(41, 7)), (42, message(42, 7))]) == 1


async def test_a_dead_workers_chat_is_taken_over_after_its_lease(redis: RedisClient, namespace: str) -> None:
    dead = inbox(redis, namespace, "dead", lease=0.2)
    alive = inbox(redis, namespace, "alive", lease=0.2)
    await dead.put([(1, message(1, 7)), (2, message(2, 7))])
    _, taken = await dead.take(Lane.NORMAL, 10)
    assert [t.update_id for t in taken] == [1]

    assert (await alive.take(Lane.NORMAL, 10))[1] == []
    await asyncio.sleep(0.3)
    expired, taken = await alive.take(Lane.NORMAL, 10)
    assert expired == 1
    assert [t.update_id for t in taken] == [1]  # the same event again: it was never done
    assert not await dead.done(taken[0])  # the dead worker, back from a pause, no longer holds it
    assert await dead.renew([7]) == [7]
    assert await alive.done(taken[0])


async def test_a_renewed_lease_is_not_taken_over(redis: RedisClient, namespace: str) -> None:
    busy = inbox(redis, namespace, "busy", lease=0.3)
    other = inbox(redis, namespace, "other", lease=0.3)
    await busy.put([(1, message(1, 7))])
    await busy.take(Lane.NORMAL, 1)
    for _ in range(4):
        await asyncio.sleep(0.15)
        assert await busy.renew([7]) == []
    assert await other.take(Lane.NORMAL, 10) == (0, [])


async def test_a_handed_back_chat_goes_first(redis: RedisClient, namespace: str) -> None:
    stopping = inbox(redis, namespace, "stopping")
    other = inbox(redis, namespace, "other")
    await stopping.put([(1, message(1, 7))])
    await stopping.take(Lane.NORMAL, 1)
    await stopping.put([(2, message(2, 8))])
    await stopping.hand_back(7)

    _, next_up = await other.take(Lane.NORMAL, 1)
    assert [t.update_id for t in next_up] == [1]


async def test_one_poller_at_a_time_and_only_its_batches_move_the_offset(
    redis: RedisClient, namespace: str
) -> None:
    first = inbox(redis, namespace, "first")
    second = inbox(redis, namespace, "second")
    assert await first.hold_poll(0.3)
    assert not await second.hold_poll(0.3)
    assert await first.put([(10, message(10, 7))], offset=11) == 1
    assert await second.put([(11, message(11, 7))], offset=12) is None
    assert await first.hold_poll(0.3) == PollTurn(11)

    await asyncio.sleep(0.4)  # the first poller died: its lease runs out
    assert await second.hold_poll(0.3)
    assert await first.put([(11, message(11, 7))], offset=12) is None
    await second.leave_poll()
    assert await first.hold_poll(0.3)


async def test_a_stored_batch_renews_the_poll_lease_so_the_poller_needs_no_lease_round_trip(
    redis: RedisClient, namespace: str
) -> None:
    poller = inbox(redis, namespace, "poller")
    standby = inbox(redis, namespace, "standby")
    assert await poller.hold_poll(0.3)
    await asyncio.sleep(0.2)
    assert await poller.put([(10, message(10, 7))], offset=11, lease=5.0) == 1
    await asyncio.sleep(0.2)  # past the lease it held before the batch
    assert not await standby.hold_poll(0.3), "the batch's store did not renew the poll lease"
    assert await standby.put([(11, message(11, 7))], offset=12, lease=5.0) is None


@st.composite
def arrivals(draw: st.DrawFn) -> list[tuple[int, int]]:
    """Updates (update id, chat) in arrival order, with redeliveries of earlier ones mixed in."""
    count = draw(st.integers(1, 40))
    chats = draw(st.lists(st.sampled_from([7, 8, 9, GROUP]), min_size=count, max_size=count))
    updates = [(100 + i, chat) for i, chat in enumerate(chats)]
    redelivered = draw(st.lists(st.sampled_from(updates), max_size=10))
    return updates + redelivered


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    updates=arrivals(),
    deaths=st.lists(st.booleans(), min_size=1, max_size=80),
)
async def test_whatever_workers_die_every_event_is_done_once_in_chat_order(
    redis: RedisClient, updates: list[tuple[int, int]], deaths: list[bool]
) -> None:
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    try:
        workers = [inbox(redis, namespace, f"w{i}", lease=0.05) for i in range(3)]
        for update_id, chat in updates:
            await workers[update_id % 3].put([(update_id, message(update_id, chat))])
        done: list[tuple[int, int]] = []
        died: set[int] = set()  # each event's worker dies at most once, so the run ends
        turn = 0
        while len(done) < len({u for u, _ in updates}):
            worker = workers[turn % 3]
            lane = Lane.FAST if turn % 2 else Lane.NORMAL
            _, taken = await worker.take(lane, 2)
            for item in taken:
                dies = deaths[turn % len(deaths)] and item.update_id not in died
                turn += 1
                if dies:  # never marked done: its lease runs out and another worker takes it
                    died.add(item.update_id)
                    continue
                if await worker.done(item):
                    done.append((item.chat_id, item.update_id))
            turn += 1
            if not taken:
                await asyncio.sleep(0.06)
        assert sorted(u for _, u in done) == sorted({u for u, _ in updates})
        for chat in {c for _, c in updates}:
            handled = [u for c, u in done if c == chat]
            assert handled == sorted(handled)
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{namespace}:*")]
        if keys:
            for key in keys:
                await redis.delete(key)
