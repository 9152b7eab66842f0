"""The python-telegram-bot 22 transport: getUpdates, webhook registration and update parsing with PTB.

PTB's Application is built (it wires the Bot and its HTTP clients) but its Updater and update
processing are not run: the Updater confirms an update to Telegram as soon as it is fetched, from
one process's memory. The desk's intake (`bot.durable`) decides when an update is confirmed (once
Redis holds it) and which worker handles it; PTB fetches, parses and sends.

Left out on purpose because they keep state in one process and break with several workers:
arbitrary callback data, ConversationHandler, persistence and the JobQueue; PTB's rate limiter
stays off because the desk's outbound queue paces sends. PTB's HTTP goes through `AiohttpRequest`
(PTB's own `BaseRequest` port) instead of httpx: see that module for why.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest

from bot import redaction
from bot.runtime.convert import to_event
from bot.runtime.ptb_messenger import PtbMessenger, neutral_errors
from bot.runtime.ptb_request import AiohttpRequest
from bot.runtime.transport import ALLOWED_UPDATES, REQUEST_MARGIN_S, api_base, is_official
from handlers.events import Event

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


class PtbRuntime:
    """The Runtime port on python-telegram-bot: one Application whose Bot fetches and backs the Messenger."""

    name = "ptb"

    def __init__(self, token: str, api_base_url: str) -> None:
        self.api = api_base(api_base_url)
        # PTB's bot logs its API URL, which holds the token, at DEBUG when it is built.
        redaction.protect_token(token)
        self._requests = (AiohttpRequest(), AiohttpRequest(connection_pool_size=1))
        self.app = make_application(token, self.api, *self._requests)
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

    async def fetch_updates(self, offset: int | None, poll_s: int) -> list[tuple[int, Event | None]]:
        """One long poll on PTB's dedicated getUpdates connection."""
        await self._initialize()
        with neutral_errors():
            updates = await self.app.bot.get_updates(
                offset=offset,
                timeout=poll_s,
                allowed_updates=list(ALLOWED_UPDATES),
                read_timeout=poll_s + REQUEST_MARGIN_S,
            )
        return [(update.update_id, to_event(update)) for update in updates]

    def parse_update(self, data: dict[str, Any]) -> tuple[int, Event | None]:
        """PTB's Update, bound to this bot, then the neutral event."""
        update = Update.de_json(data, self.app.bot)
        return update.update_id, to_event(update)

    async def delete_webhook(self) -> None:
        """deleteWebhook, keeping pending updates."""
        await self._initialize()
        with neutral_errors():
            await self.app.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook with the secret token and the desk's update kinds, keeping pending updates."""
        await self._initialize()
        with neutral_errors():
            await self.app.bot.set_webhook(
                url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES), drop_pending_updates=False
            )

    async def close(self) -> None:
        """Shut the Application down and close both HTTP clients (after run_* has returned)."""
        try:
            await self.app.shutdown()
        finally:
            await asyncio.gather(*(request.shutdown() for request in self._requests))
