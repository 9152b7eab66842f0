"""One way to get the desk's Redis client: `REDIS_URL`, Sentinel, Cluster, or the embedded server.

The client retries with backoff on connection errors and timeouts, so a Redis blip (a restart,
a Sentinel failover, a Cluster slot moving) delays a transition instead of losing it. With
Sentinel the client asks the sentinels for the primary on every new connection, so after a
failover the retries land on the promoted replica.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from pydantic import SecretStr
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import MasterNotFoundError, Sentinel, SentinelConnectionPool
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import AuthenticationError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.config import Settings, SettingsError
from bot.embedded_redis import EmbeddedRedis, EmbeddedRedisError
from bot.redaction import without_password
from bot.redis_pool import WaitingConnectionPool

log = logging.getLogger(__name__)


MAX_CONNECTIONS = 64
RedisClient = Redis | RedisCluster


def _retry() -> Retry:
    return Retry(ExponentialBackoff(cap=2.0, base=0.05), retries=6)


def make_client(url: str) -> Redis:
    """A decoded-responses asyncio client with retries on connection trouble.

    The pool is bounded: a burst of hundreds of concurrent chats waits a moment for one of
    `MAX_CONNECTIONS` connections instead of opening a socket each.
    """
    pool = WaitingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=30,
        decode_responses=True,
        health_check_interval=30,
        retry=_retry(),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    return Redis.from_pool(pool)


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


class WaitingSentinelConnectionPool(SentinelConnectionPool, WaitingConnectionPool):
    """redis-py's Sentinel pool, waiting for a free connection as `make_client`'s pool does.

    redis-py's own Sentinel pool raises "Too many connections" past its bound instead of waiting.
    """


def make_sentinel_client(settings: Settings) -> Redis:
    """A client of the primary the sentinels name for `REDIS_SENTINEL_SERVICE`, following failovers."""
    tls = {"ssl": True} if settings.redis_tls else {}
    sentinel = Sentinel(
        [_address(address) for address in settings.redis_sentinels],
        # No retries on a sentinel of its own: discovery asks the next sentinel, and the primary's
        # connection retries the whole discovery. redis-py's default (3 retries, backoff up to 10 s,
        # per sentinel) made a wrong sentinel password take minutes to report.
        sentinel_kwargs={
            "password": _secret(settings.redis_sentinel_password),
            "socket_timeout": 5,
            "retry": Retry(NoBackoff(), 0),
            **tls,
        },
        password=_secret(settings.redis_password),
        decode_responses=True,
        health_check_interval=30,
        retry=_retry(),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        **tls,
    )
    return sentinel.master_for(
        settings.redis_sentinel_service,
        connection_pool_class=WaitingSentinelConnectionPool,
        max_connections=MAX_CONNECTIONS,
        timeout=30,
    )


def make_cluster_client(settings: Settings) -> RedisCluster:
    """A Cluster client seeded with `REDIS_CLUSTER_NODES`; it learns the slot map from them.

    Every key of a desk carries one hash tag, so each script and transaction lands on one node.
    Ping it once before concurrent use (`open_redis` does): commands racing redis-py's first
    discovery of the slot map were sent to the wrong nodes, and its recovery from that closed
    connections under other commands, which then ran twice. Its pools cannot wait for a free
    connection (past `max_connections` a command fails), so they are left unbounded, as by default.
    """
    return RedisCluster(
        startup_nodes=[ClusterNode(*_address(address)) for address in settings.redis_cluster_nodes],
        password=_secret(settings.redis_password),
        ssl=settings.redis_tls,
        decode_responses=True,
        health_check_interval=30,
        retry=_retry(),
    )


def connect(settings: Settings) -> RedisClient:
    """The client the settings name (URL, sentinels or cluster nodes); None of them is an error here."""
    if settings.redis_sentinels:
        return make_sentinel_client(settings)
    if settings.redis_cluster_nodes:
        return make_cluster_client(settings)
    if settings.redis_url:
        return make_client(settings.redis_url)
    raise ValueError("no Redis configured: the embedded server is started by open_redis")


def describe(settings: Settings) -> str:
    """Where the desk's Redis is, for operators (never a password)."""
    if settings.redis_sentinels:
        return f"sentinel service {settings.redis_sentinel_service} via {','.join(settings.redis_sentinels)}"
    if settings.redis_cluster_nodes:
        return f"cluster via {','.join(settings.redis_cluster_nodes)}"
    if settings.redis_url:
        return without_password(settings.redis_url)
    return f"embedded, data in {settings.data_dir / 'redis'}"


