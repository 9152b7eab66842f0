"""Users, chats, their messages and forum topics as the sandbox keeps them.

Plain records: the sandbox's state (`state.World`) holds them, and the Bot API objects (`types`) are
built from them, so both modules import these and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    """A Telegram user (or the bot itself) as the sandbox saw it last."""

    id: int
    first_name: str
    is_bot: bool = False
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


@dataclass
class Topic:
    """A forum topic; its id is the id of the service message that created it, as in Telegram."""

    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False


@dataclass
class StoredMessage:
    """A message's current Telegram JSON and the chat version of its last change."""

    data: dict[str, Any]
    version: int


@dataclass
class Chat:
    """A private chat, group or supergroup with its history. A private chat's id is the user's id.

    `read_up_to`: per forum topic (1 is the General topic), the last message the web page's person
    has read there, behind the topic list's unread counts.
    """

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    members: dict[int, str] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    deleted: dict[int, int] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    deleted_topics: set[int] = field(default_factory=set)
    read_up_to: dict[int, int] = field(default_factory=dict)
    next_message_id: int = 1
    version: int = 0
    pinned_message_id: int | None = None
    reply_keyboard: dict[str, Any] | None = None
    chat_action: dict[str, Any] | None = None

    def message(self, message_id: int | None) -> dict[str, Any] | None:
        """The current JSON of a message, or None if it never existed or was deleted."""
        stored = self.messages.get(message_id) if message_id is not None else None
        return stored.data if stored else None
