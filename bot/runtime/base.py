"""What a runtime is: a transport that fetches and parses updates and offers a Messenger out.

Everything between an update's arrival and its handling is the desk's own (`bot.durable`): it
lives in Redis so any worker can take it. A runtime only speaks to Telegram through its framework.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from handlers.events import Event
from handlers.messenger import Messenger

EventHandler = Callable[[Event], Awaitable[None]]


class Runtime(Protocol):
    """A Telegram framework adapter (aiogram or python-telegram-bot)."""

    name: str
    api: str
    messenger: Messenger

    async def bot_username(self) -> str:
        """The bot's @username (getMe), for command mentions in groups."""
        ...

    async def fetch_updates(self, offset: int | None, poll_s: int) -> list[tuple[int, Event | None]]:
        """One getUpdates long poll of `poll_s` seconds from `offset`: (update id, event or None) each."""
        ...

    def parse_update(self, data: dict[str, Any]) -> tuple[int, Event | None]:
        """An update pushed to the webhook, read by the framework: its id and its event."""
        ...

    async def delete_webhook(self) -> None:
        """Remove a webhook left behind, keeping pending updates (polling needs none set)."""
        ...

    async def set_webhook(self, url: str, secret: str) -> None:
        """Ask Telegram to push updates to `url` with the secret-token header, keeping pending updates."""
        ...

    async def close(self) -> None:
        """Release the HTTP session."""
        ...
