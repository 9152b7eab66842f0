"""Several `supportbot run` workers on one Redis, a storm of subscribers, and what an operator counts.

The sandbox runs in the caller's process with Telegram's limits on (429 with `retry_after` beyond
30 messages a second, 20 a minute per group, about one a second per private chat). The workers are
real processes (`python -m bot.cli run`), configured only through their environment, in polling
mode or in webhook mode behind `Balancer`, a round-robin HTTP proxy as an operator would put in
front of them. `Tally` hooks the sandbox's `World.add_message`, so every message a subscriber sent
and every message the bot stored is seen once, on one monotonic clock, without polling. What
Redis holds (tickets per customer, a ticket's log) is read from the desk's keys.

Shared by the process tests (tests/e2e/test_workers.py) and the storm benchmark (bench/storm.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from bot.durable.outbox import SENDERS
from escalation.keys import Keys
from sandbox.client import SandboxClient
from sandbox.entities import Chat, User
from sandbox.state import World

REPO = Path(__file__).resolve().parents[2]
TOKEN = "100000001:WORKERS-token"
AGENTS_CHAT = -1001000000001
AGENT_IDS = (2001, 2002)
WEBHOOK_SECRET = "workers-secret"
WEBHOOK_PATH = "/telegram/webhook"
REPORT = "nenhum canal funciona, caiu tudo"
# The one answer an outage report gets: its own ticket, or (once it is an incident) "we know".
ACK_MARKS = ("Abri o chamado", "Já sabemos de um problema")
# Sends a worker may have had between Telegram's answer and recording it when it was killed: the
# only messages that may go out twice (the outbox's senders of one worker).
SENDS_IN_FLIGHT = SENDERS
STARTED_MARK = "runtime="
START_PATIENCE_S = 60.0
STOP_PATIENCE_S = 30.0
FORWARD_TIMEOUT_S = 30.0
GROUP_WINDOW_S = 60.0
RECHECK_S = 0.05


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def subscriber(user_id: int, language: str = "pt") -> dict[str, Any]:
    """A Telegram user for the control API."""
    return {"id": user_id, "first_name": f"Assinante {user_id % 100_000}", "language_code": language}


def acknowledgement(text: str) -> bool:
    """Whether a bot message to a subscriber acknowledges an outage report."""
    return any(mark in text for mark in ACK_MARKS)


def write_directory(path: Path, ids: Iterable[int]) -> Path:
    """The storm's subscribers as the directory knows them (active, basic): reports of accounts it
    does not know open no incident on their own (`incidents.min_known`), and a real outage is
    reported by subscribers."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subscriber_id", "name", "phone", "telegram_id", "plan", "region", "status"])
        for uid in ids:
            writer.writerow([f"S{uid}", f"Subscriber {uid}", "", uid, "basico", "", "active"])
    return path


async def create_agents_chat(api: SandboxClient) -> None:
    """The agents' group with the agents as members."""
    members = [{"user": {"id": uid, "first_name": f"Agent {uid}"}, "status": "member"} for uid in AGENT_IDS]
    await api.create_chat(AGENTS_CHAT, title="Agents on call", members=members)


def worker_environment(
    base_url: str, redis_url: str, namespace: str, workdir: Path, customers_file: Path
) -> dict[str, str]:
    """What every worker of one desk shares: token, Bot API, Redis and namespace, chats, directory.

    Nothing is inherited from the caller's environment but PATH, HOME and LANG, so a developer's
    own settings never leak in.
    """
    kept = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {
        **kept,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": base_url,
        "REDIS_URL": redis_url,
        "REDIS_NAMESPACE": namespace,
        "DATA_DIR": str(workdir / "data"),
        "AGENTS_CHAT_ID": str(AGENTS_CHAT),
        "AGENT_IDS": ",".join(map(str, AGENT_IDS)),
        "CUSTOMERS_FILE": str(customers_file),
        "FAQ_FILE": str(REPO / "bot" / "demo" / "faq.yaml"),
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(REPO),
    }


