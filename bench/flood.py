"""Flood benchmark: one customer sends hundreds of messages in under a second; nobody else may wait.

The real bot (`supportbot run`, its outbox pacing Telegram's limits: 30 messages/s overall, 20/min
per group, about 1/s per chat) runs as its own process against the sandbox in this process, with
the sandbox enforcing the same limits (429 with `retry_after` beyond them). A basic subscriber
opens a ticket, then sends 300 follow-ups in 0.4 s (`--quick`: 100). Half a second into the flood
a premium subscriber reports an outage and an agent types `/queue`. All the while an SLA probe
(a due entry put in the SLA index every 2 s, with `SLA_TICK_SECONDS=1`) measures how late the
scheduler's tick takes it.

Figures (last line, one JSON object):
- flood, flood_sent_s: messages sent and how long sending them took
- other_card_s, other_ack_s: the premium subscriber's report -> their card in the agents' group,
  and -> the acknowledgement in their chat
- command_s: the agent's `/queue` -> its answer in the group
- sla_tick_lag_max_s, sla_probes: the latest an SLA tick took a due probe (1 s is on time)
- flooder_group_messages: messages (not edits) the bot posted to the group about the flooder
  while the flood lasted (before coalescing: one per message, 300)
- relay_caught_up_s: flood start -> the flooder's relay message shows the last of the flood
- flooder_priority: the flooder's ticket priority afterwards (the flood is one contact: P2)
- throttled_429: 429 answers the sandbox gave the bot

Timestamps come from a hook on the in-process sandbox's `World.add_message` (new messages) and
the control API's long poll (edits), on one monotonic clock. The machine is shared and noisy:
compare figures taken together. Redis: REDIS_URL (or --redis-url), else an embedded server in a
temp dir; the bot's namespace is deleted afterwards (SCAN, never FLUSH).

    python bench/flood.py [--quick] [--runtime aiogram|ptb] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis.asyncio import Redis  # noqa: E402
from redis.exceptions import RedisError  # noqa: E402

from bench.e2e import AGENT_IDS, AGENTS_CHAT, TOKEN, BotProcess, bot_environment, start_bot_process  # noqa: E402
from bench.support import delete_namespace, run_in_workdir  # noqa: E402
from bot.redis_connection import make_client  # noqa: E402
from escalation.keys import Keys  # noqa: E402
from sandbox.client import SandboxClient  # noqa: E402
from sandbox.entities import Chat, User  # noqa: E402
from sandbox.server import Sandbox  # noqa: E402
from sandbox.state import World  # noqa: E402

FLOODER, OTHER, READY = 1002, 1001, 69_999_999
AGENT = AGENT_IDS[0]
READY_TIMEOUT_S = 60.0
PATIENCE_S = 120.0
PROBE_EVERY_S = 2.0
SLA_PROBE = 999_999_999


class Recorder:
    """Every new message the sandbox stores: (when, chat, from the bot, text)."""

    def __init__(self, world: World) -> None:
        self.messages: list[tuple[float, int, bool, str]] = []
        self._changed = asyncio.Event()
        original = world.add_message

        def add_message(chat: Chat, sender: User, content: dict[str, Any], **options: Any) -> dict[str, Any]:
            message = original(chat, sender, content, **options)
            self.messages.append((time.perf_counter(), chat.id, sender.is_bot, str(content.get("text", ""))))
            self._changed.set()
            return message

        world.add_message = add_message  # type: ignore[method-assign]

    async def first(self, chat_id: int, needle: str, since: float, patience: float = PATIENCE_S) -> float:
        """When the bot first stored a message containing `needle` in the chat after `since`."""
        deadline = time.perf_counter() + patience
        while True:
            for at, chat, from_bot, text in self.messages:
                if at >= since and chat == chat_id and from_bot and needle in text:
                    return at
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no {needle!r} in chat {chat_id} within {patience:.0f}s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 1.0))

    def count(self, chat_id: int, needle: str, since: float, until: float) -> int:
        return sum(
            1
            for at, chat, from_bot, text in self.messages
            if since <= at <= until and chat == chat_id and from_bot and needle in text
        )


def person(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "first_name": name, "language_code": "pt"}


async def wait_ready(bot_process: BotProcess, api: SandboxClient, recorder: Recorder) -> None:
    """Send /start until the bot answers (it is polling)."""
    started = time.perf_counter()
    await api.send_message(person(READY, "Pronto"), "/start")
    while not any(chat == READY and from_bot for _, chat, from_bot, _ in recorder.messages):
        if not bot_process.alive():
            tail = bot_process.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the bot exited with {bot_process.process.returncode}:\n{tail}")
        if time.perf_counter() - started > READY_TIMEOUT_S:
            raise RuntimeError(f"the bot did not answer /start within {READY_TIMEOUT_S:.0f}s")
        await asyncio.sleep(0.1)


async def probe_sla_ticks(redis: Redis, keys: Keys, lags: list[float], stop: asyncio.Event) -> None:
    """Put a due entry (no such ticket: the tick just takes it) in the SLA index; time its removal."""
    while not stop.is_set():
        await redis.zadd(keys.sla, {str(SLA_PROBE): time.time()})
        put = time.perf_counter()
        while await redis.zscore(keys.sla, str(SLA_PROBE)) is not None:  # noqa: ASYNC110 - polling Redis
            await asyncio.sleep(0.02)
        lags.append(time.perf_counter() - put)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=PROBE_EVERY_S)


async def flood(api: SandboxClient, count: int, span: float) -> float:
    """The flooder's `count` messages on an even schedule over `span` seconds; returns the start."""
    interval = span / count
    start = time.perf_counter()
    tasks = []
    for index in range(count):
        delay = start + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(
            asyncio.create_task(api.send_message(person(FLOODER, "João"), f"alô?? mensagem {index}"))
        )
    await asyncio.gather(*tasks)
    return start


