"""Benchmark of the SLA tick and the managers' summary on a real Redis.

Measures, on one process:
- tick_ms_100k: one SLA tick (the atomic tick script plus the messages it causes: here a digest,
  since 1,000 pings exceed what the group may receive) with 100,000 open tickets, 1,000 of them due;
- summary_ms_100k: one summary (figures, text and chart) over a period in which 100,000 tickets
  were created, a third of them answered and a fifth resolved and rated.

With --quick the desk has 10,000 tickets (1,000 due) instead: the JSON keys keep their names and
the line before the JSON says how many tickets the figures are for. Redis: REDIS_URL (or
--redis-url) when given, else the embedded server in a temp dir; keys live in a private namespace
deleted afterwards. The last line printed is one JSON object.
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

from bench.support import bench_redis, delete_namespace
from bot.redis_connection import make_client
from escalation.backlog_snapshots import snapshots
from escalation.clock import ManualClock
from escalation.desk_state import DeskState
from escalation.domain import Impact, Intent, Tier
from escalation.policy import load_policy
from escalation.priority import assess
from escalation.report import build_report
from escalation.report_text import backlog_chart, render_text
from escalation.store import TicketStore
from escalation.ticket import Customer
from faq.triage import Triage
from handlers.callbacks import CallbackCodec
from handlers.context import DeskConfig, HandlerContext
from handlers.dispatcher import Dispatcher
from handlers.events import Keyboard, Outgoing

CONCURRENCY = 64
DUE = 1_000
TIMEZONE = "America/Sao_Paulo"
START = 1_767_798_000.0  # a Wednesday, 12:00 in São Paulo


class QueueingSender:
    """Stands in for the outbox: records what a tick asks to send (the outbox only queues it too)."""

    def __init__(self) -> None:
        self.sent: list[Outgoing] = []

    async def send(self, message: Outgoing) -> int:
        self.sent.append(message)
        return len(self.sent)

    async def edit(
        self, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None = None, priority: int = 3
    ) -> None:
        return None

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        return None

    async def member_status(self, chat_id: int, user_id: int) -> str:
        return "member"


async def run_parallel(count: int, work) -> None:  # type: ignore[no-untyped-def]
    """work(i) for i in range(count) on CONCURRENCY tasks."""
    counter = iter(range(count))

    async def worker() -> None:
        for i in counter:
            await work(i)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


async def bench(redis_url: str, tickets: int, runs: int) -> dict[str, float]:
    """Seed the desk, then time the tick and the summary."""
    client = make_client(redis_url)
    namespace = f"bench-sla-{uuid.uuid4().hex[:8]}"
    policy = load_policy()
    clock = ManualClock(START)
    store = TicketStore.build(client, namespace, policy, TIMEZONE, clock)
    state = DeskState(client, store.keys)
    sender = QueueingSender()
    ctx = HandlerContext(
        config=DeskConfig(
            agents_chat_id=-100,
            agent_ids=frozenset({1, 2}),
            supervisor_ids=frozenset({3}),
            manager_chat_ids=frozenset({4}),
            agents_language="en",
            timezone=TIMEZONE,
        ),
        policy=policy,
        store=store,
        state=state,
        triage=Triage.load(None, policy),
        directory=None,
        sender=sender,
        codec=CallbackCodec(b"bench"),
        clock=clock,
    )
    watch = Dispatcher(ctx).sla_watch
    try:
        started = time.perf_counter()
        created: dict[int, tuple[int, int]] = {}

        async def create(i: int) -> None:
            due_soon = i < DUE
            tier = Tier.PREMIUM if due_soon else Tier.BASIC
            intent = Intent.OUTAGE if due_soon else Intent.HUMAN
            impact = Impact.TOTAL if due_soon else None
            who = Customer(500_000 + i, f"Cliente {i}", "pt", f"S{i}", tier)
            submission = await store.submit(
                who, "nenhum canal funciona", assess(policy, intent, impact, tier), intent, impact
            )
            created[i] = (submission.ticket.number, who.telegram_id)

        await run_parallel(tickets, create)
        print(
            f"seeded {tickets:,} open tickets ({DUE:,} P1 about to be due) "
            f"in {time.perf_counter() - started:.1f} s"
        )

        assert await watch.tick() == []  # a running desk has ticked before: the tick script is loaded
        clock.advance(8 * 60)  # past 50% of the P1 first-response target: the P1s are due
        started = time.perf_counter()
        events = await watch.tick()
        tick_ms = (time.perf_counter() - started) * 1000
        assert len(events) == DUE, len(events)
        assert len(sender.sent) == 1 and "tickets need attention" in sender.sent[0].text
        open_now = await store.queue_length() + await client.zcard(store.keys.claimed)
        print(
            f"SLA tick with {open_now:,} open tickets, {len(events):,} due: {tick_ms:.1f} ms "
            f"({len(sender.sent)} digest message)"
        )

        async def answer(i: int) -> None:
            number, customer = created[DUE + i]
            if i % 3 == 0:
                await store.reply(number, 1 + i % 2, "estamos verificando")
            if i % 5 == 0:
                await store.resolve(number, 1 + i % 2)
                await store.rate(number, customer, 1 + i % 5)

        await run_parallel(tickets - DUE, answer)
        print("then answered a third of the others, resolved and rated a fifth")

        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            report = await build_report(store, state, START - 3600, clock.now())
            render_text(report, "en", TIMEZONE)
            backlog_chart(report, await snapshots(store, START - 3600, clock.now()), "en", TIMEZONE)
            timings.append((time.perf_counter() - started) * 1000)
        summary_ms = statistics.median(timings)
        assert report.created == tickets, report.created
        print(
            f"summary over {report.created:,} tickets created in the period: median {summary_ms:.0f} ms "
            f"(min {min(timings):.0f}, max {max(timings):.0f}) over {runs} runs"
        )
    finally:
        await watch.drain()
        await delete_namespace(client, namespace)
        await client.aclose()
    return {"tickets": tickets, "tick_ms_100k": round(tick_ms, 2), "summary_ms_100k": round(summary_ms, 1)}


def main() -> int:
    """Parse arguments, pick a Redis, run, print the JSON line last."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10,000 tickets instead of 100,000")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"), help="default: embedded Redis")
    args = parser.parse_args()
    tickets, runs = (10_000, 3) if args.quick else (100_000, 5)
    with bench_redis(args.redis_url, Path(tempfile.mkdtemp(prefix="bench-redis-"))) as url:
        figures = asyncio.run(bench(url, tickets, runs))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
