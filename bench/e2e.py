"""End-to-end benchmark: the real bot, as its own process, polling the sandbox, driven by subscribers.

The whole path is measured: the sandbox queues the update, the bot's framework (aiogram by default,
`--runtime ptb`) long-polls it over HTTP, the desk triages it on Redis and the outbox sends the reply
back over HTTP. Measures:
- msgs_per_s: N subscribers each send one message, as fast as the control API takes them (64 in
  flight); N / (first send -> the sandbox storing the bot's reply to the last of them). A message
  counts as handled once the bot's reply is in its chat. The sandbox's flood limits are off.
- reply_p50_ms, reply_p99_ms: open loop at 100 messages/s (one every 10 ms, each from a fresh
  subscriber): the sandbox storing the subscriber's message -> the sandbox storing the bot's first
  reply in that chat.
- rss_mb: the bot process's peak resident memory, sampled every 100 ms from start to stop.

Both timestamps of a reply come from a hook on the in-process sandbox's `World.add_message`, on one
monotonic clock: no polling round trip is added to the figures and no HTTP is spent waiting.

Subscribers are distinct users with one message each: the outbox paces about one message a second
per private chat by design, so one fast subscriber would measure that pacing, not the bot. The mix
is mostly pt-BR (some en and es): 70% FAQ questions answered at once, 30% outage reports that open a
ticket and post its card to the agents' group before the subscriber is answered.

The bot process. `--outbox unpaced` (default) runs it exactly as `supportbot run` does except that
the outbox's own Telegram pacing (30 messages/s overall, 20/min per group, 1/s per chat) is lifted,
as the e2e tests lift it: with that pacing the bot cannot answer more than 30 messages a second and
outage acks wait behind the agents' group's 20 cards a minute, whatever the bot's speed, so the
figures would measure the pacing. `--outbox telegram` runs the unmodified `supportbot run` to show
exactly that. Either way the settings come only from the environment, as in production.

Redis: REDIS_URL (or --redis-url) when given, else an embedded server in a temp dir. The bot's keys
live in a fresh namespace that is deleted afterwards (SCAN, never FLUSH). Targets from the issue:
msgs_per_s >= 500, reply_p99_ms <= 50, rss_mb <= 150. The last line printed is one JSON object;
it also counts messages left unanswered within `--deadline` and replies of the wrong kind (an
apology where an FAQ answer or a ticket was due), and either makes the exit status 1, so the
`--quick` run doubles as a CI smoke check of the whole path.

    python bench/e2e.py [--quick] [--runtime aiogram|ptb] [--outbox unpaced|telegram] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis.exceptions import RedisError  # noqa: E402

from bench.support import delete_namespace, run_in_workdir  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.redis_connection import make_client  # noqa: E402
from handlers.texts import t  # noqa: E402
from sandbox.client import SandboxClient  # noqa: E402
from sandbox.entities import Chat, User  # noqa: E402
from sandbox.server import Sandbox  # noqa: E402
from sandbox.state import World  # noqa: E402

if TYPE_CHECKING:
    import psutil

TOKEN = "100000001:BENCH"
AGENTS_CHAT = -1001000000001
AGENT_IDS = (2001, 2002)
CONCURRENCY = 64
LATENCY_RATE = 100.0
TARGET_P99_MS = 50.0
RSS_SAMPLE_S = 0.1
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
QUIET_S = 0.5
WARM_UP_ID, LATENCY_ID, THROUGHPUT_ID = 60_000_000, 61_000_000, 62_000_000

# (language, text, expected reply): each checked with `supportbot triage`; 7 FAQ, 3 outage reports.
MIX: tuple[tuple[str, str, str], ...] = (
    ("pt", "como pago com pix?", "faq"),
    ("pt", "nenhum canal funciona desde ontem", "ticket"),
    ("pt", "quantos aparelhos posso usar?", "faq"),
    ("en", "how do I install on a fire stick?", "faq"),
    ("pt", "qual o preço do plano?", "faq"),
    ("pt", "o canal da globo está fora do ar", "ticket"),
    ("pt", "como faço para renovar minha assinatura?", "faq"),
    ("es", "cómo pago con pix?", "faq"),
    ("pt", "a tela fica preta no jogo do flamengo, urgente!", "ticket"),
    ("pt", "como instalo no smart tv samsung?", "faq"),
)

# ------------------------------------------------------------------ the sandbox side


def reply_kind(language: str, text: str) -> str:
    """What a first reply is: an FAQ answer, a ticket acknowledgement, the apology, or other.

    Thousands of distinct outage reports within seconds are a mass incident, so an outage report
    is also rightly answered by the incident's "known problem" acknowledgement (it carries the
    ticket number too): both count as "ticket".
    """
    if t(language, "faq_helpful") in text:
        return "faq"
    for key in ("ticket_created", "incident_known"):
        opened = t(language, key, ticket="\0", priority="", reasons="", queue="", status="", title="")
        if text.startswith(opened.split("\0")[0].replace("<b>", "")):
            return "ticket"
    if text == t(language, "error"):
        return "apology"
    return "other"


class ReplyClock:
    """When the sandbox stored each subscriber's first message and the bot's first reply after it.

    A hook on this process's `World.add_message`: every message, ours or the bot's, goes through
    it, so the times are the sandbox's own, with nothing polled (perf_counter seconds).
    """

    def __init__(self, world: World) -> None:
        self.inbound: dict[int, float] = {}
        self.replied: dict[int, float] = {}
        self.reply_text: dict[int, str] = {}
        self._waiting: set[int] = set()
        self._all_in = asyncio.Event()
        original = world.add_message

        def add_message(chat: Chat, sender: User, content: dict[str, Any], **options: Any) -> dict[str, Any]:
            message = original(chat, sender, content, **options)
            if chat.type == "private":
                self._saw(chat.id, sender.is_bot, str(content.get("text", "")))
            return message

        world.add_message = add_message  # type: ignore[method-assign]

    def _saw(self, chat_id: int, from_bot: bool, text: str) -> None:
        now = time.perf_counter()
        if not from_bot:
            self.inbound.setdefault(chat_id, now)
            return
        if chat_id in self.inbound and chat_id not in self.replied:
            self.replied[chat_id] = now
            self.reply_text[chat_id] = text
            self._waiting.discard(chat_id)
            if not self._waiting:
                self._all_in.set()

    async def wait_all(self, chat_ids: Iterable[int], patience: float) -> bool:
        """True once every chat has its reply; False if `patience` seconds pass first."""
        self._waiting = {chat_id for chat_id in chat_ids if chat_id not in self.replied}
        if not self._waiting:
            return True
        self._all_in = asyncio.Event()
        try:
            async with asyncio.timeout(patience):
                await self._all_in.wait()
        except TimeoutError:
            return False
        return True


async def wait_quiet(sandbox: Sandbox, patience: float = 60.0) -> None:
    """Wait until the bot has made no Bot API call but getUpdates for QUIET_S (its backlog is sent).

    Reads the sandbox's in-process counters, so it costs no HTTP.
    """
    calls = sandbox.core.stats.calls
    deadline = time.perf_counter() + patience
    last, since = -1, time.perf_counter()
    while time.perf_counter() < deadline:
        total = sum(n for method, n in calls.items() if method != "getUpdates")
        if total != last:
            last, since = total, time.perf_counter()
        elif time.perf_counter() - since >= QUIET_S:
            return
        await asyncio.sleep(0.05)


# ------------------------------------------------------------------ the bot process


@dataclass
class BotProcess:
    """The bot as a child process, its log, and its peak RSS (sampled by `watch`)."""

    process: subprocess.Popen[bytes]
    log_path: Path
    peak_rss: int = 0
    info: psutil.Process | None = None

    async def watch(self) -> None:
        """Sample the RSS every RSS_SAMPLE_S until cancelled or the process is gone."""
        import psutil

        self.info = psutil.Process(self.process.pid)
        with contextlib.suppress(psutil.Error):
            while True:
                self.peak_rss = max(self.peak_rss, self.info.memory_info().rss)
                await asyncio.sleep(RSS_SAMPLE_S)

    def descriptors(self) -> str:
        """Open file descriptors against the limit: each Redis connection of the bot holds one."""
        import psutil

        if self.info is None:
            return "the bot's file descriptors are unknown"
        try:
            soft, _ = self.info.rlimit(psutil.RLIMIT_NOFILE)
            return f"the bot holds {self.info.num_fds()} file descriptors (limit {soft})"
        except psutil.Error:
            return "the bot's file descriptors are unknown"

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    async def stop(self) -> tuple[int | None, float]:
        """SIGTERM (a clean stop: the outbox drains), wait; kill after STOP_TIMEOUT_S. (code, seconds)."""
        started = time.perf_counter()
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(self.process.wait, STOP_TIMEOUT_S)
        if self.alive():
            self.process.kill()
            self.process.wait()
        return self.process.returncode, time.perf_counter() - started

    def log_problems(self) -> list[str]:
        """Lines of the bot's log at WARNING or above, and traceback heads."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return []
        marks = (" WARNING ", " ERROR ", " CRITICAL ", "Traceback")
        return [line for line in lines if any(mark in line for mark in marks)]


