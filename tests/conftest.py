"""Shared fixtures: a real Redis server (embedded, or REDIS_URL) and a private namespace per test.

Tests never flush a database: each test gets its own key namespace and deletes exactly the keys
under it afterwards, so the suite is safe against a shared Redis such as the one on 127.0.0.1.

Tests marked `cluster` run twice: on that server and on a real three-primary Redis Cluster
(Debian's redis-server, started once per session), through the `redis_config` fixture.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from bot.config import Settings
from bot.embedded_redis import EmbeddedRedis
from bot.redis_connection import RedisClient, connect
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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked `cluster` that uses Redis runs on the single server and on the Cluster."""
    if "redis_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("cluster"):
        metafunc.parametrize("redis_backend", ["single", "cluster"], indirect=True, scope="session")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A Cluster run of a test that talks to `redis_url` would test the single server twice: fail it."""
    callspec = getattr(item, "callspec", None)
    on_cluster = callspec is not None and callspec.params.get("redis_backend") == "cluster"
    if on_cluster and "redis_url" in getattr(item, "fixturenames", ()):
        pytest.fail("marked `cluster` but takes `redis_url`: take `redis_config` (settings fields) instead")


@pytest.fixture(scope="session")
def redis_backend(request: pytest.FixtureRequest) -> str:
    """`single` (the embedded server or REDIS_URL), or `cluster` for tests marked so."""
    return str(getattr(request, "param", "single"))


@pytest.fixture(scope="session")
def redis_cluster_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """A real three-primary Redis Cluster for the session; its seed nodes as `host:port`."""
    from tests.redis_servers import redis_cluster

    with redis_cluster(tmp_path_factory.mktemp("cluster")) as nodes:
        yield [node.address for node in nodes]


@pytest.fixture(scope="session")
def redis_config(redis_backend: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The settings fields that name the test's Redis (pass them to `Settings`)."""
    if redis_backend == "cluster":
        return {"redis_url": None, "redis_cluster_nodes": request.getfixturevalue("redis_cluster_nodes")}
    return {"redis_url": request.getfixturevalue("redis_url")}


@pytest.fixture
def namespace() -> str:
    """A namespace no other test (or desk) uses."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def redis(redis_config: dict[str, Any], namespace: str) -> AsyncIterator[RedisClient]:
    """A client; afterwards every key of this test's namespace (and only those) is deleted."""
    client = connect(Settings(_env_file=None, **redis_config))  # type: ignore[call-arg]
    # As `open_redis` does: a Cluster client must learn the slot map before concurrent use.
    await client.ping()
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
def store(redis: RedisClient, namespace: str, policy: Policy, clock: ManualClock) -> TicketStore:
    """A ticket store on the test's namespace and manual clock."""
    return TicketStore.build(redis, namespace, policy, TIMEZONE, clock)


@pytest.fixture
def repo_root() -> Path:
    """The repository root (for data files such as the shared corpus)."""
    return Path(__file__).resolve().parents[1]
