"""The webhook endpoint: Telegram's 200 comes only after the update is stored in the inbox.

Any number of workers can stand behind a load balancer: each stores what it receives, and the
inbox hands the events to whichever worker has room. A request without the secret-token header
Telegram was given gets 401 and stores nothing. When Redis cannot be reached the answer is 503,
so Telegram keeps the update and sends it again later; Telegram also sends again what it sent
while every worker was down. The framework (`parse`) turns the JSON into the neutral event, so the
aiogram and python-telegram-bot runtimes read an update exactly as they do when polling.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.durable.inbox import Inbox, Lane, lanes_of
from escalation.unavailable import REDIS_UNAVAILABLE
from handlers.events import Event

log = logging.getLogger("bot.runtime")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ParseUpdate = Callable[[dict[str, Any]], tuple[int, Event | None]]


class WebhookReceiver:
    """An aiohttp server with one route: the webhook URL's path."""

    def __init__(
        self, inbox: Inbox, parse: ParseUpdate, secret: str, stored: Callable[[set[Lane]], None]
    ) -> None:
        self.inbox = inbox
        self._parse = parse
        self._secret = secret.encode()
        self._stored = stored
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int, path: str) -> None:
        """Listen on `host:port` for POSTs to `path` (OSError when the port is taken)."""
        app = web.Application()
        app.router.add_post(path, self._receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening (requests in progress finish first)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=401, text="wrong or missing secret token")
        try:
            data = await request.json()
            update_id, event = self._parse(data)
        except Exception:
            log.exception("webhook: an update that cannot be read was dropped")
            return web.Response(status=200)  # sending it again would not make it readable
        try:
            await self.inbox.put([(update_id, event)])
        except REDIS_UNAVAILABLE as exc:
            log.warning(
                "webhook: update %d not stored, Redis unavailable (%s); Telegram sends it again",
                update_id,
                exc,
            )
            return web.Response(status=503, text="try again later")
        self._stored(lanes_of([(update_id, event)]))
        return web.Response(status=200)