def bot_environment(base_url: str, redis_url: str, namespace: str, data_dir: Path) -> dict[str, str]:
    """The process environment with only the bench's settings (none inherited from the caller's)."""
    env = {key: value for key, value in os.environ.items() if key.lower() not in Settings.model_fields}
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=base_url,
        REDIS_URL=redis_url,
        REDIS_NAMESPACE=namespace,
        DATA_DIR=str(data_dir),
        AGENTS_CHAT_ID=str(AGENTS_CHAT),
        AGENT_IDS=",".join(map(str, AGENT_IDS)),
        CUSTOMERS_FILE=str(ROOT / "bot" / "demo" / "customers.csv"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def start_bot_process(runtime: str, outbox: str, env: dict[str, str], workdir: Path) -> BotProcess:
    """Start the bot; its working directory is a temp dir, so no `.env` of the checkout applies."""
    if outbox == "telegram":
        command = [sys.executable, "-m", "bot.cli", "run", "--runtime", runtime]
    else:
        command = [sys.executable, str(Path(__file__).with_name("unpaced_bot.py")), "--runtime", runtime]
    log_path = workdir / "bot.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, env=env, cwd=workdir, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    return BotProcess(process, log_path)


# ------------------------------------------------------------------ the subscribers


def subscriber(user_id: int, language: str) -> dict[str, Any]:
    """A Telegram user for the control API."""
    return {"id": user_id, "first_name": f"Assinante {user_id % 100_000}", "language_code": language}


async def say(api: SandboxClient, user_id: int, index: int) -> None:
    """Subscriber `user_id` sends message `index` of the mix."""
    language, text, _ = MIX[index % len(MIX)]
    await api.send_message(subscriber(user_id, language), text)


def check_replies(clock: ReplyClock, first_id: int, count: int) -> Counter[str]:
    """Count how the first replies compare with what each message should get (ok / kind mismatch)."""
    outcome: Counter[str] = Counter()
    for index in range(count):
        chat_id = first_id + index
        language, _, expected = MIX[index % len(MIX)]
        if chat_id not in clock.reply_text:
            outcome["unanswered"] += 1
            continue
        kind = reply_kind(language, clock.reply_text[chat_id])
        outcome["ok" if kind == expected else f"{kind} instead of {expected}"] += 1
    return outcome


@dataclass
class Usage:
    """CPU used over one phase by the bot, this process (sandbox + driver), Redis, and everything else.

    "others" is the whole machine's busy time minus those three: on a shared machine a slow phase
    next to a busy "others" says contention, not the bot.
    """

    processes: dict[str, psutil.Process] = field(default_factory=dict)
    start: dict[str, float] = field(default_factory=dict)
    started: float = 0.0

    def _readings(self) -> dict[str, float]:
        import psutil

        readings = {name: _cpu(process) for name, process in self.processes.items()}
        machine = psutil.cpu_times()
        readings["machine"] = float(sum(machine) - machine.idle - getattr(machine, "iowait", 0.0))
        return readings

    def begin(self) -> None:
        """Take the starting readings."""
        self.started = time.perf_counter()
        self.start = self._readings()

    def report(self) -> str:
        """'CPU (% of one core): bot 95, bench 60, redis 10, others 5 (2 cores)' over the phase."""
        import psutil

        wall = time.perf_counter() - self.started
        used = {name: value - self.start[name] for name, value in self._readings().items()}
        machine = used.pop("machine")
        used["others"] = max(0.0, machine - sum(used.values()))
        shares = ", ".join(f"{name} {100 * seconds / wall:.0f}" for name, seconds in used.items())
        return f"CPU (% of one core): {shares} ({psutil.cpu_count()} cores)"


def _cpu(process: psutil.Process) -> float:
    """User + system CPU seconds of a process (0 once it is gone)."""
    import psutil

    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values) - 1e-9)))
    return sorted_values[rank - 1]


