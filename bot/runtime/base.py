"""What a runtime is: a transport that feeds neutral events in and offers a Messenger out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from handlers.events import Event
from handlers.messenger import Messenger

EventHandler = Callable[[Event], Awaitable[None]]


class Runtime(Protocol):
    """A Telegram framework adapter (aiogram or python-telegram-bot)."""

    messenger: Messenger

    async def bot_username(self) -> str:
        """The bot's @username (getMe), for command mentions in groups."""
        ...

    async def run_polling(self, handle: EventHandler) -> None:
        """Long-poll updates and hand each one to `handle` until cancelled."""
        ...

    async def run_webhook(self, handle: EventHandler, url: str, secret: str, port: int) -> None:
        """Serve updates pushed by Telegram (checking the secret-token header) until cancelled."""
        ...

    async def close(self) -> None:
        """Release the HTTP session."""
        ...
