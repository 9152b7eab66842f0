"""One way to get the desk's Redis client: `REDIS_URL`, or the embedded server under `DATA_DIR`.

The client retries with backoff on connection errors and timeouts, so a Redis blip (a restart,
a Sentinel failover) delays a transition instead of losing it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.config import Settings
from bot.embedded_redis import EmbeddedRedis

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
    """Yield a connected client; start (and finally stop) the embedded server when no URL is set."""
    embedded: EmbeddedRedis | None = None
    if settings.redis_url:
        url = settings.redis_url
    else:
        embedded = EmbeddedRedis(settings.data_dir / "redis").start()
        url = embedded.url
    client = make_client(url)
    try:
        await client.ping()
        yield client
    finally:
        await client.aclose()
        if embedded is not None:
            embedded.stop()
