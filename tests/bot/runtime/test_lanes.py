"""ChatLanes: one chat's events in order, chats concurrently, failures contained, bounded shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import pytest

from bot.runtime.lanes import ChatLanes
from handlers.events import ButtonPress, Chat, ChatKind, Event, IncomingMessage, User


def event(update_id: int, chat_id: int) -> IncomingMessage:
    """A text message with the given update id in the given chat."""
    return IncomingMessage(
        update_id=update_id,
        message_id=update_id,
        user=User(chat_id, "U"),
        chat=Chat(chat_id, ChatKind.PRIVATE),
        text=str(update_id),
    )


async def test_events_of_one_chat_run_in_order_while_other_chats_proceed() -> None:
    seen: dict[int, list[int]] = defaultdict(list)
    release_chat_1 = asyncio.Event()
    chat_2_done = asyncio.Event()

    async def handle(e: Event) -> None:
        if e.chat.id == 1 and e.update_id == 1:
            await release_chat_1.wait()
        seen[e.chat.id].append(e.update_id)
        if e.chat.id == 2 and len(seen[2]) == 2:
            chat_2_done.set()

    lanes = ChatLanes(handle, "test")
    for update_id, chat_id in [(1, 1), (2, 1), (3, 2), (4, 1), (5, 2)]:
        lanes.submit(event(update_id, chat_id))

    await asyncio.wait_for(chat_2_done.wait(), 5)
    assert seen[2] == [3, 5]
    assert seen[1] == []  # chat 1 is held by its first event, and nothing overtook it
    assert lanes.pending == 3

    release_chat_1.set()
    await asyncio.wait_for(lanes.join(), 5)
    assert seen[1] == [1, 2, 4]
    assert lanes.pending == 0


async def test_a_failing_event_is_logged_with_its_update_id_and_the_chat_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[int] = []

    async def handle(e: Event) -> None:
        if e.update_id == 7:
            raise RuntimeError("boom")
        seen.append(e.update_id)

    lanes = ChatLanes(handle, "test")
    with caplog.at_level(logging.ERROR, logger="bot.runtime"):
        for update_id in (6, 7, 8):
            lanes.submit(event(update_id, 1))
        await asyncio.wait_for(lanes.join(), 5)

    assert seen == [6, 8]
    failures = [r for r in caplog.records if "update 7 failed" in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info is not None


async def test_close_waits_for_quick_work_and_cancels_what_outlasts_the_grace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    finished: list[int] = []
    cancelled: list[int] = []

    async def handle(e: Event) -> None:
        try:
            if e.chat.id == 2:
                await asyncio.Event().wait()
            await asyncio.sleep(0)
            finished.append(e.update_id)
        except asyncio.CancelledError:
            cancelled.append(e.update_id)
            raise

    lanes = ChatLanes(handle, "test")
    for update_id, chat_id in [(1, 1), (2, 2), (3, 2)]:
        lanes.submit(event(update_id, chat_id))
    with caplog.at_level(logging.WARNING, logger="bot.runtime"):
        await lanes.close(grace=0.05)

    assert finished == [1]
    assert cancelled == [2]
    assert lanes.pending == 0
    assert any("2 unfinished events dropped" in r.getMessage() for r in caplog.records)


async def test_a_chat_whose_lane_emptied_gets_a_fresh_worker() -> None:
    seen: list[int] = []

    async def handle(e: Event) -> None:
        seen.append(e.update_id)

    lanes = ChatLanes(handle, "test")
    lanes.submit(event(1, 1))
    await lanes.join()
    lanes.submit(event(2, 1))
    await lanes.join()
    assert seen == [1, 2]


async def test_no_more_than_the_running_limit_of_chats_are_handled_at_once() -> None:
    running = 0
    most = 0

    async def handle(_: Event) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1

    lanes = ChatLanes(handle, "test", running=3, lease=60)
    for chat_id in range(20):
        lanes.submit(event(chat_id, chat_id))
    await asyncio.wait_for(lanes.join(), 5)
    assert most == 3


async def test_a_handler_that_outlasts_its_lease_lets_the_next_chat_run() -> None:
    stuck = asyncio.Event()
    others_done = asyncio.Event()
    handled: list[int] = []

    async def handle(e: Event) -> None:
        if e.chat.id == 1:
            await stuck.wait()  # waiting for something slow, like the agents' group pacing
        handled.append(e.chat.id)
        if e.chat.id == 3:
            others_done.set()

    lanes = ChatLanes(handle, "test", running=1, lease=0.05)
    lanes.submit(event(1, 1))
    lanes.submit(event(2, 2))
    lanes.submit(event(3, 3))
    await asyncio.wait_for(others_done.wait(), 5)
    assert handled == [2, 3] and lanes.pending == 1
    stuck.set()
    await asyncio.wait_for(lanes.join(), 5)
    assert handled == [2, 3, 1]


async def test_group_messages_and_button_presses_never_wait_for_a_turn() -> None:
    stuck = asyncio.Event()
    handled: list[int] = []
    both_done = asyncio.Event()

    async def handle(e: Event) -> None:
        if e.chat.id == 1:
            await stuck.wait()
        handled.append(e.update_id)
        if len(handled) == 2:
            both_done.set()

    lanes = ChatLanes(handle, "test", running=1, lease=3600)
    lanes.submit(event(1, 1))  # holds the only turn
    lanes.submit(event(2, 2))  # a subscriber: waits for it
    group = IncomingMessage(
        update_id=3, message_id=3, user=User(7, "Agent"), chat=Chat(-100, ChatKind.SUPERGROUP), text="/next"
    )
    press = ButtonPress(
        update_id=4,
        callback_id="q",
        user=User(8, "Bia"),
        chat=Chat(8, ChatKind.PRIVATE),
        message_id=9,
        data="d",
    )
    lanes.submit(group)
    lanes.submit(press)
    await asyncio.wait_for(both_done.wait(), 5)
    assert sorted(handled) == [3, 4]
    stuck.set()
    await asyncio.wait_for(lanes.join(), 5)
    assert sorted(handled) == [1, 2, 3, 4]