# ------------------------------------------------------------------ what the sandbox saw


@dataclass
class Tally:
    """Every message stored in the sandbox, as the subscribers and the agents would count them."""

    reported: dict[int, float] = field(default_factory=dict)
    from_bot: dict[int, list[tuple[float, str]]] = field(default_factory=dict)
    acknowledged: dict[int, list[float]] = field(default_factory=dict)
    group_sends: list[float] = field(default_factory=list)
    group_edits: list[float] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def watch(cls, world: World) -> Tally:
        """Hook the world's `add_message` (every message, the subscribers' and the bot's, passes there)
        and `touch` (every edit)."""
        tally = cls()
        original = world.add_message

        def add_message(chat: Chat, sender: User, content: dict[str, Any], **options: Any) -> dict[str, Any]:
            message = original(chat, sender, content, **options)
            tally.saw(chat.id, chat.type, sender.is_bot, str(content.get("text", "")))
            return message

        touch = world.touch

        def edited(chat: Chat, message_id: int) -> None:
            touch(chat, message_id)
            if chat.id == AGENTS_CHAT:
                tally.group_edits.append(time.perf_counter())

        world.add_message = add_message  # type: ignore[method-assign]
        world.touch = edited  # type: ignore[method-assign]
        return tally

    def saw(self, chat_id: int, kind: str, from_bot: bool, text: str) -> None:
        """Record one stored message."""
        now = time.perf_counter()
        if kind != "private":
            if from_bot and chat_id == AGENTS_CHAT:
                self.group_sends.append(now)
            return
        if from_bot:
            self.from_bot.setdefault(chat_id, []).append((now, text))
            if acknowledgement(text):
                self.acknowledged.setdefault(chat_id, []).append(now)
        else:
            self.reported.setdefault(chat_id, now)
        self.changed.set()

    def acks(self, chat_id: int) -> list[float]:
        """When each acknowledgement of an outage report reached this chat."""
        return self.acknowledged.get(chat_id, [])

    def acked(self, ids: Iterable[int]) -> int:
        """How many of these subscribers have at least one acknowledgement."""
        return sum(1 for chat_id in ids if chat_id in self.acknowledged)

    def replied(self, chat_id: int) -> bool:
        """Whether the bot wrote anything to this chat."""
        return bool(self.from_bot.get(chat_id))

    def duplicates(self, ids: Iterable[int]) -> dict[int, int]:
        """Subscriber -> how many bot messages repeated a text already sent to them (only those with any)."""
        repeated = {}
        for chat_id in ids:
            texts = [text for _, text in self.from_bot.get(chat_id, [])]
            extra = len(texts) - len(set(texts))
            if extra:
                repeated[chat_id] = extra
        return repeated

    def busiest_group_minute(self) -> int:
        """The most messages the bot stored in the agents' group within any 60 s."""
        sends, best, start = sorted(self.group_sends), 0, 0
        for end, at in enumerate(sends):
            while at - sends[start] > GROUP_WINDOW_S:
                start += 1
            best = max(best, end - start + 1)
        return best

    async def wait(self, done: Any, patience: float) -> bool:
        """Until `done()` holds (checked at each message in a private chat), or `patience` s pass."""
        deadline = time.perf_counter() + patience
        while not done():
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return False
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout=min(remaining, 1.0))
            # Messages come by the hundred a second in a storm: check `done` at most RECHECK_S apart.
            await asyncio.sleep(RECHECK_S)
        return True

    async def wait_acks(self, ids: list[int], patience: float) -> bool:
        """Until every subscriber has an acknowledgement, or `patience` seconds."""
        return await self.wait(lambda: self.acked(ids) == len(ids), patience)


@dataclass(frozen=True)
class Storm:
    """When the storm began, and the update id of each subscriber's report (to find it in the logs)."""

    start: float
    update_ids: dict[int, int]


