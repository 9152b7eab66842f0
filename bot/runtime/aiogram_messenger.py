"""The Messenger port on aiogram's Bot, with aiogram's exceptions mapped to the neutral ones.

Parse mode and link previews are passed on every call rather than left to the Bot's defaults, so
the messages are the same whatever Bot this is given, and the same as python-telegram-bot's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiogram import Bot
from aiogram.enums import ChatMemberStatus, ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
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
from aiogram.types.base import TelegramObject
from pydantic import ConfigDict

from bot.runtime.convert import to_user
from bot.runtime.errors import (
    REJECTED_TOKEN,
    bad_request,
    check_album,
    check_editable,
    file_arguments,
)
from handlers.events import Attachment, Keyboard, Member, Outgoing, TopicOp, User
from handlers.messenger import BadRequest, Forbidden, RetryAfter, TelegramError, Unauthorized

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
ALBUM_MEDIA = {"photo": InputMediaPhoto, "document": InputMediaDocument, "audio": InputMediaAudio}


@contextmanager
def neutral_errors() -> Iterator[None]:
    """Re-raise aiogram's failures as the Messenger port's errors (network trouble: plain TelegramError)."""
    try:
        yield
    except TelegramRetryAfter as exc:
        raise RetryAfter(float(exc.retry_after)) from exc
    except TelegramForbiddenError as exc:
        raise Forbidden(exc.message) from exc
    except TelegramBadRequest as exc:
        raise bad_request(exc.message) from exc
    except TelegramMigrateToChat as exc:
        raise BadRequest(f"group became supergroup {exc.migrate_to_chat_id}") from exc
    except TelegramUnauthorizedError as exc:
        raise Unauthorized(REJECTED_TOKEN) from exc
    except (TelegramAPIError, ClientDecodeError) as exc:
        raise TelegramError(exc.message) from exc


class SentMessageId(TelegramObject):
    """What the outbox keeps of a message Telegram accepted: its id.

    aiogram validates a sent message's whole answer into a `Message` (sender, chat, entities,
    keyboard), about 35 microseconds each; the desk reads only `message_id`, so the rest of the
    answer is ignored rather than validated (about 7). Telegram's answer is unchanged.
    """

    model_config = ConfigDict(extra="ignore")

    message_id: int


class SendText(SendMessage):
    """sendMessage exactly as aiogram sends it, answered with the new message's id only."""

    __returning__ = SentMessageId  # type: ignore[assignment]


def reply_markup(keyboard: Keyboard | None) -> Markup | None:
    """aiogram's markup for a neutral keyboard: remove, contact request or inline rows, in that order."""
    if keyboard is None:
        return None
    if keyboard.remove:
        return ReplyKeyboardRemove()
    if keyboard.contact_request is not None:
        return ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text=keyboard.contact_request, request_contact=True)]],
            one_time_keyboard=True,
            resize_keyboard=True,
        )
    return inline_markup(keyboard)


def inline_markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    """Inline buttons only (what an edit accepts); None when there are none."""
    if keyboard is None or not keyboard.rows:
        return None
    rows = [[InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row] for row in keyboard.rows]
    return InlineKeyboardMarkup(inline_keyboard=rows)


class AiogramMessenger:
    """Sends, edits and answers through an aiogram Bot; every failure leaves as a neutral error."""

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
            if attachment is None:
                sent = await self._bot(
                    SendText(
                        chat_id=message.chat_id,
                        text=message.text,
                        parse_mode=ParseMode.HTML,
                        link_preview_options=NO_PREVIEW,
                        message_thread_id=message.thread_id,
                        reply_parameters=reply,
                        reply_markup=markup,
                    )
                )
                return sent.message_id
            return (await self._send_file(message, attachment, reply, markup)).message_id

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
                media=media,  # type: ignore[arg-type]
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
        """The user's status in the chat as Telegram's plain word (creator, member, left...), and name.

        A member aiogram cannot parse (its models require every privilege flag of the newest Bot
        API, which a server may not send yet) still yields its status and name from the raw body.
        """
        with neutral_errors():
            try:
                member = await self._bot.get_chat_member(chat_id=chat_id, user_id=user_id)
            except ClientDecodeError as exc:
                raw = raw_member(exc.data)
                if raw is None:
                    raise
                return raw
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


def raw_member(response: object) -> Member | None:
    """The member in a getChatMember response body, if its status is one of Telegram's words."""
    result = response.get("result") if isinstance(response, dict) else None
    status = result.get("status") if isinstance(result, dict) else None
    user = result.get("user") if isinstance(result, dict) else None
    known = {member.value for member in ChatMemberStatus}
    if not (isinstance(status, str) and status in known and isinstance(user, dict)):
        return None
    return Member(
        status,
        User(
            id=int(user.get("id", 0)),
            first_name=str(user.get("first_name", "")),
            username=user.get("username"),
            is_bot=bool(user.get("is_bot")),
        ),
    )


def _reply_parameters(message: Outgoing) -> ReplyParameters | None:
    """The reply a message makes (sent even if the message it answers is gone), if any."""
    if message.reply_to is None:
        return None
    return ReplyParameters(message_id=message.reply_to, allow_sending_without_reply=True)


def _media(attachment: Attachment) -> str | BufferedInputFile:
    """A file id to re-send, or the bytes the desk made, uploaded."""
    if attachment.data is not None:
        return BufferedInputFile(attachment.data, filename=attachment.file_name or f"{attachment.kind}.bin")
    return attachment.file_id