async def measure_latency(
    api: SandboxClient, clock: ReplyClock, count: int, patience: float, usage: Usage
) -> dict[str, float]:
    """Open loop at LATENCY_RATE: one message every 10 ms on schedule, whatever the replies do."""
    ids = [LATENCY_ID + i for i in range(count)]
    interval = 1.0 / LATENCY_RATE
    usage.begin()
    start = time.perf_counter() + 0.01
    tasks: list[asyncio.Task[None]] = []
    for index, _ in enumerate(ids):
        delay = start + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(say(api, ids[index], index)))
    await asyncio.gather(*tasks)
    complete = await clock.wait_all(ids, patience)
    now = time.perf_counter()
    cpu = usage.report()
    latencies = sorted((clock.replied.get(i, now) - clock.inbound[i]) * 1000 for i in ids)
    arrivals = [clock.inbound[i] for i in ids]
    rate = (count - 1) / (max(arrivals) - min(arrivals)) if count > 1 else 0.0
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    unanswered = count - sum(1 for i in ids if i in clock.replied)
    print(
        f"latency, open loop: {count} messages at {rate:.0f}/s (target {LATENCY_RATE:.0f}/s): "
        f"reply p50 {p50:.1f} ms, p90 {percentile(latencies, 0.90):.1f} ms, p99 {p99:.1f} ms, "
        f"max {latencies[-1]:.1f} ms; {cpu}"
    )
    if not complete:
        print(f"  {unanswered} messages had no reply within {patience:.0f}s (counted as waiting until then)")
    over = sum(1 for latency in latencies if latency > TARGET_P99_MS)
    kinds = check_replies(clock, LATENCY_ID, count)
    print(f"  {over} replies over {TARGET_P99_MS:.0f} ms; replies: {dict(kinds)}")
    by_kind: dict[str, list[float]] = {}
    for index, chat_id in enumerate(ids):
        waited = (clock.replied.get(chat_id, now) - clock.inbound[chat_id]) * 1000
        by_kind.setdefault(MIX[index % len(MIX)][2], []).append(waited)
    print(
        "  by expected reply: "
        + "; ".join(
            f"{kind} ({len(values)}) p50 {percentile(sorted(values), 0.5):.1f} ms, "
            f"p99 {percentile(sorted(values), 0.99):.1f} ms"
            for kind, values in sorted(by_kind.items())
        )
    )
    wrong = count - kinds["ok"] - kinds["unanswered"]
    return {"p50": p50, "p99": p99, "unanswered": unanswered, "wrong": wrong}


