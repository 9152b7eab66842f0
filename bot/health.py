"""`/metrics`, `/healthz` and `/readyz` on `METRICS_PORT`, for Prometheus and load balancers.

`/healthz` answers 200 while the event loop runs: an orchestrator restarts a process that stops
answering. `/readyz` answers 200 only when this worker can do its job: Redis answers, the Bot API
answered within the last minute (when nothing called it lately, the probe asks getMe itself, so
an idle webhook worker is not reported unready), and the process is polling or serving its
webhook. Otherwise 503 with one line per failed check, so `curl` tells an operator what is wrong.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from bot.metrics import REDIS_ERRORS, ApiContact, DeskGauges, RedisErrorCounter, observe_api_call
from bot.redis_connection import RedisClient

log = logging.getLogger(__name__)

API_FRESH_S = 60.0
CHECK_TIMEOUT_S = 3.0


def get_me_probe(api_url: str, token: str) -> Callable[[], Awaitable[None]]:
    """A getMe call for readiness; raises on anything but a 200 (the URL, with the token, is never logged)."""

    async def probe() -> None:
        timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_S)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"{api_url.rstrip('/')}/bot{token}/getMe") as response,
        ):
            observe_api_call("getMe", response.status)
            if response.status != 200:
                raise RuntimeError(f"getMe answered HTTP {response.status}")

    return probe


class HealthServer:
    """The aiohttp app serving the three endpoints; `serving` is set while updates flow."""

    def __init__(
        self,
        registry: CollectorRegistry,
        gauges: DeskGauges,
        redis: RedisClient,
        api_probe: Callable[[], Awaitable[None]],
    ) -> None:
        self.registry = registry
        self.gauges = gauges
        self.redis = redis
        self.api_probe = api_probe
        self.serving = False
        self._runner: web.AppRunner | None = None
        self._redis_errors = RedisErrorCounter()
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        self.app = app

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port (a port already taken fails the start, as it should)."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        logging.getLogger().addHandler(self._redis_errors)
        log.info("metrics and health on http://%s:%s (/metrics /healthz /readyz)", host, port)

    async def stop(self) -> None:
        """Stop listening (and counting logged Redis errors)."""
        logging.getLogger().removeHandler(self._redis_errors)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, _: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(self.gauges.refresh(), timeout=CHECK_TIMEOUT_S * 3)
        except Exception:
            # The counters are still worth serving; the gauges keep their last values.
            log.warning("metrics: could not read the desk's state from Redis", exc_info=True)
        body = generate_latest(self.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, _: web.Request) -> web.Response:
        problems = []
        try:
            await asyncio.wait_for(self.redis.ping(), timeout=CHECK_TIMEOUT_S)
        except Exception as exc:
            REDIS_ERRORS.inc()
            problems.append(f"redis: no answer ({type(exc).__name__})")
        last = ApiContact.last_answer
        if last is None or time.monotonic() - last > API_FRESH_S:
            try:
                await asyncio.wait_for(self.api_probe(), timeout=CHECK_TIMEOUT_S * 2)
            except Exception as exc:
                problems.append(f"bot api: no answer within {API_FRESH_S:.0f} s ({type(exc).__name__})")
        if not self.serving:
            problems.append("updates: not polling and not serving the webhook")
        if problems:
            return web.Response(status=503, text="".join(f"{line}\n" for line in problems))
        return web.Response(text="ready\n")
