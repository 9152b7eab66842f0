"""The Messenger port on python-telegram-bot's Bot, with PTB's exceptions mapped to the neutral ones.

Parse mode and link previews are passed on every call (no PTB `Defaults`), so the messages are the
same as aiogram's. PTB's own rate limiter is not used: the desk's outbound queue owns pacing and
must see every 429 itself.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram import error as ptb_error
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.warnings import PTBDeprecationWarning

from bot.runtime.convert import to_user
from bot.runtime.errors import (
    REJECTED_TOKEN,
    bad_request,
    check_album,
    check_editable,
    file_arguments,
)
from handlers.events import Attachment, Keyboard, Member, Outgoing, TopicOp
from handlers.messenger import BadRequest, Forbidden, RetryAfter, TelegramError, Unauthorized

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

# PTB 22 warns on every RetryAfter it builds unless time periods are timedeltas, its documented
# opt-in and the default of its next major version; `retry_seconds` reads either.
os.environ.setdefault("PTB_TIMEDELTA", "true")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
ALBUM_MEDIA = {"photo": InputMediaPhoto, "document": InputMediaDocument, "audio": InputMediaAudio}


def retry_seconds(exc: ptb_error.RetryAfter) -> float:
    """`retry_after` in seconds; PTB 22 returns int or timedelta (PTB_TIMEDELTA) and warns about the int."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@contextmanager
def neutral_errors() -> Iterator[None]:
    """Re-raise PTB's failures as the Messenger port's errors (network trouble: plain TelegramError).

    PTB's BadRequest subclasses its NetworkError, so it is matched first. InvalidToken (401/404)
    drops the original: the one `Bot.initialize` raises quotes the token.
    """
    try:
        yield
    except ptb_error.RetryAfter as exc:
        raise RetryAfter(retry_seconds(exc)) from exc
    except ptb_error.Forbidden as exc:
        raise Forbidden(exc.message) from exc
    except ptb_error.BadRequest as exc:
        raise bad_request(exc.message) from exc
    except ptb_error.ChatMigrated as exc:
        raise BadRequest(f"group became supergroup {exc.new_chat_id}") from exc
    except ptb_error.InvalidToken:
        raise Unauthorized(REJECTED_TOKEN) from None  # PTB's message may quote the token
    except ptb_error.TelegramError as exc:
        raise TelegramError(exc.message) from exc


def reply_markup(keyboard: Keyboard | None) -> Markup | None:
    """PTB's markup for a neutral keyboard: remove, contact request or inline rows, in that order."""
    if keyboard is None:
        return None
    if keyboard.remove:
        return ReplyKeyboardRemove()
    if keyboard.contact_request is not None:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(keyboard.contact_request, request_contact=True)]],
            one_time_keyboard=True,
            resize_keyboard=True,
        )
    return inline_markup(keyboard)


def inline_markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """Inline buttons only (what an edit accepts); None when there are none."""
    if keyboard is None or not keyboard.rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in keyboard.rows]
    )


class PtbMessenger:
    """Sends, edits and answers through a PTB Bot; every failure leaves as a neutral error."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, message: Outgoing) -> int:
        """Send a text, a file (photo, document, voice...) by file id with the text as caption, or an
        album with the text as its first item's caption; return the (first) message's id."""
        if message.album:
            return await self._send_album(message)
        markup = reply_markup(message.keyboard)
        reply = _reply_parameters(message)
        attachment = message.attachment
        with neutral_errors():
            sent: Message
            if attachment is None:
                sent = await self._bot.send_message(
                    chat_id=message.chat_id,
                    text=message.text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW,
                    message_thread_id=message.thread_id,
                    reply_parameters=reply,
                    reply_markup=markup,
                )
            else:
                sent = await self._send_file(message, attachment, reply, markup)
        return sent.message_id

    async def _send_file(
        self, message: Outgoing, attachment: Attachment, reply: ReplyParameters | None, markup: Markup | None
    ) -> Message:
        """sendPhoto, sendDocument, sendVoice, sendAudio or sendVideoNote (no caption on a video note)."""
        arguments = file_arguments(message, attachment, _media(attachment))
        method = getattr(self._bot, f"send_{attachment.kind}")
        sent: Message = await method(
            chat_id=message.chat_id,
            message_thread_id=message.thread_id,
            reply_parameters=reply,
            reply_markup=markup,
            **arguments,
        )
        return sent

    async def _send_album(self, message: Outgoing) -> int:
        """sendMediaGroup: the album's files by id, the text as the first one's caption."""
        check_album([item.kind for item in message.album])
        media = [
            ALBUM_MEDIA[item.kind](
                media=_media(item),
                caption=(message.text or None) if index == 0 else None,
                parse_mode=ParseMode.HTML,
            )
            for index, item in enumerate(message.album)
        ]
        reply = _reply_parameters(message)
        with neutral_errors():
            sent = await self._bot.send_media_group(
                chat_id=message.chat_id,
                media=media,
                message_thread_id=message.thread_id,
                reply_parameters=reply,
            )
        return sent[0].message_id

    async def edit(
        self, chat_id: int, message_id: int, text: str | None, keyboard: Keyboard | None = None
    ) -> None:
        """Replace text and inline keyboard (no keyboard removes it, as Telegram does).

        With `text=None` only the keyboard changes (editMessageReplyMarkup).
        """
        check_editable(keyboard)
        with neutral_errors():
            if text is None:
                await self._bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message_id, reply_markup=inline_markup(keyboard)
                )
                return
            await self._bot.edit_message_text(
                text=text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=inline_markup(keyboard),
            )

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        """Stop the button's spinner, with a toast (or an alert) when there is text."""
        with neutral_errors():
            await self._bot.answer_callback_query(callback_id, text=text or None, show_alert=alert)

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        """The user's status in the chat as Telegram's plain word (creator, member, left...), and name."""
        with neutral_errors():
            member = await self._bot.get_chat_member(chat_id=chat_id, user_id=user_id)
        return Member(ChatMemberStatus(member.status).value, to_user(member.user))

    async def topic(self, op: TopicOp) -> int:
        """createForumTopic (the new thread id), or editForumTopic, closeForumTopic, reopenForumTopic."""
        with neutral_errors():
            if op.action == "create":
                created = await self._bot.create_forum_topic(
                    chat_id=op.chat_id, name=op.name, icon_color=op.icon_color
                )
                return created.message_thread_id
            if op.thread_id is None:
                raise BadRequest(f"topic {op.action} needs a thread id")
            if op.action == "edit":
                await self._bot.edit_forum_topic(
                    chat_id=op.chat_id, message_thread_id=op.thread_id, name=op.name
                )
            elif op.action == "close":
                await self._bot.close_forum_topic(chat_id=op.chat_id, message_thread_id=op.thread_id)
            elif op.action == "reopen":
                await self._bot.reopen_forum_topic(chat_id=op.chat_id, message_thread_id=op.thread_id)
            else:
                raise BadRequest(f"unknown topic action {op.action!r}")
        return op.thread_id


def _reply_parameters(message: Outgoing) -> ReplyParameters | None:
    """The reply a message makes (sent even if the message it answers is gone), if any."""
    if message.reply_to is None:
        return None
    return ReplyParameters(message.reply_to, allow_sending_without_reply=True)


def _media(attachment: Attachment) -> str | InputFile:
    """A file id to re-send, or the bytes the desk made, uploaded."""
    if attachment.data is not None:
        return InputFile(attachment.data, filename=attachment.file_name or f"{attachment.kind}.bin")
    return attachment.file_id