async def storm(api: SandboxClient, ids: list[int], span: float, text: str = REPORT) -> Storm:
    """Every subscriber sends one report, on an even schedule over `span` seconds."""
    interval = span / len(ids)
    start = time.perf_counter() + 0.05
    tasks: list[asyncio.Task[dict[str, Any]]] = []
    for index, user_id in enumerate(ids):
        delay = start + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(api.send_message(subscriber(user_id), text)))
    sent = await asyncio.gather(*tasks)
    return Storm(
        start, {user_id: int(answer["update_id"]) for user_id, answer in zip(ids, sent, strict=True)}
    )


# ------------------------------------------------------------------ what Redis holds


async def tickets_per_customer(redis: Redis, keys: Keys) -> Counter[int]:
    """Customer telegram id -> how many tickets the desk holds for them."""
    newest = int(await redis.get(keys.seq) or 0)
    async with redis.pipeline(transaction=False) as pipe:
        for number in range(1, newest + 1):
            pipe.hget(keys.ticket(number), "customer_id")
        owners = await pipe.execute()
    return Counter(int(owner) for owner in owners if owner)


async def ticket_texts(redis: Redis, keys: Keys, customer_id: int) -> list[str]:
    """The texts of every ticket of a customer's log, oldest ticket and entry first."""
    newest = int(await redis.get(keys.seq) or 0)
    texts: list[str] = []
    for number in range(1, newest + 1):
        owner = await redis.hget(keys.ticket(number), "customer_id")
        if owner is not None and int(owner) == customer_id:
            entries = await redis.lrange(keys.log(number), 0, -1)
            texts += [str(json.loads(entry).get("text", "")) for entry in entries]
    return texts


# ------------------------------------------------------------------ the workers


