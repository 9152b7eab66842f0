"""Checks and texts both messengers share, so the two frameworks fail the same way on the same input."""

from __future__ import annotations

from typing import Any

from handlers.events import Attachment, Keyboard, Outgoing
from handlers.messenger import BadRequest, NotModified, TopicClosed, TopicGone

NOT_MODIFIED = "message is not modified"
REJECTED_TOKEN = "the Bot API rejected the bot token"
TOPIC_GONE = ("message thread not found", "topic_deleted", "topic_id_invalid")
TOPIC_CLOSED = "topic_closed"
TOPIC_NOT_MODIFIED = "topic_not_modified"
TOPIC_COLOURS = frozenset({0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F})


def bad_request(message: str) -> BadRequest:
    """A 400 as the port's error: "not modified" (harmless), and a topic that is gone or closed told
    apart (the desk mends it)."""
    lowered = message.lower()
    if NOT_MODIFIED in lowered or TOPIC_NOT_MODIFIED in lowered:
        return NotModified(message)
    if any(words in lowered for words in TOPIC_GONE):
        return TopicGone(message)
    if TOPIC_CLOSED in lowered:
        return TopicClosed(message)
    return BadRequest(message)


# What can be sent by file id (each with Telegram's send_<kind> method), and what takes no caption.
SENDABLE = frozenset({"photo", "document", "voice", "audio", "video_note"})
CAPTIONLESS = frozenset({"video_note"})
ALBUM_KINDS = frozenset({"photo", "document", "audio"})


def unknown_attachment(kind: str) -> BadRequest:
    """Only what Telegram can re-send by file id is sent; anything else is a programming error."""
    return BadRequest(f"cannot send an attachment of kind {kind!r} ({', '.join(sorted(SENDABLE))} only)")


def file_arguments(message: Outgoing, attachment: Attachment, media: object) -> dict[str, Any]:
    """The file and caption arguments of Telegram's `send_<kind>` for an attachment (`media`: its
    file id or upload, as the framework takes it), in both frameworks alike: a video note takes no
    caption, and what Telegram cannot re-send by file id is refused."""
    if attachment.kind not in SENDABLE:
        raise unknown_attachment(attachment.kind)
    arguments: dict[str, Any] = {attachment.kind: media}
    if attachment.kind not in CAPTIONLESS:
        arguments.update(caption=message.text or None, parse_mode="HTML")
    return arguments


def check_album(kinds: list[str]) -> None:
    """An album holds photos, documents or audio files (2-10); say so before Telegram does."""
    if not 2 <= len(kinds) <= 10 or not set(kinds) <= ALBUM_KINDS:
        raise BadRequest(f"an album takes 2-10 photos, documents or audio files, not {kinds}")


def check_editable(keyboard: Keyboard | None) -> None:
    """An edited message can only carry inline buttons; say so before Telegram does, in the same terms."""
    if keyboard is not None and (keyboard.remove or keyboard.contact_request is not None):
        raise BadRequest("an edit takes inline buttons only, not a reply keyboard")