async def bench(args: argparse.Namespace, redis_url: str, workdir: Path) -> dict[str, Any]:
    """Sandbox (real limits) in this process, the bot in a child process; one flood."""
    count, span = (100, 0.4) if args.quick else (300, 0.4)
    namespace = f"flood-{uuid.uuid4().hex[:8]}"
    keys = Keys(namespace)
    sandbox = Sandbox(token=TOKEN, limits_enabled=True)
    await sandbox.start("127.0.0.1", 0)
    recorder = Recorder(sandbox.core.world)
    api = SandboxClient(sandbox.base_url)
    redis = make_client(redis_url)
    bot_process: BotProcess | None = None
    stop_probe = asyncio.Event()
    lags: list[float] = []
    try:
        members = [
            {"user": {"id": uid, "first_name": f"Agent {uid}"}, "status": "member"} for uid in AGENT_IDS
        ]
        await api.create_chat(AGENTS_CHAT, title="Agents on call", members=members)
        env = bot_environment(sandbox.base_url, redis_url, namespace, workdir / "data")
        env["SLA_TICK_SECONDS"] = "1"
        bot_process = start_bot_process(args.runtime, "telegram", env, workdir)
        await wait_ready(bot_process, api, recorder)
        opened = time.perf_counter()
        await api.send_message(person(FLOODER, "João"), "nenhum canal funciona")
        await recorder.first(AGENTS_CHAT, "#1", opened)
        sandbox.core.stats.reset()
        probe = asyncio.create_task(probe_sla_ticks(redis, keys, lags, stop_probe))

        flooding = asyncio.create_task(flood(api, count, span))
        await asyncio.sleep(0.5)
        other_at = time.perf_counter()
        await api.send_message(person(OTHER, "Carla"), "nenhum canal funciona, caiu tudo")
        command_at = time.perf_counter()
        await api.send_message(
            {"id": AGENT, "first_name": "Ana"},
            "/queue",
            chat={"id": AGENTS_CHAT, "type": "supergroup", "title": "Agents on call"},
        )
        started = await flooding
        sent = time.perf_counter() - started
        print(f"flood: {count} messages sent in {sent:.2f}s")
        card_s = await recorder.first(AGENTS_CHAT, "#2", other_at) - other_at
        ack_s = await recorder.first(OTHER, "#2", other_at) - other_at
        command_s = await recorder.first(AGENTS_CHAT, "Fila (", command_at) - command_at
        last = f"mensagem {count - 1}"
        await api.wait_for(
            AGENTS_CHAT,
            lambda m: last in m.get("text", "") and f"+{count - 1}" in m.get("text", ""),
            PATIENCE_S,
        )
        caught_up = time.perf_counter() - started
        stop_probe.set()
        await probe
        ticket = await redis.hgetall(keys.ticket(1))
        flooder_messages = recorder.count(AGENTS_CHAT, "💬 #1", started, time.perf_counter())
        stats = sandbox.core.stats.as_json()
        await bot_process.stop()
        problems = bot_process.log_problems()
        if problems:
            print(f"bot log: {len(problems)} warnings/errors; first ones:")
            for line in problems[:5]:
                print(f"  {line[:300]}")
    finally:
        stop_probe.set()
        if bot_process is not None and bot_process.alive():
            await bot_process.stop()
        await api.close()
        await sandbox.stop()
        with contextlib.suppress(RedisError, OSError):
            await delete_namespace(redis, namespace)
        await redis.aclose()
    print(f"Bot API calls: {dict(sorted(stats['calls'].items()))}")
    return {
        "flood": count,
        "flood_sent_s": round(sent, 2),
        "other_card_s": round(card_s, 2),
        "other_ack_s": round(ack_s, 2),
        "command_s": round(command_s, 2),
        "sla_tick_lag_max_s": round(max(lags), 2) if lags else None,
        "sla_probes": len(lags),
        "flooder_group_messages": flooder_messages,
        "relay_caught_up_s": round(caught_up, 1),
        "flooder_priority": ticket.get("priority"),
        "throttled_429": int(stats["throttled_429"]),
    }


def main() -> int:
    """Parse arguments, pick a Redis, run, print the JSON line last."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="100 messages instead of 300")
    parser.add_argument("--runtime", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"), help="default: embedded Redis")
    args = parser.parse_args()
    print("sandbox in this process, Telegram's limits on; the bot's outbox paces them too")
    figures = run_in_workdir("bench-flood-", bench, args)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
