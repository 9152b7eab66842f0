"""The python-telegram-bot 22 transport: polling or PTB's webhook server, feeding neutral events to the desk.

The Application is driven by hand inside the caller's event loop (initialize, start, updater.start_*,
then updater.stop, stop on cancel) instead of `run_polling`, which owns the loop and the signals.
One `TypeHandler(Update)` converts every update and queues it on `ChatLanes`; with
`concurrent_updates(False)` that happens in Telegram's order, which is cheap because queueing never
waits, while the lanes run different chats concurrently and each chat's events in order.

Left out on purpose because they keep state in one process and break with several workers:
arbitrary callback data, ConversationHandler, persistence and the JobQueue; PTB's rate limiter
stays off because the desk's outbound queue paces sends. PTB's HTTP goes through `AiohttpRequest`
(PTB's own `BaseRequest` port) instead of httpx: see that module for why.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from bot import redaction
from bot.runtime import logs
from bot.runtime.base import EventHandler
from bot.runtime.convert import to_event
from bot.runtime.lanes import ChatLanes
from bot.runtime.ptb_messenger import PtbMessenger, neutral_errors
from bot.runtime.ptb_request import AiohttpRequest
from bot.runtime.transport import (
    ALLOWED_UPDATES,
    POLL_TIMEOUT_SECONDS,
    SHUTDOWN_GRACE_SECONDS,
    WEBHOOK_LISTEN,
    api_base,
    is_official,
    webhook_path,
)

NAME = "ptb"

log = logging.getLogger("bot.runtime")

PtbApplication = Application[Any, Any, Any, Any, Any, Any]


def make_application(
    token: str, api_base_url: str, request: BaseRequest, updates: BaseRequest
) -> PtbApplication:
    """An Application talking to `api_base_url`, with the HTTP clients given (so `close` can close them)."""
    builder = (
        Application.builder()
        .token(token)
        .request(request)
        .get_updates_request(updates)
        .concurrent_updates(False)
        .job_queue(None)
    )
    if not is_official(api_base_url):
        api = api_base(api_base_url)
        builder = builder.base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
    return builder.build()


def forwarder(lanes: ChatLanes) -> TypeHandler[Update, Any]:
    """The one handler: converts every update and queues it on the lanes."""

    async def forward(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        event = to_event(update)
        if event is None:
            log.debug("runtime=%s update %d ignored", NAME, update.update_id)
            return
        lanes.submit(event)

    return TypeHandler(Update, forward)


class PtbRuntime:
    """The Runtime port on python-telegram-bot: one Application whose Bot also backs the Messenger."""

    def __init__(self, token: str, api_base_url: str) -> None:
        self._api = api_base(api_base_url)
        # PTB's bot logs its API URL, which holds the token, at DEBUG when it is built.
        redaction.protect_token(token)
        self._requests = (AiohttpRequest(), AiohttpRequest(connection_pool_size=1))
        self.app = make_application(token, self._api, *self._requests)
        self.messenger = PtbMessenger(self.app.bot)
        self._username: str | None = None

    async def bot_username(self) -> str:
        """The bot's @username from getMe, asked once."""
        if self._username is None:
            with neutral_errors():
                me = await self.app.bot.get_me()
            self._username = me.username or ""
        return self._username

    async def _initialize(self) -> None:
        """Initialize the Application (its getMe also answers bot_username)."""
        with neutral_errors():
            await self.app.initialize()
        self._username = self.app.bot.username or ""

    async def run_polling(self, handle: EventHandler) -> None:
        """Long-poll until cancelled; PTB's bootstrap deletes any webhook and keeps pending updates."""
        await self._run(handle, "polling", None)

    async def run_webhook(self, handle: EventHandler, url: str, secret: str, port: int) -> None:
        """Serve `url`'s path on `port` with PTB's webhook server and register the webhook with the secret.

        Requests without the right X-Telegram-Bot-Api-Secret-Token header get 403 and are not
        processed. The webhook stays registered on stop: other workers behind the same URL go on.
        """
        if not secret:
            raise ValueError("webhook mode needs a secret token")
        await self._run(handle, "webhook", (url, secret, port))

    async def _run(self, handle: EventHandler, mode: str, webhook: tuple[str, str, int] | None) -> None:
        lanes = ChatLanes(handle, NAME)
        handler = forwarder(lanes)
        self.app.add_handler(handler)
        started = False
        try:
            await self._initialize()
            await self.app.start()
            with neutral_errors():
                detail = await self._start_updater(webhook)
            logs.started(NAME, mode, await self.bot_username(), self._api, detail)
            started = True
            await asyncio.Event().wait()
        finally:
            await self._stop()
            await lanes.close(SHUTDOWN_GRACE_SECONDS)
            self.app.remove_handler(handler)
            if started:
                logs.stopped(NAME, mode)

    async def _start_updater(self, webhook: tuple[str, str, int] | None) -> str:
        """Start fetching updates by polling, or by webhook when given (url, secret, port); the log detail."""
        updater = self.app.updater
        if webhook is None:
            await updater.start_polling(
                timeout=POLL_TIMEOUT_SECONDS,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            )
            return ""
        url, secret, port = webhook
        await updater.start_webhook(
            listen=WEBHOOK_LISTEN,
            port=port,
            url_path=webhook_path(url),
            webhook_url=url,
            secret_token=secret,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )
        return f"on port {port} for {url}"

    async def _stop(self) -> None:
        """Stop fetching (updater), then processing (application); either may not have started."""
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()

    async def close(self) -> None:
        """Shut the Application down and close both HTTP clients (after run_* has returned)."""
        try:
            await self.app.shutdown()
        finally:
            await asyncio.gather(*(request.shutdown() for request in self._requests))
