"""Storm benchmark: an outage, and thousands of subscribers reporting it within a minute.

The real bot (`supportbot run`, its outbox pacing Telegram's real limits: 30 messages/s overall,
20/min per group, about 1/s per chat) runs as its own process against the sandbox in this process,
with the sandbox enforcing the same limits (429 with `retry_after` beyond them). N distinct
subscribers (5,000; `--quick` 500) each send one outage report, spread evenly over 60 s (`--quick`
6 s). The desk must handle it as one incident: every subscriber acknowledged exactly once, every
ticket linked, one card in the agents' group edited in place.

Figures (last line, one JSON object):
- subscribers, acked, lost (never acknowledged), duplicates (acknowledged more than once)
- ack_p50_s, ack_p99_s: a subscriber's report stored by the sandbox -> the bot's acknowledgement
  stored in their chat
- all_acked_s: the first report -> the last acknowledgement; the target is 1.2 x the time the
  30 msg/s limit makes necessary (subscribers / 30)
- group_msgs_per_min_max: the most messages the bot sent to the agents' group within any 60 s
  (card edits are counted apart, in group_edits: Telegram does not rate-limit edits the same way)
- throttled_429: 429 answers the sandbox gave the bot
- linked: tickets linked to an incident; incidents: how many opened; card_affected: the count
  the incident card shows once caught up (waiting up to 45 s for its throttled edit)

Both timestamps of an acknowledgement come from a hook on the in-process sandbox's
`World.add_message`, on one monotonic clock. Redis: REDIS_URL (or --redis-url), else an embedded
server in a temp dir; the bot's namespace is deleted afterwards (SCAN, never FLUSH).

    python bench/storm.py [--quick] [--runtime aiogram|ptb] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import re
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis.asyncio import Redis  # noqa: E402
from redis.exceptions import RedisError  # noqa: E402

from bench.e2e import (  # noqa: E402
    AGENT_IDS,
    AGENTS_CHAT,
    TOKEN,
    BotProcess,
    bot_environment,
    percentile,
    start_bot_process,
    subscriber,
)
from bench.support import delete_namespace, run_in_workdir  # noqa: E402
from bot.redis_connection import make_client  # noqa: E402
from bot.sandbox.client import SandboxClient  # noqa: E402
from bot.sandbox.server import Sandbox  # noqa: E402
from bot.sandbox.state import Chat, User, World  # noqa: E402
from escalation.keys import Keys  # noqa: E402

FIRST_ID = 70_000_000
READY_ID = 69_999_999
REPORT = "nenhum canal funciona, caiu tudo"
ACK_MARKS = ("Abri o chamado", "Já sabemos de um problema")
TELEGRAM_RATE = 30.0
TARGET_FACTOR = 1.2
READY_TIMEOUT_S = 60.0
CARD_PATIENCE_S = 45.0
_AFFECTED = re.compile(r"(?:Afetados|Affected|Afectados): (\d+)")


class StormClock:
    """Per subscriber: when their report was stored and every acknowledgement they got; group sends."""

    def __init__(self, world: World) -> None:
        self.reported: dict[int, float] = {}
        self.acks: dict[int, list[float]] = {}
        self.replied: set[int] = set()
        self.group_sends: list[float] = []
        self._acked = asyncio.Event()
        original = world.add_message

        def add_message(chat: Chat, sender: User, content: dict[str, Any], **options: Any) -> dict[str, Any]:
            message = original(chat, sender, content, **options)
            self._saw(chat.id, chat.type, sender.is_bot, str(content.get("text", "")))
            return message

        world.add_message = add_message  # type: ignore[method-assign]

    def _saw(self, chat_id: int, kind: str, from_bot: bool, text: str) -> None:
        now = time.perf_counter()
        if kind != "private":
            if from_bot and chat_id == AGENTS_CHAT:
                self.group_sends.append(now)
            return
        if not from_bot:
            self.reported.setdefault(chat_id, now)
            return
        self.replied.add(chat_id)
        if any(mark in text for mark in ACK_MARKS):
            self.acks.setdefault(chat_id, []).append(now)
            self._acked.set()

    async def wait_acks(self, ids: list[int], patience: float) -> None:
        """Until every subscriber has an acknowledgement, or `patience` seconds."""
        deadline = time.perf_counter() + patience
        while any(i not in self.acks for i in ids):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return
            self._acked.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._acked.wait(), timeout=min(remaining, 1.0))

    def busiest_group_minute(self) -> int:
        """The most group sends within any 60 s window."""
        sends, best, start = sorted(self.group_sends), 0, 0
        for end, at in enumerate(sends):
            while at - sends[start] > 60.0:
                start += 1
            best = max(best, end - start + 1)
        return best


async def wait_ready(bot_process: BotProcess, api: SandboxClient, clock: StormClock) -> None:
    """Send /start until the bot answers (it is polling)."""
    started = time.perf_counter()
    await api.send_message(subscriber(READY_ID, "pt"), "/start")
    while READY_ID not in clock.replied:
        if not bot_process.alive():
            tail = bot_process.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the bot exited with {bot_process.process.returncode}:\n{tail}")
        if time.perf_counter() - started > READY_TIMEOUT_S:
            raise RuntimeError(f"the bot did not answer /start within {READY_TIMEOUT_S:.0f}s")
        await asyncio.sleep(0.1)


async def storm(api: SandboxClient, ids: list[int], span: float) -> float:
    """Every subscriber sends one report, on an even schedule over `span` seconds; returns the start."""
    interval = span / len(ids)
    start = time.perf_counter() + 0.05
    tasks: list[asyncio.Task[Any]] = []
    for index, user_id in enumerate(ids):
        delay = start + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(api.send_message(subscriber(user_id, "pt"), REPORT)))
    await asyncio.gather(*tasks)
    return start


async def card_affected(api: SandboxClient, count: int, patience: float) -> int:
    """The affected count the incident card shows once it caught up (it is edited every 30 s)."""
    deadline = time.perf_counter() + patience
    shown = 0
    while True:
        for message in await api.messages(AGENTS_CHAT):
            found = _AFFECTED.search(message.get("text", ""))
            if found:
                shown = max(shown, int(found.group(1)))
        if shown >= count or time.perf_counter() > deadline:
            return shown
        await asyncio.sleep(1.0)


async def linked_tickets(redis: Redis, keys: Keys) -> tuple[int, int, int]:
    """(tickets, tickets linked to an incident, incidents opened), read from Redis."""
    newest = int(await redis.get(keys.seq) or 0)
    async with redis.pipeline(transaction=False) as pipe:
        for number in range(1, newest + 1):
            pipe.hget(keys.ticket(number), "incident")
        incidents = await pipe.execute()
    opened = int(await redis.zcard(keys.incidents))
    return newest, sum(1 for incident in incidents if incident), opened


def write_directory(path: Path, ids: list[int]) -> Path:
    """The storm's subscribers as the directory knows them: reports of accounts it does not know
    open no incident on their own (`incidents.min_known`), and a real outage is reported by
    subscribers."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subscriber_id", "name", "phone", "telegram_id", "plan", "region", "status"])
        for uid in ids:
            writer.writerow([f"S{uid}", f"Subscriber {uid}", "", uid, "basico", "", "active"])
    return path


