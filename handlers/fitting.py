"""A Sender that never loses what Telegram refuses as too long: it splits or trims and sends again.

The handlers split what they know may be long (a customer's paste, an agent's reply), but the
limits are Telegram's to judge (UTF-16 code units after HTML parsing: 4,096 for a text, 1,024
for a caption, 200 for a button's alert), and a text can outgrow them in ways no handler
foresaw: a card quoting an emoji-heavy message, a summary or a list that grew, a header added
to a full-length part. Telegram refuses such a send with 400 ("message is too long", "message
caption is too long", MESSAGE_TOO_LONG); before this wrapper that refusal failed the one job,
and the text was gone. Now:
- a message is sent again as plain text in parts that fit (the inline keyboard on the last
  part, the reply on the first; an attachment goes first, with its caption after it);
- an edit, which must stay one message, is trimmed to fit and ends in "…";
- a button's alert is trimmed;
and each is logged at WARNING, so an operator sees which texts outgrow the limits.

The formatting (bold, quotes, links) of a refused text is given up, not its words.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import replace

from handlers.events import Keyboard, Member, Outgoing, TopicOp
from handlers.messenger import BadRequest, Sender
from handlers.split import SAFE_LIMIT, split_text, trim_text, utf16_len

log = logging.getLogger(__name__)

ALERT_LIMIT = 200
_TAG = re.compile(r"<[^>]*>")


def refused_as_too_long(error: BadRequest) -> bool:
    """Whether Telegram refused a request because a text (or caption, or entities) is too long."""
    return "too long" in str(error).lower().replace("_", " ")


def plain_text(text: str) -> str:
    """What an HTML text reads as: tags dropped, entities decoded (Telegram's own count)."""
    return html.unescape(_TAG.sub("", text))


def in_parts(message: Outgoing) -> list[Outgoing]:
    """`message` as messages that fit: plain-text parts, keyboard last, reply first, attachment first."""
    parts = [
        replace(message, text=html.escape(part), keyboard=None, attachment=None, album=(), reply_to=None)
        for part in split_text(plain_text(message.text), SAFE_LIMIT)
        if part.strip()
    ]
    if message.attachment is not None or message.album:
        parts.insert(0, replace(message, text="", keyboard=None, reply_to=None))
    parts[0] = replace(parts[0], reply_to=message.reply_to)
    parts[-1] = replace(parts[-1], keyboard=message.keyboard)
    return parts


def trimmed(text: str, limit: int = SAFE_LIMIT) -> str:
    """An HTML text cut to fit in one message, as escaped plain text ending in "…"."""
    return html.escape(trim_text(plain_text(text), limit))


class FittingSender:
    """Wraps the desk's Sender: a send, edit or alert refused as too long is split or trimmed and retried."""

    def __init__(self, inner: Sender) -> None:
        self.inner = inner

    async def send(self, message: Outgoing) -> int:
        """Send; if refused as too long, send it in parts and return the id of the last one (its buttons)."""
        try:
            return await self.inner.send(message)
        except BadRequest as exc:
            if not refused_as_too_long(exc):
                raise
            parts = in_parts(message)
            log.warning(
                "message to chat %s refused as too long (%s, %d characters): sent in %d parts as plain text",
                message.chat_id,
                exc,
                utf16_len(plain_text(message.text)),
                len(parts),
            )
        message_id = 0
        for part in parts:
            message_id = await self.inner.send(part)
        return message_id

    async def edit(
        self,
        chat_id: int,
        message_id: int,
        text: str | None,
        keyboard: Keyboard | None = None,
        priority: int = 3,
    ) -> None:
        """Edit; if refused as too long, edit with the text trimmed to fit (a keyboard-only edit never is)."""
        try:
            await self.inner.edit(chat_id, message_id, text, keyboard, priority)
            return
        except BadRequest as exc:
            if text is None or not refused_as_too_long(exc):
                raise
            log.warning(
                "edit of message %s in chat %s refused as too long (%s): trimmed to %d characters",
                message_id,
                chat_id,
                exc,
                SAFE_LIMIT,
            )
        await self.inner.edit(chat_id, message_id, trimmed(text), keyboard, priority)

    async def answer_button(self, callback_id: str, text: str = "", alert: bool = False) -> None:
        """Answer a press; an alert refused as too long is trimmed to Telegram's 200 characters."""
        try:
            await self.inner.answer_button(callback_id, text, alert)
            return
        except BadRequest as exc:
            if not refused_as_too_long(exc):
                raise
            log.warning("button answer refused as too long (%s): trimmed to %d characters", exc, ALERT_LIMIT)
        await self.inner.answer_button(callback_id, trim_text(text, ALERT_LIMIT), alert)

    async def chat_member(self, chat_id: int, user_id: int) -> Member:
        """Passed through (a read, not a send)."""
        return await self.inner.chat_member(chat_id, user_id)

    async def topic(self, op: TopicOp) -> int:
        """Passed through (a topic's name is cut to fit where it is made)."""
        return await self.inner.topic(op)