async def measure_throughput(
    api: SandboxClient, clock: ReplyClock, count: int, patience: float, usage: Usage
) -> dict[str, float]:
    """CONCURRENCY senders push `count` messages; the clock stops at the last reply."""
    ids = [THROUGHPUT_ID + i for i in range(count)]
    work = iter(enumerate(ids))

    async def sender() -> None:
        for index, user_id in work:
            await say(api, user_id, index)

    usage.begin()
    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(CONCURRENCY)))
    accepted = time.perf_counter() - started
    complete = await clock.wait_all(ids, patience)
    answered = [clock.replied[i] for i in ids if i in clock.replied]
    finished = (max(answered) if complete else time.perf_counter()) - started
    cpu = usage.report()
    rate = len(answered) / finished
    print(
        f"throughput: {count} messages, {CONCURRENCY} in flight: the control API took them in "
        f"{accepted:.2f}s ({count / accepted:,.0f}/s); the last reply came {finished:.2f}s after the "
        f"first send: {rate:,.0f} handled/s; {cpu}"
    )
    if not complete:
        print(f"  {count - len(answered)} messages had no reply within {patience:.0f}s")
    kinds = check_replies(clock, THROUGHPUT_ID, count)
    print(f"  replies: {dict(kinds)}")
    wrong = count - kinds["ok"] - kinds["unanswered"]
    return {"rate": rate, "unanswered": count - len(answered), "wrong": wrong}


# ------------------------------------------------------------------ the run


async def wait_ready(bot_process: BotProcess, api: SandboxClient, clock: ReplyClock) -> float:
    """Send /start until the bot answers (it is polling); seconds from process start."""
    started = time.perf_counter()
    await api.send_message(subscriber(WARM_UP_ID, "pt"), "/start")
    while not await clock.wait_all([WARM_UP_ID], 0.5):
        if not bot_process.alive():
            tail = bot_process.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the bot exited with {bot_process.process.returncode}:\n{tail}")
        if time.perf_counter() - started > READY_TIMEOUT_S:
            raise RuntimeError(f"the bot did not answer /start within {READY_TIMEOUT_S:.0f}s")
    return time.perf_counter() - started


async def warm_up(api: SandboxClient, clock: ReplyClock, sandbox: Sandbox) -> None:
    """Every message of the mix once (first-use costs: imports, caches, Lua script loads), then idle."""
    ids = [WARM_UP_ID + 1 + i for i in range(len(MIX))]
    await asyncio.gather(*(say(api, user_id, index) for index, user_id in enumerate(ids)))
    if not await clock.wait_all(ids, 30.0):
        raise RuntimeError("the bot did not answer the warm-up messages within 30s")
    await wait_quiet(sandbox)


