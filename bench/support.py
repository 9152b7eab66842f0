"""What the benches share: a Redis to measure against, and leaving it as they found it."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from bot.embedded_redis import EmbeddedRedis


@contextmanager
def bench_redis(url: str | None, data_dir: Path) -> Iterator[str]:
    """`url` when given (REDIS_URL), else an embedded server in `data_dir`, stopped afterwards.

    Prints which one, since the figures depend on it (a unix socket is faster than TCP).
    """
    if url:
        print(f"Redis: {url}")
        yield url
        return
    embedded = EmbeddedRedis(data_dir).start()
    print("Redis: embedded (unix socket)")
    try:
        yield embedded.url
    finally:
        embedded.stop()


async def delete_namespace(client: Redis, namespace: str) -> None:
    """Delete the bench's own keys (never a flush: the server may be shared)."""
    keys = [key async for key in client.scan_iter(match=f"{namespace}:*", count=5000)]
    for start in range(0, len(keys), 1000):
        await client.delete(*keys[start : start + 1000])


BotBench = Callable[[argparse.Namespace, str, Path], Awaitable[dict[str, Any]]]


def run_in_workdir(prefix: str, bench: BotBench, args: argparse.Namespace) -> dict[str, Any]:
    """`bench(args, redis_url, workdir)` in a fresh temp dir, with `bench_redis` inside it.

    The dir (the bot's log and data) is deleted after a run that completes and kept, with a line
    saying where, after one that fails: that log is what explains the failure.
    """
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        with bench_redis(args.redis_url, workdir / "redis") as url:
            figures = asyncio.run(bench(args, url, workdir))
    except BaseException:
        print(f"the bot's log and data are kept in {workdir}", file=sys.stderr)
        raise
    shutil.rmtree(workdir, ignore_errors=True)
    return figures
