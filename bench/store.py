"""Benchmark of the ticket store on a real Redis.

Measures, on one process:
- create_per_s: customer messages that open a ticket (priority, deadlines, Lua transition), from
  concurrent tasks;
- claim_per_s: agents claiming those tickets;
- sla_scan_ms_100k: finding and taking the due entries (1,000 due) among 100,000 in the SLA
  index, with the production tick script (entries without a ticket, so no step is acted on:
  bench/sla.py measures the full tick), median of several runs;
- redis_bytes_per_ticket: Redis `used_memory` growth per open ticket (hash, log, indexes, audit).

Redis: --cluster-nodes (or REDIS_CLUSTER_NODES) for a Redis Cluster, else REDIS_URL (or --redis-url),
else the embedded server in a temp dir. Keys live in a private namespace that is deleted
afterwards. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from redis.asyncio.cluster import RedisCluster

from bench.support import bench_redis, delete_namespace
from bot.config import Settings
from bot.redis_connection import RedisClient, make_client, make_cluster_client
from escalation.clock import ManualClock
from escalation.domain import Impact, Intent, Tier
from escalation.policy import load_policy
from escalation.priority import assess
from escalation.store import TicketStore
from escalation.ticket import Customer

CONCURRENCY = 64
SLA_INDEX_SIZE = 100_000
SLA_DUE = 1_000


async def run_parallel(count: int, work) -> float:  # type: ignore[no-untyped-def]
    """Run work(i) for i in range(count) on CONCURRENCY tasks; return operations per second."""
    counter = iter(range(count))

    async def worker() -> None:
        for i in counter:
            await work(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return count / (time.perf_counter() - started)


async def used_memory(client: RedisClient) -> int:
    """Redis's `used_memory`, summed over the primaries of a Cluster."""
    if isinstance(client, RedisCluster):
        total = 0
        for node in client.get_primaries():
            total += int((await client.info("memory", target_nodes=node))["used_memory"])
        return total
    return int((await client.info("memory"))["used_memory"])


async def bench(client: RedisClient, tickets: int, scans: int) -> dict[str, float]:
    """Run every measurement on a fresh namespace and return the figures."""
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    policy = load_policy()
    clock = ManualClock(1_767_798_000.0)
    store = TicketStore.build(client, namespace, policy, "America/Sao_Paulo", clock)
    tiers = [Tier.BASIC, Tier.STANDARD, Tier.PREMIUM, None]
    try:
        await client.ping()
        memory_before = await used_memory(client)

        async def create(i: int) -> None:
            tier = tiers[i % 4]
            who = Customer(100_000 + i, f"Cliente {i}", "pt", f"S{i}" if tier else None, tier)
            assessment = assess(policy, Intent.OUTAGE, Impact.TOTAL, tier)
            await store.submit(
                who, "nenhum canal funciona desde ontem à noite", assessment, Intent.OUTAGE, Impact.TOTAL
            )

        create_per_s = await run_parallel(tickets, create)
        memory_after = await used_memory(client)
        bytes_per_ticket = (memory_after - memory_before) / tickets
        print(
            f"created {tickets} tickets: {create_per_s:,.0f}/s, {bytes_per_ticket:,.0f} bytes of Redis each"
        )

        async def claim(i: int) -> None:
            await store.claim(i + 1, 9000 + i % 20)

        claim_per_s = await run_parallel(tickets, claim)
        print(f"claimed {tickets} tickets: {claim_per_s:,.0f}/s")

        sla_key = store.keys.sla
        await client.delete(sla_key)
        now = clock.now()
        for start in range(0, SLA_INDEX_SIZE, 10_000):
            batch = {f"idx{n}": now + 60 + n for n in range(start, start + 10_000)}
            await client.zadd(sla_key, batch)
        size = await client.zcard(sla_key)
        timings = []
        for _ in range(scans):
            await client.zadd(sla_key, {f"idx{n}": now - n for n in range(SLA_DUE)})
            started = time.perf_counter()
            taken = await store.sla_tick(now, limit=SLA_DUE * 2)
            timings.append((time.perf_counter() - started) * 1000)
            assert taken == [] and await client.zcard(sla_key) == size - SLA_DUE
        scan_ms = statistics.median(timings)
        print(
            f"SLA tick over {size:,} indexed tickets taking {SLA_DUE} due: median {scan_ms:.2f} ms "
            f"(min {min(timings):.2f}, max {max(timings):.2f}) over {scans} runs"
        )
    finally:
        await delete_namespace(client, namespace)
        await client.aclose()
    return {
        "create_per_s": round(create_per_s),
        "claim_per_s": round(claim_per_s),
        "sla_scan_ms_100k": round(scan_ms, 3),
        "redis_bytes_per_ticket": round(bytes_per_ticket),
    }


def main() -> int:
    """Parse arguments, pick a Redis, run, print the JSON line last."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a run of a few seconds")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"), help="default: embedded Redis")
    parser.add_argument(
        "--cluster-nodes",
        default=os.environ.get("REDIS_CLUSTER_NODES"),
        help="comma-separated host:port seed nodes of a Redis Cluster (instead of a URL)",
    )
    args = parser.parse_args()
    tickets, scans = (5_000, 5) if args.quick else (30_000, 21)
    if args.cluster_nodes:
        settings = Settings(_env_file=None, redis_url=None, redis_cluster_nodes=args.cluster_nodes)  # type: ignore[call-arg]
        print(f"Redis Cluster via {args.cluster_nodes}")
        figures = asyncio.run(bench(make_cluster_client(settings), tickets, scans))
    else:
        with bench_redis(args.redis_url, Path(tempfile.mkdtemp(prefix="bench-redis-"))) as url:
            figures = asyncio.run(bench(make_client(url), tickets, scans))
    print(json.dumps({**figures, "redis": "cluster" if args.cluster_nodes else "single"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
