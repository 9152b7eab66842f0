"""A 429 storm: the sandbox enforces (scaled-down) Telegram limits, the bot's outbox is set looser
on purpose, so Telegram answers 429 often; the outbox must obey retry_after and lose nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.sandbox.ratelimit import RateLimits
from tests.e2e.conftest import AGENTS_CHAT, FAST, Desk, open_harness, user

SUBSCRIBERS = 20
SANDBOX_LIMITS = RateLimits(
    overall_per_second=20,
    overall_burst=4,
    group_per_minute=600,
    group_burst=3,
    private_per_second=2,
    private_burst=1,
)


@pytest.fixture
async def stormy_desk(
    redis: Redis, redis_url: str, namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    """Sandbox limits on and tight; the outbox deliberately looser, so 429s happen."""
    async for harness in open_harness(
        redis_url,
        namespace,
        runtime_kind,
        tmp_path,
        sandbox_limits=True,
        outbox_limits=FAST,
        limits=SANDBOX_LIMITS,
    ):
        yield harness


async def test_429_storm_loses_and_duplicates_nothing(stormy_desk: Desk) -> None:
    desk = stormy_desk
    people = [user(7000 + i, f"Cliente {i}") for i in range(SUBSCRIBERS)]
    await asyncio.gather(*(desk.say(person, "nenhum canal funciona, caiu tudo") for person in people))

    for person in people:
        await desk.expect(person["id"], "Abri o chamado", within=60)
    for number in range(1, SUBSCRIBERS + 1):
        await desk.card(number, within=60)

    stats = await desk.api.stats()
    assert stats["throttled_429"] > 0, "the storm should have provoked 429s"
    for person in people:
        acks = [m for m in await desk.bot_messages(person["id"]) if "Abri o chamado" in m.get("text", "")]
        assert len(acks) == 1
    cards = [m for m in await desk.bot_messages(AGENTS_CHAT) if "reply_markup" in m]
    assert sorted(int(m["text"].split("#", 1)[1].split()[0].rstrip("<")) for m in cards) == list(
        range(1, SUBSCRIBERS + 1)
    )