async def bench(args: argparse.Namespace, redis_url: str, workdir: Path) -> dict[str, Any]:
    """Sandbox (real limits) in this process, the bot in a child process; one storm."""
    count, span = (500, 6.0) if args.quick else (5000, 60.0)
    namespace = f"storm-{uuid.uuid4().hex[:8]}"
    sandbox = Sandbox(token=TOKEN, limits_enabled=True)
    await sandbox.start("127.0.0.1", 0)
    clock = StormClock(sandbox.core.world)
    api = SandboxClient(sandbox.base_url)
    redis = make_client(redis_url)
    bot_process: BotProcess | None = None
    try:
        members = [
            {"user": {"id": uid, "first_name": f"Agent {uid}"}, "status": "member"} for uid in AGENT_IDS
        ]
        await api.create_chat(AGENTS_CHAT, title="Agents on call", members=members)
        ids = [FIRST_ID + i for i in range(count)]
        env = bot_environment(sandbox.base_url, redis_url, namespace, workdir / "data")
        env["CUSTOMERS_FILE"] = str(write_directory(workdir / "customers.csv", ids))
        bot_process = start_bot_process(args.runtime, "telegram", env, workdir)
        await wait_ready(bot_process, api, clock)
        sandbox.core.stats.reset()
        needed = count / TELEGRAM_RATE
        print(
            f"storm: {count} subscribers over {span:.0f}s; Telegram's 30 msg/s makes {needed:.0f}s "
            f"necessary (target {TARGET_FACTOR * needed:.0f}s)"
        )
        started = await storm(api, ids, span)
        await clock.wait_acks(ids, TARGET_FACTOR * needed + args.patience)
        shown = await card_affected(api, count, CARD_PATIENCE_S)
        stats = sandbox.core.stats.as_json()
        calls = stats["calls"]
        tickets, linked, incidents = await linked_tickets(redis, Keys(namespace))
        await bot_process.stop()
        problems = bot_process.log_problems()
        if problems:
            print(f"bot log: {len(problems)} warnings/errors; first ones:")
            for line in problems[:5]:
                print(f"  {line[:300]}")
    finally:
        if bot_process is not None and bot_process.alive():
            await bot_process.stop()
        await api.close()
        await sandbox.stop()
        with contextlib.suppress(RedisError, OSError):
            await delete_namespace(redis, namespace)
        await redis.aclose()
    per_subscriber = Counter({i: len(clock.acks.get(i, [])) for i in ids})
    latencies = sorted(clock.acks[i][0] - clock.reported[i] for i in ids if i in clock.acks)
    last_ack = max((clock.acks[i][0] for i in ids if i in clock.acks), default=started)
    print(
        f"tickets {tickets}, linked {linked}, incidents {incidents}; Bot API calls: "
        f"{dict(sorted(calls.items()))}"
    )
    return {
        "subscribers": count,
        "acked": sum(1 for n in per_subscriber.values() if n >= 1),
        "lost": sum(1 for n in per_subscriber.values() if n == 0),
        "duplicates": sum(1 for n in per_subscriber.values() if n > 1),
        "linked": linked,
        "incidents": incidents,
        "all_acked_s": round(last_ack - started, 1),
        "target_s": round(TARGET_FACTOR * count / TELEGRAM_RATE, 1),
        "group_edits": int(calls.get("editMessageText", 0)),
        "card_affected": shown,
        "ack_p50_s": round(percentile(latencies, 0.50), 2) if latencies else None,
        "ack_p99_s": round(percentile(latencies, 0.99), 2) if latencies else None,
        "group_msgs_per_min_max": clock.busiest_group_minute(),
        "throttled_429": int(stats["throttled_429"]),
    }


def main() -> int:
    """Parse arguments, pick a Redis, run, print the JSON line last."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="500 subscribers over 6 s")
    parser.add_argument("--runtime", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"), help="default: embedded Redis")
    parser.add_argument(
        "--patience", type=float, default=60.0, help="seconds to wait for acks past the target"
    )
    args = parser.parse_args()
    print("sandbox in this process, Telegram's limits on; the bot's outbox paces them too")
    figures = run_in_workdir("bench-storm-", bench, args)
    print(json.dumps(figures))
    failed = figures["lost"] or figures["duplicates"] or figures["group_msgs_per_min_max"] > 20
    return 1 if failed or figures["all_acked_s"] > figures["target_s"] else 0


if __name__ == "__main__":
    sys.exit(main())
