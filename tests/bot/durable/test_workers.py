"""The workers that handle what the inbox holds, on a real Redis: order, turns, lanes, failures, stopping."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.durable.inbox import Inbox
from bot.durable.workers import InboxWorkers
from bot.redis_connection import RedisClient
from escalation.effects import current_scope
from escalation.keys import Keys
from handlers.events import Event, IncomingMessage
from tests.bot.durable.test_inbox import GROUP, message

pytestmark = pytest.mark.cluster

WAIT_S = 10.0
Handler = Callable[[Event], Awaitable[None]]


def text(event: Event) -> str:
    """A message's text."""
    assert isinstance(event, IncomingMessage)
    return event.text


@pytest.fixture
def shared(redis: RedisClient, namespace: str) -> Callable[[str], Inbox]:
    """Each worker's view of one inbox on the test's namespace (short leases)."""
    return lambda worker: Inbox(redis, Keys(namespace), worker, lease=0.6)


class Running:
    """Workers running in the background; `stop` cancels them as SIGTERM would."""

    def __init__(self, workers: InboxWorkers, grace: float) -> None:
        self.workers = workers
        self.task = asyncio.create_task(workers.run(grace))

    async def stop(self) -> None:
        """Cancel and wait until the workers have stopped."""
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


@pytest.fixture
async def start() -> AsyncIterator[Callable[..., Running]]:
    """Start workers; every one started is stopped after the test."""
    started: list[Running] = []

    def run(inbox: Inbox, handle: Handler, grace: float = 1.0, **options: float) -> Running:
        running = Running(InboxWorkers(inbox, handle, **options), grace)  # type: ignore[arg-type]
        started.append(running)
        return running

    yield run
    for running in started:
        await running.stop()


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait until `condition()` holds (fails the test after WAIT_S)."""
    async with asyncio.timeout(WAIT_S):
        while not condition():  # noqa: ASYNC110 - the handlers under test set no event to wait on
            await asyncio.sleep(0.01)


async def test_one_chat_in_order_while_others_run_across_two_workers(
    shared: Callable[[str], Inbox], start: Callable[..., Running]
) -> None:
    handled: list[tuple[int, str]] = []
    release = asyncio.Event()

    async def handle(event: Event) -> None:
        if text(event) == "a1":
            await release.wait()
        handled.append((event.chat.id, text(event)))
        if text(event) == "b1":
            release.set()

    await shared("w1").put([(1, message(1, 7, "a1")), (2, message(2, 7, "a2")), (3, message(3, 8, "b1"))])
    start(shared("w1"), handle)
    start(shared("w2"), handle)
    await eventually(lambda: len(handled) == 3)
    assert handled == [(8, "b1"), (7, "a1"), (7, "a2")]


async def test_each_event_runs_in_its_updates_effect_scope(
    shared: Callable[[str], Inbox], start: Callable[..., Running]
) -> None:
    scopes: list[str] = []

    async def handle(event: Event) -> None:
        scope = current_scope()
        assert scope is not None
        scopes.append(scope.name)

    await shared("w1").put([(31, message(31, 7)), (32, message(32, 8))])
    start(shared("w1"), handle)
    await eventually(lambda: len(scopes) == 2)
    assert sorted(scopes) == ["u31", "u32"]


async def test_a_failing_event_is_logged_and_the_chat_goes_on(
    shared: Callable[[str], Inbox], start: Callable[..., Running], caplog: pytest.LogCaptureFixture
) -> None:
    handled: list[str] = []

    async def handle(event: Event) -> None:
        handled.append(text(event))
        if text(event) == "quebra":
            raise RuntimeError("a bug")

    await shared("w1").put([(41, message(41, 7, "quebra")), (42, message(42, 7, "depois"))])
    with caplog.at_level(logging.ERROR, logger="bot.runtime"):
        start(shared("w1"), handle)
        await eventually(lambda: handled == ["quebra", "depois"])
    assert any("update 41 failed" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_with_redis_away_the_event_is_handled_again_not_dropped(
    shared: Callable[[str], Inbox], start: Callable[..., Running]
) -> None:
    attempts: list[str] = []

    async def handle(event: Event) -> None:
        attempts.append(text(event))
        if len(attempts) == 1:
            raise RedisConnectionError("Connection refused")

    await shared("w1").put([(51, message(51, 7, "sem sinal")), (52, message(52, 7, "ainda"))])
    start(shared("w1"), handle)
    await eventually(lambda: len(attempts) == 3)
    assert attempts == ["sem sinal", "sem sinal", "ainda"]


async def test_no_more_than_the_running_limit_of_subscribers_at_once(
    shared: Callable[[str], Inbox], start: Callable[..., Running]
) -> None:
    inside = 0
    most = 0
    done: list[int] = []

    async def handle(event: Event) -> None:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.05)
        inside -= 1
        done.append(event.chat.id)

    await shared("w1").put([(100 + chat, message(100 + chat, chat)) for chat in range(1, 13)])
    start(shared("w1"), handle, running=3, turn=30.0)
    await eventually(lambda: len(done) == 12)
    assert most == 3


async def test_a_handler_outlasting_its_turn_lets_the_next_chat_run(
    shared: Callable[[str], Inbox], start: Callable[..., Running]
) -> None:
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(event: Event) -> None:
        if event.chat.id == 7:
            await release.wait()
        handled.append(event.chat.id)
        release.set()

    await shared("w1").put([(61, message(61, 7)), (62, message(62, 8))])
    start(shared("w1"), handle, running=1, turn=0.1)
    await eventually(lambda: handled == [8, 7])


async def test_group_messages_never_wait_for_a_subscribers_turn(
    shared: Callable[[str], Inbox], start: Callable[..., Running]
) -> None:
    stuck = asyncio.Event()
    handled: list[int] = []

    async def handle(event: Event) -> None:
        if event.chat.id == 7:
            await stuck.wait()
        handled.append(event.chat.id)

    await shared("w1").put([(71, message(71, 7)), (72, message(72, 8)), (73, message(73, GROUP))])
    start(shared("w1"), handle, running=1, turn=30.0)
    await eventually(lambda: handled == [GROUP])
    stuck.set()
    await eventually(lambda: sorted(handled) == sorted([GROUP, 7, 8]))


async def test_stopping_hands_unfinished_events_to_another_worker(
    shared: Callable[[str], Inbox], start: Callable[..., Running]
) -> None:
    first_run: list[str] = []
    second_run: list[str] = []

    async def slow(event: Event) -> None:
        first_run.append(text(event))
        if text(event) == "longo":
            await asyncio.sleep(60)

    async def quick(event: Event) -> None:
        second_run.append(text(event))

    await shared("w1").put([(81, message(81, 7, "rápido")), (82, message(82, 8, "longo"))])
    stopping = start(shared("w1"), slow, grace=0.2)
    await eventually(lambda: sorted(first_run) == ["longo", "rápido"])
    await stopping.stop()

    start(shared("w2"), quick)
    await eventually(lambda: second_run == ["longo"])
    await asyncio.sleep(0.2)
    assert second_run == ["longo"]  # the finished one is not handled again
