"""Telegram update -> neutral event, written once for both frameworks.

aiogram's and python-telegram-bot's `Update`, `Message` and `CallbackQuery` objects expose the Bot
API fields under the same attribute names (`from_user`, `message_thread_id`, `reply_to_message`...),
so one converter typed against the small protocols below serves both runtimes, and the two can
never disagree about what an update means.

Two Telegram quirks are settled here rather than in the handlers:
- `message_thread_id` also appears on replies in ordinary (non-forum) supergroups, where sending
  to that "thread" fails; only a forum topic message (`is_topic_message`) yields a `thread_id`.
- in a forum topic every message that replies to nothing is presented as a reply to the topic's
  creation message; that is not a reply the user made, so it is not reported as one.

And what people type enters the desk without directional or zero-width control characters
(`handlers.invisible`): names and texts are quoted to agents and managers on many paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from handlers.events import (
    Attachment,
    ButtonPress,
    Chat,
    ChatKind,
    Contact,
    Event,
    IncomingMessage,
    MessageEdit,
    User,
)
from handlers.invisible import without_invisible_controls


class UserLike(Protocol):
    """Telegram's User as both frameworks model it."""

    @property
    def id(self) -> int: ...
    @property
    def first_name(self) -> str: ...
    @property
    def username(self) -> str | None: ...
    @property
    def language_code(self) -> str | None: ...
    @property
    def is_bot(self) -> bool: ...


class ChatLike(Protocol):
    """Telegram's Chat (its `type` is a plain string or a string enum)."""

    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def title(self) -> str | None: ...


class PhotoSizeLike(Protocol):
    """One size of a photo."""

    @property
    def file_id(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...


class DocumentLike(Protocol):
    """A general file."""

    @property
    def file_id(self) -> str: ...
    @property
    def file_name(self) -> str | None: ...


class FileLike(Protocol):
    """A voice message, audio file or round video note: only its file id matters."""

    @property
    def file_id(self) -> str: ...


class ContactLike(Protocol):
    """A shared phone contact."""

    @property
    def phone_number(self) -> str: ...
    @property
    def user_id(self) -> int | None: ...


class ReplyLike(Protocol):
    """The message a message replies to (only its id matters)."""

    @property
    def message_id(self) -> int: ...


class MessageLike(Protocol):
    """The Message fields the desk reads."""

    @property
    def message_id(self) -> int: ...
    @property
    def from_user(self) -> UserLike | None: ...
    @property
    def chat(self) -> ChatLike: ...
    @property
    def text(self) -> str | None: ...
    @property
    def caption(self) -> str | None: ...
    @property
    def message_thread_id(self) -> int | None: ...
    @property
    def is_topic_message(self) -> bool | None: ...
    @property
    def reply_to_message(self) -> ReplyLike | None: ...
    @property
    def contact(self) -> ContactLike | None: ...
    @property
    def photo(self) -> Sequence[PhotoSizeLike] | None: ...
    @property
    def document(self) -> DocumentLike | None: ...
    @property
    def voice(self) -> FileLike | None: ...
    @property
    def audio(self) -> FileLike | None: ...
    @property
    def video_note(self) -> FileLike | None: ...
    @property
    def media_group_id(self) -> str | None: ...


class ButtonMessageLike(Protocol):
    """The message a button sits on; may be an InaccessibleMessage (only chat and id)."""

    @property
    def message_id(self) -> int: ...
    @property
    def chat(self) -> ChatLike: ...


class CallbackQueryLike(Protocol):
    """An inline button press."""

    @property
    def id(self) -> str: ...
    @property
    def from_user(self) -> UserLike: ...
    @property
    def message(self) -> ButtonMessageLike | None: ...
    @property
    def data(self) -> str | None: ...


class UpdateLike(Protocol):
    """The update kinds the desk asks Telegram for."""

    @property
    def update_id(self) -> int: ...
    @property
    def message(self) -> MessageLike | None: ...
    @property
    def edited_message(self) -> MessageLike | None: ...
    @property
    def callback_query(self) -> CallbackQueryLike | None: ...


def to_event(update: UpdateLike) -> Event | None:
    """The neutral event for an update; None for what the desk does not handle.

    Ignored: other update kinds, messages without a sender, and button presses on inline-mode
    messages (they have no chat). An edited message becomes a `MessageEdit` with its new words.
    """
    if update.message is not None:
        return _incoming(update.update_id, update.message)
    if update.edited_message is not None:
        return _edit(update.update_id, update.edited_message)
    if update.callback_query is not None:
        return _button(update.update_id, update.callback_query)
    return None


def _incoming(update_id: int, message: MessageLike) -> IncomingMessage | None:
    sender = message.from_user
    if sender is None:
        return None
    thread_id = _topic(message)
    reply = message.reply_to_message
    reply_id = reply.message_id if reply is not None and reply.message_id != thread_id else None
    return IncomingMessage(
        update_id=update_id,
        message_id=message.message_id,
        user=to_user(sender),
        chat=_chat(message.chat),
        text=without_invisible_controls(message.text or ""),
        thread_id=thread_id,
        reply_to_message_id=reply_id,
        contact=_contact(message.contact),
        attachment=_attachment(message),
        caption=without_invisible_controls(message.caption or ""),
        media_group_id=message.media_group_id,
    )


def _edit(update_id: int, message: MessageLike) -> MessageEdit | None:
    sender = message.from_user
    if sender is None:
        return None
    return MessageEdit(
        update_id=update_id,
        message_id=message.message_id,
        user=to_user(sender),
        chat=_chat(message.chat),
        text=without_invisible_controls(message.text or message.caption or ""),
        thread_id=_topic(message),
    )


def _button(update_id: int, query: CallbackQueryLike) -> ButtonPress | None:
    message = query.message
    if message is None:
        return None
    return ButtonPress(
        update_id=update_id,
        callback_id=query.id,
        user=to_user(query.from_user),
        chat=_chat(message.chat),
        message_id=message.message_id,
        data=query.data or "",
        thread_id=_topic(message),
    )


def _topic(message: ButtonMessageLike | MessageLike) -> int | None:
    if getattr(message, "is_topic_message", None):
        thread_id: int | None = getattr(message, "message_thread_id", None)
        return thread_id
    return None


def to_user(user: UserLike) -> User:
    """The neutral user of an update's sender or a chat member."""
    return User(
        id=user.id,
        first_name=without_invisible_controls(user.first_name),
        username=user.username,
        language_code=user.language_code,
        is_bot=bool(user.is_bot),
    )


def _chat(chat: ChatLike) -> Chat:
    return Chat(id=chat.id, kind=ChatKind(chat.type), title=chat.title)


def _contact(contact: ContactLike | None) -> Contact | None:
    if contact is None:
        return None
    return Contact(phone_number=contact.phone_number, user_id=contact.user_id)


def _attachment(message: MessageLike) -> Attachment | None:
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        return Attachment(kind="photo", file_id=largest.file_id)
    if message.document is not None:
        return Attachment(
            kind="document",
            file_id=message.document.file_id,
            file_name=without_invisible_controls(message.document.file_name or "") or None,
        )
    for kind in ("voice", "audio", "video_note"):
        clip: FileLike | None = getattr(message, kind)
        if clip is not None:
            return Attachment(kind=kind, file_id=clip.file_id)
    return None
