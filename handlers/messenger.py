"""The outbound port: what handlers may ask of Telegram, and the neutral errors it raises.

Runtimes implement `Messenger` with their framework's Bot; the outbound queue (`bot.durable.outbox`)
wraps that implementation with Telegram's rate limits and priorities, and handlers only ever
see the wrapped one.
"""

from __future__ import annotations

from typing import Protocol

from handlers.events import Keyboard, Member, Outgoing, TopicOp


class TelegramError(Exception):
    """A Bot API call failed for a reason the caller may want to handle."""


class RetryAfter(TelegramError):
    """429 Too Many Requests: wait `seconds`, then try again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Forbidden(TelegramError):
    """403: the user blocked the bot (or the bot was removed from the chat)."""


class Unauthorized(TelegramError):
    """401: the bot token was rejected (mistyped or revoked); nothing sent with it can succeed."""


class NotModified(TelegramError):
    """400 "message is not modified": the edit would change nothing (harmless)."""


class BadRequest(TelegramError):
    """Any other 400: the request itself is wrong; retrying will not help."""


class TopicGone(BadRequest):
    """A forum topic was deleted (or never existed): "message thread not found", `TOPIC_DELETED`."""


class TopicClosed(BadRequest):
    """A forum topic is closed (`TOPIC_CLOSED`): nothing can be posted in it until it is reopened."""


class Messenger(Protocol):
    """Sending, editing and answering, framework-neutral."""

    async def send(self, message: Outgoing) -> int:
        """Send a text (or attachment with caption); return the new message id."""
        ...

    async def edit(
        self, chat_id: int, message_id: int, text: str | None, keyboard: Keyboard | None = None
    ) -> None:
        """Replace a message's text and inline keyboard (raises NotModified when identical).

        `text=None` keeps the text and replaces only the keyboard (a pressed button disabled
        without rewriting, or losing, what the message said).
        """
        ...

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        """Acknowledge a button press, optionally with a toast or an alert."""
        ...

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        """Status in a chat (creator, administrator, member, restricted, left, kicked) and name."""
        ...

    async def topic(self, op: TopicOp) -> int:
        """Create, rename, close or reopen a forum topic; return its thread id."""
        ...


class Sender(Protocol):
    """What handlers use: a Messenger behind the outbound queue (`bot.durable.outbox.Outbox`)."""

    async def send(self, message: Outgoing) -> int:
        """Queue a message (ordered by `message.priority`); return its id once sent."""
        ...

    async def edit(
        self,
        chat_id: int,
        message_id: int,
        text: str | None,
        keyboard: Keyboard | None = None,
        priority: int = 3,
    ) -> None:
        """Queue an edit (no text: keyboard only); newer edits of the same message replace pending ones."""
        ...

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        """Acknowledge a button press."""
        ...

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        """The user's status in a chat, and who they are."""
        ...

    async def topic(self, op: TopicOp) -> int:
        """Queue a forum topic operation (in the group's budget); return the topic's thread id."""
        ...
