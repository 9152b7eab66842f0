"""Runtime tests: a fresh Bot API sandbox per test, and each runtime (aiogram, PTB) against it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from bot.durable.inbox import Inbox as DurableInbox
from bot.durable.intake import Intake
from bot.redis_connection import RedisClient
from bot.runtime import Runtime, RuntimeKind, build_runtime
from escalation.keys import Keys
from handlers.events import Event
from sandbox.client import SandboxClient
from sandbox.server import Sandbox

WAIT_S = 10.0


class Inbox:
    """A recording event handler; `fail` makes it raise on chosen events, as a buggy handler would."""

    def __init__(self, fail: Callable[[Event], bool] | None = None) -> None:
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._fail = fail

    async def __call__(self, event: Event) -> None:
        """Record the event (then raise, if asked to)."""
        await self._events.put(event)
        if self._fail is not None and self._fail(event):
            raise RuntimeError(f"handler failed on update {event.update_id}")

    async def next(self) -> Event:
        """The next event handed to the handler (fails the test if none comes)."""
        return await asyncio.wait_for(self._events.get(), WAIT_S)

    def empty(self) -> bool:
        """Whether every recorded event has been taken."""
        return self._events.empty()


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox with flood limits off (the rate-limit test starts its own)."""
    async with Sandbox(limits_enabled=False) as server:
        yield server


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[SandboxClient]:
    """The sandbox's control API."""
    async with SandboxClient(sandbox.base_url) as control:
        yield control


@pytest.fixture(params=["aiogram", "ptb"])
def kind(request: pytest.FixtureRequest) -> RuntimeKind:
    """Every runtime test runs once per framework."""
    value: RuntimeKind = request.param
    return value


@pytest.fixture
async def runtime(kind: RuntimeKind, sandbox: Sandbox) -> AsyncIterator[Runtime]:
    """The runtime under test, pointed at the sandbox."""
    built = build_runtime(kind, sandbox.token, sandbox.base_url)
    yield built
    await built.close()


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel an intake's run_* task and check it ended by that cancel, not by an error of its own."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.fixture
def intake(runtime: Runtime, redis: RedisClient, namespace: str) -> Intake:
    """The desk's intake on the runtime under test, its inbox on the test's Redis namespace."""
    return Intake(runtime, DurableInbox(redis, Keys(namespace), worker="test-worker"), grace=1.0)


@pytest.fixture
async def inbox(intake: Intake) -> AsyncIterator[Inbox]:
    """Events received by the runtime polling the sandbox, through the desk's intake."""
    events = Inbox()
    polling = asyncio.create_task(intake.run_polling(events))
    yield events
    await stop(polling)


async def bot_api(sandbox: Sandbox, method: str, data: aiohttp.FormData | None = None, **params: Any) -> Any:
    """Call the sandbox's Bot API directly, for set-up the Messenger port does not offer."""
    url = f"{sandbox.base_url}/bot{sandbox.token}/{method}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=data, json=params or None) as response,
    ):
        body = await response.json()
    assert body["ok"], body
    return body["result"]


def free_port() -> int:
    """A TCP port nobody listens on right now (for the webhook server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
