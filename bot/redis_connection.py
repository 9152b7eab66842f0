"""One way to get the desk's Redis client: `REDIS_URL`, or the embedded server under `DATA_DIR`.

The client retries with backoff on connection errors and timeouts, so a Redis blip (a restart,
a Sentinel failover) delays a transition instead of losing it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import AuthenticationError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.config import Settings, SettingsError
from bot.embedded_redis import EmbeddedRedis, EmbeddedRedisError
from bot.redaction import without_password

log = logging.getLogger(__name__)


MAX_CONNECTIONS = 64


def make_client(url: str) -> Redis:
    """A decoded-responses asyncio client with retries on connection trouble.

    The pool is bounded: a burst of hundreds of concurrent chats waits a moment for one of
    `MAX_CONNECTIONS` connections instead of opening a socket each.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=30,
        decode_responses=True,
        health_check_interval=30,
        retry=Retry(ExponentialBackoff(cap=2.0, base=0.05), retries=6),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
    return Redis.from_pool(pool)


@asynccontextmanager
async def open_redis(settings: Settings) -> AsyncIterator[Redis]:
    """Yield a connected client; start (and finally stop) the embedded server when no URL is set.

    A Redis that cannot be used (a malformed URL, refused credentials, a database the server does
    not have, nobody listening, an unwritable `DATA_DIR`) is a `SettingsError` naming the setting.
    """
    embedded: EmbeddedRedis | None = None
    if settings.redis_url:
        url = settings.redis_url
    else:
        embedded = _start_embedded(settings.data_dir / "redis")
        url = embedded.url
    try:
        client = make_client(url)
    except ValueError as exc:
        raise SettingsError(
            f"REDIS_URL: {exc}; write it as redis://[:password@]host:6379/0, rediss://... or unix:///path"
        ) from None
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


async def _ping(client: Redis, settings: Settings) -> None:
    """The first round trip, with each way it can fail told as what to change in REDIS_URL (or DATA_DIR)."""
    setting = "REDIS_URL" if settings.redis_url else "DATA_DIR"
    where = without_password(settings.redis_url) if settings.redis_url else "the embedded Redis"
    try:
        await client.ping()
    except AuthenticationError as exc:
        raise SettingsError(
            f"{setting}: {where} refused the credentials ({exc}); put the right password in REDIS_URL"
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
