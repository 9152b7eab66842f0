"""`Sandbox`: a local Telegram Bot API plus control API, started inside the caller's event loop.

Tests start one per test on an ephemeral port (`await sandbox.start()` returns it), point aiogram at
`TelegramAPIServer.from_base(sandbox.base_url)` or PTB at `base_url=sandbox.ptb_base_url`, and
drive users through the control API. `supportbot sandbox` runs one standalone.

The root path `/` serves `static/index.html` when that file exists (the web chat page lives there)
and a short placeholder otherwise; `/static/` serves the rest of that folder.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from sandbox.botapi import BotApiRoutes
from sandbox.control import ControlRoutes
from sandbox.core import Core
from sandbox.entities import User
from sandbox.files import FileStore
from sandbox.ratelimit import RateLimiter, RateLimits
from sandbox.state import World
from sandbox.updates import UpdateQueue
from sandbox.webhook import WebhookDelivery

DEFAULT_BOT_ID = 7_000_000_001
DEFAULT_BOT_USERNAME = "iptv_support_sandbox_bot"
DEFAULT_BOT_NAME = "IPTV Support (sandbox)"
MAX_REQUEST_BYTES = 50 * 1024 * 1024
SHUTDOWN_TIMEOUT_S = 2.0
STATIC_DIR = Path(__file__).with_name("static")
PLACEHOLDER = (
    "<!doctype html><meta charset=utf-8><title>Telegram sandbox</title>"
    "<p>Telegram Bot API sandbox. Bot API at <code>/bot&lt;token&gt;/&lt;method&gt;</code>, "
    "control API at <code>/sandbox/api</code>.</p>"
)


def bot_id_from_token(token: str) -> int | None:
    """The bot id Telegram encodes before the colon of a token, if it is numeric."""
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else None


class Sandbox:
    """One sandboxed bot: its Bot API, control API, state and HTTP server.

    token: None accepts any token (and takes the bot id from it); a string makes other tokens 401.
    limits_enabled / limits: Telegram-like flood limits and their rates (tests scale them down).
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        limits_enabled: bool = True,
        limits: RateLimits | None = None,
        bot_id: int | None = None,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_name: str = DEFAULT_BOT_NAME,
        webhook_retry_delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        resolved_id = bot_id or (bot_id_from_token(token) if token else None) or DEFAULT_BOT_ID
        bot = User(id=resolved_id, first_name=bot_name, is_bot=True, username=bot_username)
        queue = UpdateQueue()
        self.core = Core(
            world=World(bot),
            queue=queue,
            files=FileStore(),
            limiter=RateLimiter(limits or RateLimits(), enabled=limits_enabled, clock=clock),
            webhook=WebhookDelivery(queue, self._call_from_webhook, retry_delay=webhook_retry_delay),
        )
        self._token = token
        self.botapi = BotApiRoutes(self.core, token)
        self.control = ControlRoutes(self.core, lambda: self.token)
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port: int | None = None

    async def _call_from_webhook(self, method: str, values: dict[str, Any]) -> object:
        return await self.botapi.call(method, values)

    @property
    def token(self) -> str:
        """A token clients can use: the configured one, or one carrying the bot's id."""
        return self._token or f"{self.core.world.bot.id}:sandbox-token"

    @property
    def base_url(self) -> str:
        """The base for aiogram's `TelegramAPIServer.from_base` and for the control API client."""
        if self.port is None:
            raise RuntimeError("the sandbox is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def ptb_base_url(self) -> str:
        """PTB's `base_url` (PTB appends the token to it)."""
        return f"{self.base_url}/bot"

    @property
    def ptb_base_file_url(self) -> str:
        """PTB's `base_file_url` (PTB appends the token, getFile's file_path comes after)."""
        return f"{self.base_url}/file/bot"

    @property
    def limits_enabled(self) -> bool:
        """Whether flood limits apply right now."""
        return self.core.limiter.enabled

    @limits_enabled.setter
    def limits_enabled(self, enabled: bool) -> None:
        """Switch flood limits at runtime (also possible through the control API)."""
        self.core.limiter.enabled = enabled

    def make_app(self) -> web.Application:
        """The aiohttp application with the Bot API, file, control and page routes."""
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        self.botapi.add_to(app)
        self.control.add_to(app)
        app.router.add_get("/", self._root)
        if STATIC_DIR.is_dir():
            app.router.add_static("/static/", STATIC_DIR)
        return app

    async def _root(self, request: web.Request) -> web.StreamResponse:
        page = STATIC_DIR / "index.html"
        if page.is_file():
            return web.FileResponse(page)
        return web.Response(text=PLACEHOLDER, content_type="text/html")

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Serve on host:port (0 picks a free port) and return the bound port."""
        if self._runner is not None:
            raise RuntimeError("the sandbox is already started")
        self.core.closing = False
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family)
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner, self.host, self.port = runner, host, sock.getsockname()[1]
        return self.port

    async def stop(self) -> None:
        """End long polls at once, stop webhook delivery and close the server."""
        self.core.closing = True
        self.core.queue.arrived.notify()
        self.core.world.changed.notify()
        await self.core.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        """Start on an ephemeral localhost port."""
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Stop."""
        await self.stop()
