"""Inbound events, framework-neutral: what a runtime hands to the handlers.

A runtime (aiogram, python-telegram-bot) turns each Telegram update into one of these and calls
`Dispatcher.handle`. Nothing here knows a Telegram framework, so the conversations are written
once and tested once for both runtimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChatKind(StrEnum):
    """Telegram's chat types that the desk cares about."""

    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class User:
    """Who sent the update."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    @property
    def display_name(self) -> str:
        """A name to show agents: first name, with @username when there is one."""
        return f"{self.first_name} (@{self.username})" if self.username else self.first_name


@dataclass(frozen=True, slots=True)
class Member:
    """A user's standing in a chat (getChatMember): Telegram's status word, and who they are.

    Who they are matters as much as the status: an agent who never spoke in the group is still
    called by name, not by user id.
    """

    status: str
    user: User


@dataclass(frozen=True, slots=True)
class Chat:
    """Where the update happened."""

    id: int
    kind: ChatKind
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo, document, voice message, audio file or round video note (`kind`, Telegram's word):
    by Telegram file id (re-sent without downloading), or new bytes to upload.

    Inbound attachments always carry a file id; `data` is for files the desk makes (charts).
    """

    kind: str
    file_id: str = ""
    file_name: str | None = None
    data: bytes | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A shared phone contact; `user_id` is whose contact it is (None for a typed-in contact)."""

    phone_number: str
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message in a private chat or the agents' group."""

    update_id: int
    message_id: int
    user: User
    chat: Chat
    text: str = ""
    thread_id: int | None = None
    reply_to_message_id: int | None = None
    contact: Contact | None = None
    attachment: Attachment | None = None
    caption: str = ""
    media_group_id: str | None = None

    @property
    def command(self) -> str | None:
        """`/claim@DeskBot 5` -> `claim`; None when the text is not a command."""
        if not self.text.startswith("/"):
            return None
        head = self.text.split(maxsplit=1)[0][1:]
        return head.split("@", 1)[0].lower() or None

    @property
    def addressee(self) -> str | None:
        """`/claim@DeskBot 5` -> `DeskBot`: the bot a command names (None when it names none)."""
        if not self.text.startswith("/"):
            return None
        _, at, name = self.text.split(maxsplit=1)[0].partition("@")
        return name if at else None

    @property
    def args(self) -> str:
        """The text after the command word (empty when none)."""
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """An inline button press (callback query)."""

    update_id: int
    callback_id: str
    user: User
    chat: Chat
    message_id: int
    data: str
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class MessageEdit:
    """Someone edited a message they sent earlier (`edited_message`): its new text or caption.

    A separate kind of event, so that nothing handles an edit as a new message by mistake (an
    agent's edited command is not run twice).
    """

    update_id: int
    message_id: int
    user: User
    chat: Chat
    text: str = ""
    thread_id: int | None = None


Event = IncomingMessage | ButtonPress | MessageEdit


@dataclass(frozen=True, slots=True)
class Button:
    """One inline button: `data` comes back in a ButtonPress."""

    text: str
    data: str


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Inline buttons in rows, or a reply keyboard asking for the user's phone number."""

    rows: tuple[tuple[Button, ...], ...] = ()
    contact_request: str | None = None
    remove: bool = False

    @classmethod
    def inline(cls, *rows: list[Button] | tuple[Button, ...]) -> Keyboard:
        """An inline keyboard from rows of buttons (empty rows dropped)."""
        return cls(rows=tuple(tuple(row) for row in rows if row))

    @classmethod
    def share_contact(cls, label: str) -> Keyboard:
        """A one-button reply keyboard that shares the user's own phone number."""
        return cls(contact_request=label)

    @classmethod
    def removed(cls) -> Keyboard:
        """Hide a reply keyboard shown earlier."""
        return cls(remove=True)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send, as the handlers describe it: text is HTML, with user input escaped.

    With an attachment, the text is its caption; an `album` (two to ten photos or documents) goes as
    one media group, the text as its first item's caption. `priority` (1 = most urgent) orders the outbound
    queue: a P1 ticket's messages leave before a P4's.
    """

    chat_id: int
    text: str = ""
    keyboard: Keyboard | None = None
    thread_id: int | None = None
    reply_to: int | None = None
    attachment: Attachment | None = None
    priority: int = 3
    album: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicOp:
    """One forum topic operation in the agents' group (topic mode): create, rename, close or reopen.

    `action` is `create` (with `name` and `icon_color`, one of Telegram's six topic colours),
    `edit` (a new `name`), `close` or `reopen` (both of `thread_id`). Like `Outgoing`, it waits in
    the outbound queue by `priority` and is paced in the group's budget.
    """

    chat_id: int
    action: str
    thread_id: int | None = None
    name: str = ""
    icon_color: int | None = None
    priority: int = 3
