"""Storm benchmark: an outage, and thousands of subscribers reporting it within a minute.

The real bot (`supportbot run`, pacing Telegram's real limits: 30 messages/s overall, 20/min per
group, about 1/s per chat) runs as its own processes against the sandbox in this process, with the
sandbox enforcing the same limits (429 with `retry_after` beyond them): `--workers N` of them
(default 1) on one Redis and one token, in polling mode or (`--webhook`) behind a round-robin HTTP
balancer (tests/bot/workers.py). N distinct subscribers (5,000; `--quick` 500) each send one outage
report, spread evenly over 60 s (`--quick` 6 s). The desk must handle it as one incident: every
subscriber acknowledged exactly once, every ticket linked, one card in the agents' group edited in
place. `--kill` SIGKILLs one worker (as `kill -9`, the OOM killer) once 40% of the reports are in,
and starts it again: nothing may be lost, and only sends in flight at the kill may go out twice.

Figures (last line, one JSON object):
- workers, mode, killed (workers SIGKILLed and restarted)
- subscribers, acked, lost (never acknowledged), duplicates (messages a subscriber got a second time)
- ack_p50_s, ack_p99_s: a subscriber's report stored by the sandbox -> the bot's acknowledgement
  stored in their chat
- all_acked_s: the first report -> the last acknowledgement (null when some were never acknowledged);
  the target is 1.2 x the time the 30 msg/s limit makes necessary (subscribers / 30)
- group_msgs_per_min_max: the most messages the bot sent to the agents' group within any 60 s
  (card edits are counted apart, in group_edits: Telegram does not rate-limit edits the same way)
- throttled_429: 429 answers the sandbox gave the bot
- linked: tickets linked to an incident; incidents: how many opened; card_affected: the count
  the incident card shows once caught up (waiting up to 45 s for its throttled edit)

Both timestamps of an acknowledgement come from a hook on the in-process sandbox's
`World.add_message` (tests/bot/workers.py `Tally`), on one monotonic clock. Redis: REDIS_URL (or
--redis-url), else an embedded
server in a temp dir; the bot's namespace is deleted afterwards (SCAN, never FLUSH).

    python bench/storm.py [--quick] [--workers N] [--webhook] [--kill] [--runtime aiogram|ptb]
                          [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis.asyncio import Redis  # noqa: E402
from redis.exceptions import RedisError  # noqa: E402

from bench.e2e import percentile  # noqa: E402
from bench.support import delete_namespace, run_in_workdir  # noqa: E402
from bot.redis_connection import make_client  # noqa: E402
from escalation.keys import Keys  # noqa: E402
from sandbox.client import SandboxClient  # noqa: E402
from sandbox.server import Sandbox  # noqa: E402
from tests.bot.workers import (  # noqa: E402
    AGENTS_CHAT,
    SENDS_IN_FLIGHT,
    TOKEN,
    Fleet,
    Tally,
    create_agents_chat,
    storm,
    subscriber,
    worker_environment,
    write_directory,
)

FIRST_ID = 70_000_000
READY_ID = 69_999_999
TELEGRAM_RATE = 30.0
TARGET_FACTOR = 1.2
READY_TIMEOUT_S = 60.0
CARD_PATIENCE_S = 45.0
KILL_AT = 0.4
_AFFECTED = re.compile(r"(?:Afetados|Affected|Afectados): (\d+)")


async def wait_ready(fleet: Fleet, api: SandboxClient, tally: Tally) -> None:
    """Send /start until the fleet answers: updates flow end to end."""
    await api.send_message(subscriber(READY_ID), "/start")
    if not await tally.wait(lambda: tally.replied(READY_ID), READY_TIMEOUT_S):
        raise RuntimeError(f"the bot did not answer /start within {READY_TIMEOUT_S:.0f}s: {fleet.describe()}")


async def kill_one(fleet: Fleet, tally: Tally, ids: list[int]) -> int:
    """Once KILL_AT of the reports are in, SIGKILL the first worker and start it again; 1 (killed)."""
    await tally.wait(lambda: len(tally.reported) > KILL_AT * len(ids), 3600)  # (+ the /start)
    worker = fleet.workers[0]
    worker.kill()
    print(f"{worker.name} killed with SIGKILL at {tally.acked(ids)} acknowledged")
    worker.start()
    await worker.wait_started()
    return 1


async def no_kill() -> int:
    """The storm alone: 0 killed."""
    return 0


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


async def bench(args: argparse.Namespace, redis_url: str, workdir: Path) -> dict[str, Any]:
    """Sandbox (real limits) in this process, the workers as child processes; one storm."""
    count, span = (500, 6.0) if args.quick else (5000, 60.0)
    namespace = f"storm-{uuid.uuid4().hex[:8]}"
    sandbox = Sandbox(token=TOKEN, limits_enabled=True)
    await sandbox.start("127.0.0.1", 0)
    tally = Tally.watch(sandbox.core.world)
    api = SandboxClient(sandbox.base_url)
    redis = make_client(redis_url)
    ids = [FIRST_ID + i for i in range(count)]
    directory = write_directory(workdir / "customers.csv", ids)
    env = worker_environment(sandbox.base_url, redis_url, namespace, workdir, directory)
    fleet = Fleet(
        {**env, "RUNTIME": args.runtime}, workdir, args.workers, "webhook" if args.webhook else "polling"
    )
    try:
        await create_agents_chat(api)
        await fleet.start()
        await wait_ready(fleet, api, tally)
        sandbox.core.stats.reset()
        needed = count / TELEGRAM_RATE
        print(
            f"storm: {count} subscribers over {span:.0f}s, {args.workers} worker(s) {fleet.mode}; Telegram's "
            f"30 msg/s makes {needed:.0f}s necessary (target {TARGET_FACTOR * needed:.0f}s)"
        )
        disruption = kill_one(fleet, tally, ids) if args.kill else no_kill()
        reports, killed = await asyncio.gather(storm(api, ids, span), disruption)
        started = reports.start
        await tally.wait_acks(ids, TARGET_FACTOR * needed + args.patience)
        shown = await card_affected(api, count, CARD_PATIENCE_S)
        stats = sandbox.core.stats.as_json()
        calls = stats["calls"]
        tickets, linked, incidents = await linked_tickets(redis, Keys(namespace))
        stopped = await fleet.stop()
        print(f"workers stopped after SIGTERM in {', '.join(f'{s:.1f}s' for s in stopped.values())}")
        problems = fleet.problems()
        if problems:
            print(f"bot logs: {len(problems)} warnings/errors; first ones:")
            for line in problems[:5]:
                print(f"  {line[:300]}")
    finally:
        await fleet.stop()
        await api.close()
        await sandbox.stop()
        with contextlib.suppress(RedisError, OSError):
            await delete_namespace(redis, namespace)
        await redis.aclose()
    first_acks = {i: tally.acks(i)[0] for i in ids if tally.acks(i)}
    latencies = sorted(first_acks[i] - tally.reported[i] for i in first_acks)
    last_ack = max(first_acks.values(), default=started)
    print(
        f"tickets {tickets}, linked {linked}, incidents {incidents}; Bot API calls: "
        f"{dict(sorted(calls.items()))}"
    )
    return {
        "workers": args.workers,
        "mode": fleet.mode,
        "killed": killed,
        "subscribers": count,
        "acked": len(first_acks),
        "lost": count - len(first_acks),
        "duplicates": sum(tally.duplicates(ids).values()),
        "linked": linked,
        "incidents": incidents,
        "all_acked_s": round(last_ack - started, 1) if len(first_acks) == count else None,
        "target_s": round(TARGET_FACTOR * count / TELEGRAM_RATE, 1),
        "group_edits": int(calls.get("editMessageText", 0)),
        "card_affected": shown,
        "ack_p50_s": round(percentile(latencies, 0.50), 2) if latencies else None,
        "ack_p99_s": round(percentile(latencies, 0.99), 2) if latencies else None,
        "group_msgs_per_min_max": tally.busiest_group_minute(),
        "throttled_429": int(stats["throttled_429"]),
    }


def main() -> int:
    """Parse arguments, pick a Redis, run, print the JSON line last."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="500 subscribers over 6 s")
    parser.add_argument("--workers", type=int, default=1, help="`supportbot run` processes on one Redis")
    parser.add_argument("--webhook", action="store_true", help="webhook mode behind a round-robin balancer")
    parser.add_argument("--kill", action="store_true", help="SIGKILL one worker at 40%% of the reports")
    parser.add_argument("--runtime", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"), help="default: embedded Redis")
    parser.add_argument(
        "--patience", type=float, default=60.0, help="seconds to wait for acks past the target"
    )
    args = parser.parse_args()
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    print("sandbox in this process, Telegram's limits on; the workers pace them too")
    figures = run_in_workdir("bench-storm-", bench, args)
    print(json.dumps(figures))
    if figures["lost"] or figures["group_msgs_per_min_max"] > 20:
        return 1
    # Only a kill may send something twice, and only what was in flight (the outbox's senders).
    failed = figures["duplicates"] > (SENDS_IN_FLIGHT if figures["killed"] else 0)
    return 1 if failed or figures["all_acked_s"] > figures["target_s"] else 0


if __name__ == "__main__":
    sys.exit(main())