async def bench(args: argparse.Namespace, redis_url: str, workdir: Path) -> dict[str, Any]:
    """Sandbox in this process, bot in a child process; latency first (on a calm bot), then throughput."""
    import psutil

    latency_count, throughput_count = (200, 300) if args.quick else (1000, 3000)
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    sandbox = Sandbox(token=TOKEN, limits_enabled=False)
    await sandbox.start("127.0.0.1", 0)
    clock = ReplyClock(sandbox.core.world)
    api = SandboxClient(sandbox.base_url)
    redis = make_client(redis_url)
    bot_process: BotProcess | None = None
    watcher: asyncio.Task[None] | None = None
    try:
        members = [
            {"user": {"id": uid, "first_name": f"Agent {uid}"}, "status": "member"} for uid in AGENT_IDS
        ]
        await api.create_chat(AGENTS_CHAT, title="Agents on call", members=members)
        env = bot_environment(sandbox.base_url, redis_url, namespace, workdir / "data")
        bot_process = start_bot_process(args.runtime, args.outbox, env, workdir)
        watcher = asyncio.create_task(bot_process.watch())
        ready = await wait_ready(bot_process, api, clock)
        await warm_up(api, clock, sandbox)
        print(
            f"bot: runtime {args.runtime}, outbox {args.outbox}, pid {bot_process.process.pid}, answered "
            f"/start {ready:.1f}s after start; warmed up with {len(MIX)} messages; "
            f"RSS {bot_process.peak_rss / 2**20:.0f} MB"
        )
        redis_pid = int((await redis.info("server"))["process_id"])
        processes = {"bot": psutil.Process(bot_process.process.pid), "bench": psutil.Process()}
        with contextlib.suppress(psutil.Error):
            processes["redis"] = psutil.Process(redis_pid)
        usage = Usage(processes)
        latency = await measure_latency(api, clock, latency_count, args.deadline, usage)
        await wait_quiet(sandbox, args.deadline)
        throughput = await measure_throughput(api, clock, throughput_count, args.deadline, usage)
        print(f"  {bot_process.descriptors()}")
        await wait_quiet(sandbox, args.deadline)
        code, seconds = await bot_process.stop()
        print(f"bot stopped {seconds:.1f}s after SIGTERM, exit code {code}")
        calls = sandbox.core.stats.as_json()["calls"]
        print(f"Bot API calls: {dict(sorted(calls.items()))}")
        problems = bot_process.log_problems()
        if problems:
            print(f"bot log: {len(problems)} warnings/errors; first ones:")
            for line in problems[:5]:
                print(f"  {line[:300]}")
        rss_mb = bot_process.peak_rss / 2**20
        print(f"bot peak RSS: {rss_mb:.1f} MB (sampled every {RSS_SAMPLE_S * 1000:.0f} ms)")
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        if bot_process is not None and bot_process.alive():
            await bot_process.stop()
        await api.close()
        await sandbox.stop()
        with contextlib.suppress(RedisError, OSError):  # never hide why the bench failed
            await delete_namespace(redis, namespace)
        await redis.aclose()
    return {
        "runtime": args.runtime,
        "outbox": args.outbox,
        "msgs_per_s": round(throughput["rate"], 1),
        "reply_p50_ms": round(latency["p50"], 2),
        "reply_p99_ms": round(latency["p99"], 2),
        "rss_mb": round(rss_mb, 1),
        "unanswered": int(latency["unanswered"] + throughput["unanswered"]),
        "wrong_replies": int(latency["wrong"] + throughput["wrong"]),
    }


def main() -> int:
    """Parse arguments, pick a Redis, run, print the JSON line last."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a run of a few seconds (fewer messages)")
    parser.add_argument("--runtime", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument(
        "--outbox",
        choices=["unpaced", "telegram"],
        default="unpaced",
        help="unpaced: the outbox's Telegram pacing lifted (default); telegram: plain `supportbot run`",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"), help="default: embedded Redis")
    parser.add_argument(
        "--deadline", type=float, default=120.0, help="seconds to wait for the replies of one phase"
    )
    args = parser.parse_args()
    print("sandbox in this process, limits off")
    figures = run_in_workdir("bench-e2e-", bench, args)
    print(json.dumps(figures))
    return 1 if figures["unanswered"] or figures["wrong_replies"] else 0


if __name__ == "__main__":
    sys.exit(main())
