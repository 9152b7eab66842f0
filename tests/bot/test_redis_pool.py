"""The desk's bounded Redis pool: commands past its connections wait their turn instead of failing."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.redis_pool import WaitingConnectionPool


def _client(url: str, name: str, timeout: float) -> Redis:
    pool = WaitingConnectionPool.from_url(
        url, max_connections=2, timeout=timeout, decode_responses=True, client_name=name
    )
    return Redis.from_pool(pool)


async def _server_connections(client: Redis, name: str) -> int:
    return sum(1 for entry in await client.client_list() if entry["name"] == name)


async def test_commands_past_the_bound_wait_and_are_answered_in_turn(redis_url: str, namespace: str) -> None:
    name = f"pool-{uuid.uuid4().hex[:8]}"
    client = _client(redis_url, name, timeout=30)
    observer = Redis.from_url(redis_url, decode_responses=True)
    key = f"{namespace}:list"
    try:
        # Both connections block on an empty list; the pushes wait for them instead of failing.
        blocked = [asyncio.create_task(client.blpop([f"{key}:empty"], timeout=0.5)) for _ in range(2)]
        await asyncio.sleep(0.1)
        pushes = [asyncio.create_task(client.rpush(key, f"v{i}")) for i in range(6)]
        assert await asyncio.gather(*blocked) == [None, None]
        assert await asyncio.gather(*pushes) == [1, 2, 3, 4, 5, 6]  # in arrival order
        assert await _server_connections(observer, name) == 2
    finally:
        await client.aclose()
        await observer.aclose()


async def test_a_command_waits_at_most_the_timeout(redis_url: str, namespace: str) -> None:
    client = _client(redis_url, f"pool-{uuid.uuid4().hex[:8]}", timeout=0.2)
    key = f"{namespace}:never"
    try:
        blocked = [asyncio.create_task(client.blpop([key], timeout=2)) for _ in range(2)]
        await asyncio.sleep(0.1)
        with pytest.raises(RedisConnectionError, match="No connection available"):
            await client.get(key)
        assert await asyncio.gather(*blocked) == [None, None]
        assert await client.get(key) is None  # the line is free again once they are answered
    finally:
        await client.aclose()


def _no_retry_client(url: str, name: str) -> Redis:
    """One connection, no retries: a command sent on a dead or dirty connection would fail or be
    answered wrongly, so only the checkout's own check can make these tests pass."""
    pool = WaitingConnectionPool.from_url(
        url, max_connections=1, decode_responses=True, client_name=name, retry=Retry(NoBackoff(), 0)
    )
    return Redis.from_pool(pool)


async def test_a_connection_the_server_closed_is_replaced_at_checkout(redis_url: str, namespace: str) -> None:
    name = f"pool-{uuid.uuid4().hex[:8]}"
    client = _no_retry_client(redis_url, name)
    observer = Redis.from_url(redis_url, decode_responses=True)
    try:
        await client.set(f"{namespace}:k", "v")
        (entry,) = [entry for entry in await observer.client_list() if entry["name"] == name]
        await observer.execute_command("CLIENT", "KILL", "ID", entry["id"])
        await asyncio.sleep(0.05)  # the end of stream reaches the idle connection
        assert await client.get(f"{namespace}:k") == "v"
    finally:
        await client.aclose()
        await observer.aclose()


async def test_a_reply_left_unread_is_not_taken_for_the_next_commands(redis_url: str, namespace: str) -> None:
    client = _no_retry_client(redis_url, f"pool-{uuid.uuid4().hex[:8]}")
    try:
        await client.set(f"{namespace}:k", "v")
        connection = await client.connection_pool.get_connection()
        await connection.send_command("PING")  # its PONG is never read
        await client.connection_pool.release(connection)
        await asyncio.sleep(0.05)
        assert await client.get(f"{namespace}:k") == "v"
    finally:
        await client.aclose()
