"""The queue board in topic mode: one message in the agents' forum's General topic shows the queue.

Both runtimes, through the sandbox, on a manual clock: the board is posted once, lists the ten
waiting tickets due first and counts the rest, is edited in place when the queue changes and when
time passes, and comes back when someone deletes it. In group mode there is none.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from redis.asyncio import Redis

from escalation.clock import ManualClock
from tests.e2e.conftest import AGENTS_CHAT, TOKEN, Desk, open_harness, user
from tests.e2e.test_agents import MINUTE, WEDNESDAY_NOON, answer, tick
from tests.e2e.test_scenarios import ANA, open_ticket

pytestmark = pytest.mark.cluster

TITLE = "📋 Queue"
CUSTOMERS = [user(5001 + i, f"Cliente{i + 1:02d}") for i in range(12)]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(WEDNESDAY_NOON)


@pytest.fixture
async def forum(
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
    clock: ManualClock,
) -> AsyncIterator[Desk]:
    """The bot in topic mode; its agents' group is a forum."""
    topics = {"agents_topics": True}
    async for harness in open_harness(
        redis_config, namespace, runtime_kind, tmp_path, clock=clock, settings_overrides=topics
    ):
        await harness.api.create_chat(AGENTS_CHAT, title="Agents", is_forum=True)
        yield harness


async def board(desk: Desk, showing: Callable[[str], bool]) -> dict[str, Any]:
    """The board in the General topic (no thread) once its text satisfies `showing`."""
    return await desk.expect(
        AGENTS_CHAT,
        TITLE,
        where=lambda m: "message_thread_id" not in m and m["text"].startswith(TITLE) and showing(m["text"]),
    )


async def boards(desk: Desk) -> list[dict[str, Any]]:
    """Every board message in the chat (there must be one)."""
    await desk.bot.dispatcher.board.drain()
    return [m for m in await desk.bot_messages(AGENTS_CHAT) if m.get("text", "").startswith(TITLE)]


def numbers(text: str) -> list[int]:
    """The ticket numbers the board lists, top to bottom."""
    return [int(n) for n in re.findall(r"^\S+ P\d #(\d+) ·", text, flags=re.MULTILINE)]


def minutes_left(text: str, number: int) -> int:
    """The time left the board shows for a ticket, in minutes."""
    line = next(line for line in text.splitlines() if f" #{number} ·" in line)
    match = re.search(r"⏱ \d\d:\d\d \((?:(\d+) h ?)?(?:(\d+) min)? left\)$", line)
    assert match, line
    hours, minutes = match.groups()
    return int(hours or 0) * 60 + int(minutes or 0)


async def test_the_board_lists_the_ten_due_first_and_is_edited_in_place_as_the_queue_changes(
    forum: Desk, clock: ManualClock
) -> None:
    for customer in CUSTOMERS:
        await open_ticket(forum, customer, f"nenhum canal funciona aqui, sou {customer['first_name']}")
        clock.advance(10)
    shown = await board(forum, lambda text: "12 waiting · 0 being handled" in text)
    text = shown["text"]
    assert numbers(text) == list(range(1, 11))
    assert text.splitlines()[-1] == "… and 2 more waiting: /queue"
    assert "Cliente01" in text and "«nenhum canal funciona aqui, sou Cliente01»" in text
    assert "Cliente11" not in text
    before = minutes_left(text, 3)

    assert "#1" in await answer(forum, ANA, "/claim 1")
    claimed = await board(forum, lambda text: "11 waiting · 1 being handled" in text)
    assert claimed["message_id"] == shown["message_id"]
    assert numbers(claimed["text"]) == list(range(2, 12))
    assert claimed["text"].splitlines()[-1] == "… and 1 more waiting: /queue"

    clock.advance(5 * MINUTE)
    await tick(forum)
    later = await board(forum, lambda text: minutes_left(text, 3) == before - 5)
    assert later["message_id"] == shown["message_id"]
    assert [m["message_id"] for m in await boards(forum)] == [shown["message_id"]]


async def test_a_deleted_board_is_posted_again_at_the_next_change(forum: Desk) -> None:
    for customer in CUSTOMERS[:2]:
        await open_ticket(forum, customer)
    first = await board(forum, lambda text: "2 waiting" in text)
    async with aiohttp.ClientSession() as http:
        url = f"{forum.sandbox.base_url}/bot{TOKEN}/deleteMessage"
        gone = {"chat_id": AGENTS_CHAT, "message_id": first["message_id"]}
        async with http.post(url, json=gone) as response:
            assert (await response.json())["ok"]

    assert "#2" in await answer(forum, ANA, "/resolve 2")
    again = await board(forum, lambda text: "1 waiting" in text)
    assert again["message_id"] > first["message_id"]
    assert numbers(again["text"]) == [1]
    assert [m["message_id"] for m in await boards(forum)] == [again["message_id"]]

    await answer(forum, ANA, "/resolve 1")
    empty = await board(forum, lambda text: "0 waiting" in text)
    assert empty["message_id"] == again["message_id"]
    assert empty["text"].splitlines()[-1] == "No ticket is waiting. 🎉"


async def test_group_mode_has_no_board(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> None:
    async for desk in open_harness(redis_config, namespace, runtime_kind, tmp_path):
        await open_ticket(desk, CUSTOMERS[0])
        await desk.card(1)
        await tick(desk)
        assert await boards(desk) == []
