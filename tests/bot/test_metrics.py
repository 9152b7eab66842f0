"""`/metrics`, `/healthz` and `/readyz` of a running `supportbot run`, read over HTTP.

The bot runs as `serve` runs it in production (a token, the Bot API at the sandbox's URL,
METRICS_PORT set), in polling and in webhook mode, on both runtimes, against real Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import DEMO_DIR, serve
from bot.config import Settings
from bot.health import HealthServer, get_me_probe
from bot.metrics import ApiContact, desk_registry
from bot.redis_connection import make_client
from escalation.store import TicketStore
from sandbox.client import SandboxClient
from sandbox.ratelimit import RateLimits
from sandbox.server import Sandbox

TOKEN = "100000001:SANDBOX-metrics-token"
AGENTS_CHAT = -1001000000001
ANA = 2001
CARLA_PREMIUM = 1001
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def user(user_id: int, name: str, language: str = "en") -> dict[str, Any]:
    return {"id": user_id, "first_name": name, "language_code": language}


@dataclass
class Running:
    api: SandboxClient
    base: str
    http: aiohttp.ClientSession

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.base + path) as response:
            return response.status, await response.text()

    async def samples(self) -> Samples:
        status, text = await self.get("/metrics")
        assert status == 200
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    async def until(self, condition: Callable[[Samples], bool], within: float = 15.0) -> Samples:
        """The metrics once `condition` holds for them (the gauges refresh at most every 5 s)."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            samples = await self.samples()
            if condition(samples):
                return samples
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the metrics never met the condition")
            await asyncio.sleep(0.2)

    async def until_ready(self, within: float = 20.0) -> None:
        deadline = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                if (await self.get("/readyz"))[0] == 200:
                    return
            await asyncio.sleep(0.1)
        raise AssertionError(f"not ready within {within} s: {await self.get('/readyz')}")


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture(params=["aiogram", "ptb"])
def runtime_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=[False, True], ids=["polling", "webhook"])
async def bot(
    request: pytest.FixtureRequest,
    redis: Any,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
) -> AsyncIterator[Running]:
    """`serve` with METRICS_PORT, polling or behind its webhook (the `redis` fixture cleans up)."""
    webhook = bool(request.param)
    # A private chat may take one message, then one every two seconds: the bot meets 429s.
    sandbox = Sandbox(token=TOKEN, limits=RateLimits(private_per_second=0.5, private_burst=1))
    await sandbox.start()
    api = SandboxClient(sandbox.base_url)
    await api.create_chat(
        AGENTS_CHAT, title="Agents", members=[{"user": user(ANA, "Ana"), "status": "member"}]
    )
    port = free_port()
    hook_port = free_port()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **redis_config,
        bot_token=TOKEN,
        telegram_api_url=sandbox.base_url,
        redis_namespace=namespace,
        data_dir=tmp_path,
        runtime=runtime_kind,
        agents_chat_id=AGENTS_CHAT,
        agent_ids=[ANA],
        customers_file=DEMO_DIR / "customers.csv",
        agents_language="en",
        metrics_port=port,
        webhook_url=f"http://127.0.0.1:{hook_port}/tg" if webhook else None,
        webhook_secret="metrics-Secret_1" if webhook else None,
        webhook_port=hook_port,
    )
    bot = asyncio.create_task(serve(settings))
    try:
        async with aiohttp.ClientSession() as http:
            running = Running(api, f"http://127.0.0.1:{port}", http)
            await running.until_ready()
            yield running
    finally:
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bot
        await api.close()
        await sandbox.stop()


async def test_a_conversation_shows_in_the_metrics(bot: Running) -> None:
    assert await bot.get("/healthz") == (200, "ok\n")
    assert await bot.get("/readyz") == (200, "ready\n")
    before = await bot.samples()

    def grew(name: str, by: float = 1, **labels: str) -> Callable[[Samples], bool]:
        return lambda now: value(now, name, **labels) - value(before, name, **labels) >= by

    carla = user(CARLA_PREMIUM, "Carla", "pt")
    await bot.api.send_message(carla, "nenhum canal funciona desde ontem")
    await bot.api.send_message(carla, "continua sem nada")
    await bot.api.wait_for(AGENTS_CHAT, lambda m: "#1" in (m.get("text") or ""), 15)
    # Carla's two messages are handled one after the other: wait for the second to be done too.
    opened = await bot.until(
        lambda now: (
            value(now, "supportbot_open_tickets", priority="P1") == 1
            and grew("supportbot_updates_handled_total", by=2, kind="private_message")(now)
        )
    )
    assert grew("supportbot_tickets_created_total", priority="P1")(opened)
    assert not grew("supportbot_tickets_created_total", by=2, priority="P1")(opened)
    assert value(opened, "supportbot_waiting_tickets", priority="P1") == 1
    assert value(opened, "supportbot_open_tickets", priority="P3") == 0
    assert ("supportbot_oldest_wait_seconds", frozenset({("priority", "P1")})) in opened
    assert value(opened, "supportbot_incidents_open") == 0
    assert grew("supportbot_updates_received_total", by=2, kind="private_message")(opened)
    assert grew("supportbot_handler_duration_seconds_count", by=2, kind="private_message")(opened)
    assert grew("supportbot_updates_handled_total", by=2, kind="private_message")(opened)
    # The card and Carla's acknowledgement, at least.
    assert grew("supportbot_bot_api_calls_total", by=2, method="sendMessage", status="200")(opened)

    await bot.api.send_message(
        user(ANA, "Ana"), "/claim 1", chat={"id": AGENTS_CHAT, "type": "supergroup", "title": "Agents"}
    )
    claimed = await bot.until(grew("supportbot_tickets_claimed_total", priority="P1"))
    claimed = await bot.until(lambda now: value(now, "supportbot_waiting_tickets", priority="P1") == 0)
    assert value(claimed, "supportbot_open_tickets", priority="P1") == 1
    assert grew("supportbot_updates_received_total", kind="group_message")(claimed)
    # Carla's chat takes one message every two seconds here: the bot met 429s and counted them.
    await bot.until(grew("supportbot_bot_api_rate_limited_total", method="sendMessage"))
    for name, labels in claimed:
        assert not {"chat", "chat_id", "user", "ticket", "customer"} & {key for key, _ in labels}, name


async def test_readiness_names_what_is_wrong(
    namespace: str, policy: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis down and a Bot API that does not answer: 503 with one line for each, and not serving."""
    monkeypatch.setattr(ApiContact, "last_answer", None)  # no answer yet in this process
    dead_port = free_port()
    dead = make_client(f"redis://127.0.0.1:{dead_port}/0")
    store = TicketStore.build(dead, namespace, policy, "America/Sao_Paulo", clock)

    async def no_backlog() -> dict[str, int]:
        return {}

    registry, gauges = desk_registry(store, no_backlog)
    health = HealthServer(registry, gauges, dead, get_me_probe(f"http://127.0.0.1:{dead_port}", TOKEN))
    port = free_port()
    await health.start("127.0.0.1", port)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                status, text = response.status, await response.text()
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                metrics = await response.text()
    finally:
        await health.stop()
        await dead.aclose()
    assert status == 503
    lines = text.splitlines()
    assert [line.split(":")[0] for line in lines] == ["redis", "bot api", "updates"]
    assert TOKEN not in text
    errors = {s.name: s.value for f in text_string_to_metric_families(metrics) for s in f.samples}
    assert errors["supportbot_redis_errors_total"] >= 1
