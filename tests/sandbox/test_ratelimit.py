"""Flood limits: token buckets per chat and overall, 429 with retry_after, runtime switch, stats."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from sandbox import RateLimits, Sandbox, SandboxClient
from sandbox.ratelimit import RateLimiter
from tests.sandbox.conftest import ANA, BRUNO, GROUP, TOKEN, BotApi


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_private_chat_allows_a_burst_then_one_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(private_per_second=1.0, private_burst=3), clock=clock)
    assert [limiter.acquire(1, "private") for _ in range(3)] == [None, None, None]
    assert limiter.acquire(1, "private") == 1
    assert limiter.acquire(2, "private") is None  # another chat has its own bucket
    clock.now += 1.0
    assert limiter.acquire(1, "private") is None
    assert limiter.acquire(1, "private") == 1


def test_group_chat_is_limited_per_minute_with_whole_seconds_to_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(group_per_minute=20, group_burst=20), clock=clock)
    assert all(limiter.acquire(-5, "supergroup") is None for _ in range(20))
    assert limiter.acquire(-5, "supergroup") == 3  # one token every 3 s
    clock.now += 3.0
    assert limiter.acquire(-5, "supergroup") is None


def test_overall_limit_spans_chats_and_a_refusal_consumes_nothing() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(overall_per_second=30, overall_burst=30), clock=clock)
    assert all(limiter.acquire(chat, "private") is None for chat in range(30))
    assert limiter.acquire(99, "private") == 1
    clock.now += 1 / 30
    assert limiter.acquire(99, "private") is None


def test_disabled_limiter_never_refuses() -> None:
    limiter = RateLimiter(RateLimits(private_burst=1, private_per_second=0.001), enabled=False)
    assert all(limiter.acquire(1, "private") is None for _ in range(50))


@pytest.fixture
async def strict() -> AsyncIterator[Sandbox]:
    """Limits scaled down so a handful of sends hit them (and refill too slowly to matter)."""
    limits = RateLimits(
        private_per_second=0.01,
        private_burst=2,
        group_per_minute=0.6,
        group_burst=3,
        overall_per_second=0.01,
        overall_burst=100,
    )
    async with Sandbox(token=TOKEN, limits=limits) as server:
        yield server


async def test_429_with_retry_after_then_off_at_runtime_and_counted(strict: Sandbox) -> None:
    async with SandboxClient(strict.base_url) as client, aiohttp.ClientSession() as http:
        api = BotApi(http, strict)
        await client.send_message(ANA, "oi")
        await api.ok("sendMessage", chat_id=ANA["id"], text="1")
        await api.ok("sendMessage", chat_id=ANA["id"], text="2")
        status, body = await api.raw("sendMessage", chat_id=ANA["id"], text="3")
        assert status == 429
        retry_after = body["parameters"]["retry_after"]
        assert isinstance(retry_after, int) and retry_after >= 1
        assert body == {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        }

        await client.send_message(
            BRUNO, "grupo", chat={"id": GROUP, "type": "supergroup", "title": "Agentes"}
        )
        for text in ("a", "b", "c"):
            await api.ok("sendMessage", chat_id=GROUP, text=text)
        assert (await api.raw("sendMessage", chat_id=GROUP, text="d"))[0] == 429
        await api.ok("editMessageText", chat_id=GROUP, message_id=2, text="edits are not limited")

        assert (await client.set_limits(False))["enabled"] is False
        for text in ("4", "5", "6"):
            await api.ok("sendMessage", chat_id=ANA["id"], text=text)
        stats = await client.stats()
        assert stats["throttled_429"] == 2
        assert stats["calls"]["sendMessage"] == 10

        assert (await client.set_limits(True))["enabled"] is True
        assert (await api.raw("sendMessage", chat_id=ANA["id"], text="7"))[0] == 429
        await client.reset_stats()
        assert await client.stats() == {"calls": {}, "throttled_429": 0}