@asynccontextmanager
async def open_redis(settings: Settings) -> AsyncIterator[RedisClient]:
    """Yield a connected client; start (and finally stop) the embedded server when none is set.

    A Redis that cannot be used (a malformed URL, refused credentials, a database the server does
    not have, nobody listening, an unwritable `DATA_DIR`) is a `SettingsError` naming the setting.
    """
    embedded: EmbeddedRedis | None = None
    if settings.redis_sentinels or settings.redis_cluster_nodes:
        client = connect(settings)
    elif settings.redis_url:
        try:
            client = make_client(settings.redis_url)
        except ValueError as exc:
            raise SettingsError(
                f"REDIS_URL: {exc}; write it as redis://[:password@]host:6379/0, rediss://... or unix:///path"
            ) from None
    else:
        embedded = _start_embedded(settings.data_dir / "redis")
        client = make_client(embedded.url)
    try:
        await _ping(client, settings)
        yield client
    finally:
        await client.aclose()
        if embedded is not None:
            embedded.stop()


def _start_embedded(data_dir: Path) -> EmbeddedRedis:
    """The embedded server, or one line on what is wrong with DATA_DIR."""
    try:
        return EmbeddedRedis(data_dir).start()
    except (OSError, EmbeddedRedisError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SettingsError(
            f"DATA_DIR: cannot keep the embedded Redis in {data_dir} ({reason}); "
            "set DATA_DIR to a writable directory, or REDIS_URL to a Redis server"
        ) from None


async def _ping(client: RedisClient, settings: Settings) -> None:
    """The first round trip, with each way it can fail told as what to change in the Redis settings."""
    named = (
        ("REDIS_SENTINELS", settings.redis_sentinels),
        ("REDIS_CLUSTER_NODES", settings.redis_cluster_nodes),
        ("REDIS_URL", settings.redis_url),
    )
    setting = next((name for name, value in named if value), "DATA_DIR")
    where = describe(settings) if setting != "DATA_DIR" else "the embedded Redis"
    password = (
        "REDIS_URL" if setting == "REDIS_URL" else "REDIS_PASSWORD (the sentinels': REDIS_SENTINEL_PASSWORD)"
    )
    try:
        await client.ping()
    except MasterNotFoundError as exc:
        if "AuthenticationError" in str(exc):
            raise SettingsError(
                f"REDIS_SENTINEL_PASSWORD: the sentinels ({where}) refused the credentials; "
                "put the sentinels' own password in REDIS_SENTINEL_PASSWORD"
            ) from None
        raise SettingsError(
            f"{setting}: no sentinel answered with a primary for {settings.redis_sentinel_service} "
            f"({where}); start the sentinels or correct REDIS_SENTINELS and REDIS_SENTINEL_SERVICE"
        ) from None
    except AuthenticationError as exc:
        raise SettingsError(
            f"{setting}: {where} refused the credentials ({exc}); put the right password in {password}"
        ) from None
    except (RedisConnectionError, RedisTimeoutError) as exc:
        raise SettingsError(
            f"{setting}: cannot reach {where} ({exc}); start Redis there or correct the host and port"
        ) from None
    except ResponseError as exc:
        if "DB index" in str(exc):
            raise SettingsError(
                f"{setting}: {where} has no such database ({exc}); use a database number the server "
                "has (0-15 unless its `databases` setting says more)"
            ) from None
        raise SettingsError(f"{setting}: {where} refused the connection ({exc})") from None
