"""The aiogram 3 transport: getUpdates, webhook registration and update parsing with aiogram.

aiogram's Dispatcher is not used: it would confirm an update to Telegram as soon as its handler
returned, from one process's memory. The desk's intake (`bot.durable`) decides when an update is
confirmed (once Redis holds it) and which worker handles it; aiogram fetches, parses and sends.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageText,
    GetChatMember,
    GetMe,
    GetUpdates,
    Response,
    SendDocument,
    SendPhoto,
    SetWebhook,
)
from aiogram.types import Update

from bot import redaction
from bot.runtime.aiogram_messenger import AiogramMessenger, SendText, neutral_errors
from bot.runtime.aiogram_session import JsonBodySession
from bot.runtime.convert import to_event
from bot.runtime.transport import ALLOWED_UPDATES, REQUEST_MARGIN_S, api_base, is_official
from handlers.events import Event

# aiogram reads every Bot API answer as pydantic's `Response[T]` for the method's result type, and
# pydantic caches those classes only weakly: without a lasting reference the collector drops the
# class and the next answer rebuilds it (about 3 ms each time, several percent of the bot's CPU in
# bench/e2e.py). Holding one per method the desk calls keeps every lookup a cache hit.
RESPONSE_MODELS = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        AnswerCallbackQuery,
        DeleteWebhook,
        EditMessageText,
        GetChatMember,
        GetMe,
        GetUpdates,
        SendDocument,
        SendPhoto,
        SendText,
        SetWebhook,
    )
)


def make_bot(token: str, api_base_url: str) -> Bot:
    """An aiogram Bot on `api_base_url`: a custom server (local Bot API, the sandbox) unless Telegram's."""
    session = (
        JsonBodySession()
        if is_official(api_base_url)
        else JsonBodySession(api=TelegramAPIServer.from_base(api_base(api_base_url)))
    )
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


class AiogramRuntime:
    """The Runtime port on aiogram: one Bot for fetching updates and for the Messenger."""

    name = "aiogram"

    def __init__(self, token: str, api_base_url: str) -> None:
        self.api = api_base(api_base_url)
        # aiogram logs a failed request's URL, which holds the token, at ERROR.
        redaction.protect_token(token)
        self.bot = make_bot(token, self.api)
        self.messenger = AiogramMessenger(self.bot)

    async def bot_username(self) -> str:
        """The bot's @username from getMe (aiogram caches it after the first call)."""
        with neutral_errors():
            me = await self.bot.me()
        return me.username or ""

    async def fetch_updates(self, offset: int | None, poll_s: int) -> list[tuple[int, Event | None]]:
        """One long poll; aiogram's own request timeout is widened to outlast it."""
        with neutral_errors():
            updates = await self.bot.get_updates(
                offset=offset,
                timeout=poll_s,
                allowed_updates=list(ALLOWED_UPDATES),
                request_timeout=poll_s + REQUEST_MARGIN_S,
            )
        return [(update.update_id, to_event(update)) for update in updates]

    def parse_update(self, data: dict[str, Any]) -> tuple[int, Event | None]:
        """aiogram's Update model, bound to this bot, then the neutral event."""
        update = Update.model_validate(data, context={"bot": self.bot})
        return update.update_id, to_event(update)

    async def delete_webhook(self) -> None:
        """deleteWebhook, keeping pending updates."""
        with neutral_errors():
            await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook with the secret token and the desk's update kinds, keeping pending updates."""
        with neutral_errors():
            await self.bot.set_webhook(
                url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES), drop_pending_updates=False
            )

    async def close(self) -> None:
        """Close the HTTP session (after run_* has returned)."""
        await self.bot.session.close()