@dataclass
class Worker:
    """One `supportbot run` process (restartable); stdout and stderr of all its runs go to `log`."""

    name: str
    env: dict[str, str]
    workdir: Path
    webhook_port: int | None = None
    process: subprocess.Popen[bytes] | None = None
    runs: int = 0

    @property
    def log(self) -> Path:
        """The file every run of this worker writes to."""
        return self.workdir / f"{self.name}.log"

    def start(self) -> None:
        """Start a run (its own session: a signal to the test's process group does not reach it)."""
        if self.alive():
            raise RuntimeError(f"{self.name} is already running")
        self.runs += 1
        with self.log.open("ab") as sink:
            sink.write(f"----- {self.name} run {self.runs}\n".encode())
            sink.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                env=self.env,
                cwd=self.workdir,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        """Whether the current run is still going."""
        return self.process is not None and self.process.poll() is None

    def text(self) -> str:
        """Everything every run wrote."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def current_run(self) -> str:
        """What the current (last) run wrote."""
        return self.text().rpartition(f"----- {self.name} run {self.runs}\n")[2]

    async def wait_started(self, patience: float = START_PATIENCE_S) -> None:
        """Until the current run logs that updates flow (`runtime=... polling|webhook as @...`)."""
        deadline = time.monotonic() + patience
        while STARTED_MARK not in self.current_run():
            if not self.alive() or time.monotonic() > deadline:
                state = "exited" if not self.alive() else f"not started within {patience:.0f}s"
                raise RuntimeError(f"{self.name} {state}; it wrote:\n{self.current_run()[-3000:]}")
            await asyncio.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL, as `kill -9`, the OOM killer or a power cut: nothing runs after it."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    async def terminate(self, patience: float = STOP_PATIENCE_S) -> float:
        """SIGTERM (a deploy, `systemctl restart`) and wait; seconds to exit (SIGKILL after `patience`)."""
        assert self.process is not None
        started = time.perf_counter()
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(self.process.wait, patience)
        took = time.perf_counter() - started
        if self.alive():
            self.process.kill()
            self.process.wait()
        return took

    def problems(self) -> list[str]:
        """Lines at WARNING or above, and traceback heads, of every run."""
        marks = (" WARNING ", " ERROR ", " CRITICAL ", "Traceback")
        return [line for line in self.text().splitlines() if any(mark in line for mark in marks)]


class Balancer:
    """A round-robin HTTP proxy in front of the workers' webhook ports, skipping those that refuse.

    Each request goes to the next worker in turn; a worker that refuses the connection or drops it
    (dead, restarting) is skipped for the next one, as a load balancer's passive health check does.
    When none answers, Telegram gets 502 and delivers the update again later.
    """

    def __init__(self) -> None:
        self.ports: list[int] = []
        self.forwarded: Counter[int] = Counter()
        self.skipped = 0
        self._turn = itertools.count()
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The public webhook URL the workers register."""
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    async def start(self) -> Balancer:
        """Listen on a free local port."""
        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.create_server(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.port = sock.getsockname()[1]
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=FORWARD_TIMEOUT_S))
        return self

    async def stop(self) -> None:
        """Stop listening and close the upstream session."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {key: value for key, value in request.headers.items() if key.lower() != "host"}
        first = next(self._turn)
        for offset in range(len(self.ports)):
            port = self.ports[(first + offset) % len(self.ports)]
            try:
                async with self._session.post(
                    f"http://127.0.0.1:{port}{request.path}", data=body, headers=headers
                ) as answer:
                    payload = await answer.read()
                    self.forwarded[port] += 1
                    return web.Response(status=answer.status, body=payload, content_type=answer.content_type)
            except aiohttp.ClientConnectionError:
                self.skipped += 1
        return web.Response(status=502, text="no worker answered")


class Fleet:
    """K workers of one desk, in polling mode or in webhook mode behind a `Balancer`."""

    def __init__(self, env: Mapping[str, str], workdir: Path, count: int, mode: str = "polling") -> None:
        if mode not in ("polling", "webhook"):
            raise ValueError(f"mode is polling or webhook, not {mode!r}")
        self.mode = mode
        self.balancer = Balancer() if mode == "webhook" else None
        self.workers = [Worker(f"worker-{index}", dict(env), workdir) for index in range(count)]

    async def start(self) -> Fleet:
        """Start every worker (and the balancer first) and wait until each says updates flow."""
        if self.balancer is not None:
            await self.balancer.start()
            for worker in self.workers:
                worker.webhook_port = free_port()
                worker.env.update(
                    WEBHOOK_URL=self.balancer.url,
                    WEBHOOK_SECRET=WEBHOOK_SECRET,
                    WEBHOOK_PORT=str(worker.webhook_port),
                )
                self.balancer.ports.append(worker.webhook_port)
        for worker in self.workers:
            worker.start()
        for worker in self.workers:
            await worker.wait_started()
        return self

    async def stop(self) -> dict[str, float]:
        """SIGTERM every live worker at once; worker name -> seconds it took to exit."""
        live = [worker for worker in self.workers if worker.alive()]
        took = await asyncio.gather(*(worker.terminate() for worker in live))
        if self.balancer is not None:
            await self.balancer.stop()
        return {worker.name: seconds for worker, seconds in zip(live, took, strict=True)}

    def problems(self) -> list[str]:
        """Every worker's warnings and errors, each line prefixed with the worker's name."""
        return [f"{worker.name}: {line}" for worker in self.workers for line in worker.problems()]

    def describe(self) -> str:
        """Each worker's runs and exit codes, and the balancer's spread, for a failure's message."""
        parts = []
        for worker in self.workers:
            code = worker.process.returncode if worker.process is not None else None
            parts.append(
                f"{worker.name}: {worker.runs} run(s), {'alive' if worker.alive() else f'exit {code}'}"
            )
        if self.balancer is not None:
            parts.append(
                f"balancer: {dict(self.balancer.forwarded)} forwarded, {self.balancer.skipped} skipped"
            )
        return "; ".join(parts)
