"""Shared fixtures: a real Redis server (embedded, or REDIS_URL) and a private namespace per test.

Tests never flush a database: each test gets its own key namespace and deletes exactly the keys
under it afterwards, so the suite is safe against a shared Redis such as the one on 127.0.0.1.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from redis.asyncio import Redis

from bot.embedded_redis import EmbeddedRedis
from bot.redis_connection import make_client
from escalation.clock import ManualClock
from escalation.policy import Policy, load_policy
from escalation.store import TicketStore

TIMEZONE = "America/Sao_Paulo"

# Tests check behaviour, not timings: hypothesis's per-example deadline turned a loaded machine's
# slow example into a failure (a 259 ms example of a priority property on a busy CI core).
settings.register_profile("desk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("desk")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """REDIS_URL when set, else a session-wide embedded server in a temp dir."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def namespace() -> str:
    """A namespace no other test (or desk) uses."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def redis(redis_url: str, namespace: str) -> AsyncIterator[Redis]:
    """A client; afterwards every key of this test's namespace (and only those) is deleted."""
    client = make_client(redis_url)
    try:
        yield client
    finally:
        async for key in client.scan_iter(match=f"{namespace}:*", count=1000):
            await client.delete(key)
        await client.aclose()


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The packaged default policy."""
    return load_policy()


@pytest.fixture
def clock() -> ManualClock:
    """A clock tests move by hand: Wednesday 2026-01-07 12:00 in São Paulo (business hours)."""
    return ManualClock(1_767_798_000.0)


@pytest.fixture
def store(redis: Redis, namespace: str, policy: Policy, clock: ManualClock) -> TicketStore:
    """A ticket store on the test's namespace and manual clock."""
    return TicketStore.build(redis, namespace, policy, TIMEZONE, clock)


@pytest.fixture
def repo_root() -> Path:
    """The repository root (for data files such as the shared corpus)."""
    return Path(__file__).resolve().parents[1]
