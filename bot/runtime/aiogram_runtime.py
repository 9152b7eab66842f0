"""The aiogram 3 transport: long polling or an aiohttp webhook, feeding neutral events to the desk.

aiogram only parses updates and routes them: one router with a message and a callback_query
observer (no filters, no FSM) converts each update and queues it on `ChatLanes`. The dispatcher
runs with `handle_as_tasks=False`, so updates reach the lanes in Telegram's order; that is cheap
because queueing never waits, while the lanes run different chats concurrently and each chat's
events in order. (aiogram's own per-update tasks would not keep a chat's order.)
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher, Router
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
    SendMessage,
    SendPhoto,
    SetWebhook,
)
from aiogram.types import CallbackQuery, Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot import redaction
from bot.runtime import logs
from bot.runtime.aiogram_messenger import AiogramMessenger, neutral_errors
from bot.runtime.aiogram_session import JsonBodySession
from bot.runtime.base import EventHandler
from bot.runtime.convert import to_event
from bot.runtime.lanes import ChatLanes
from bot.runtime.transport import (
    ALLOWED_UPDATES,
    POLL_TIMEOUT_SECONDS,
    SHUTDOWN_GRACE_SECONDS,
    WEBHOOK_LISTEN,
    api_base,
    is_official,
    webhook_path,
)

NAME = "aiogram"

log = logging.getLogger("bot.runtime")

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
        SendMessage,
        SendPhoto,
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


def make_dispatcher(lanes: ChatLanes) -> Dispatcher:
    """A dispatcher whose only router converts messages and button presses and queues them."""

    async def forward(_: Message | CallbackQuery, event_update: Update) -> None:
        event = to_event(event_update)
        if event is None:
            log.debug("runtime=%s update %d ignored", NAME, event_update.update_id)
            return
        lanes.submit(event)

    router = Router(name="desk")
    router.message.register(forward)
    router.callback_query.register(forward)
    dispatcher = Dispatcher(disable_fsm=True)
    dispatcher.include_router(router)
    return dispatcher


class AiogramRuntime:
    """The Runtime port on aiogram: one Bot shared by polling/webhook and the Messenger."""

    def __init__(self, token: str, api_base_url: str) -> None:
        self._api = api_base(api_base_url)
        # aiogram logs a failed request's URL, which holds the token, at ERROR.
        redaction.protect_token(token)
        self.bot = make_bot(token, self._api)
        self.messenger = AiogramMessenger(self.bot)

    async def bot_username(self) -> str:
        """The bot's @username from getMe (aiogram caches it after the first call)."""
        with neutral_errors():
            me = await self.bot.me()
        return me.username or ""

    async def run_polling(self, handle: EventHandler) -> None:
        """Delete any webhook (keeping pending updates), then long-poll until cancelled."""
        with neutral_errors():
            await self.bot.delete_webhook(drop_pending_updates=False)
        username = await self.bot_username()
        lanes = ChatLanes(handle, NAME)
        dispatcher = make_dispatcher(lanes)
        polling = asyncio.create_task(
            dispatcher.start_polling(
                self.bot,
                polling_timeout=POLL_TIMEOUT_SECONDS,
                handle_as_tasks=False,
                allowed_updates=list(ALLOWED_UPDATES),
                handle_signals=False,
                close_bot_session=False,
            ),
            name=f"{NAME}-polling",
        )
        logs.started(NAME, "polling", username, self._api)
        try:
            await asyncio.shield(polling)
        finally:
            await _stop_polling(dispatcher, polling)
            await lanes.close(SHUTDOWN_GRACE_SECONDS)
            logs.stopped(NAME, "polling")

    async def run_webhook(self, handle: EventHandler, url: str, secret: str, port: int) -> None:
        """Serve `url`'s path on `port`, register the webhook with the secret, and run until cancelled.

        Requests without the right X-Telegram-Bot-Api-Secret-Token header get 401 and are not
        processed. The webhook stays registered on stop: other workers behind the same URL go on.
        """
        if not secret:
            raise ValueError("webhook mode needs a secret token")
        lanes = ChatLanes(handle, NAME)
        dispatcher = make_dispatcher(lanes)
        # handle_in_background=False: Telegram gets its 200 once the update is queued, in order.
        receiver = SimpleRequestHandler(dispatcher, self.bot, handle_in_background=False, secret_token=secret)
        app = web.Application()
        # Routed by hand: `receiver.register` would also close the shared Bot session on shutdown.
        app.router.add_post(webhook_path(url), receiver.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        started = False
        try:
            await web.TCPSite(runner, WEBHOOK_LISTEN, port).start()
            username = await self.bot_username()
            with neutral_errors():
                await self.bot.set_webhook(
                    url,
                    secret_token=secret,
                    allowed_updates=list(ALLOWED_UPDATES),
                    drop_pending_updates=False,
                )
            logs.started(NAME, "webhook", username, self._api, f"on port {port} for {url}")
            started = True
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()
            await lanes.close(SHUTDOWN_GRACE_SECONDS)
            if started:
                logs.stopped(NAME, "webhook")

    async def close(self) -> None:
        """Close the HTTP session (after run_* has returned)."""
        await self.bot.session.close()


async def _stop_polling(dispatcher: Dispatcher, polling: asyncio.Task[None]) -> None:
    """Stop aiogram's polling for good: cancelling `start_polling` alone would orphan its poll tasks."""
    if polling.done():
        return
    try:
        await dispatcher.stop_polling()
    except RuntimeError:
        polling.cancel()  # not started yet: nothing runs that a cancel could orphan
    await asyncio.gather(polling, return_exceptions=True)
