"""Checks and texts both messengers share, so the two frameworks fail the same way on the same input."""

from __future__ import annotations

from handlers.events import Keyboard
from handlers.messenger import BadRequest

NOT_MODIFIED = "message is not modified"
REJECTED_TOKEN = "the Bot API rejected the bot token"


def unknown_attachment(kind: str) -> BadRequest:
    """Only photos and documents can be re-sent by file id; anything else is a programming error."""
    return BadRequest(f"cannot send an attachment of kind {kind!r} (photo or document only)")


def check_editable(keyboard: Keyboard | None) -> None:
    """An edited message can only carry inline buttons; say so before Telegram does, in the same terms."""
    if keyboard is not None and (keyboard.remove or keyboard.contact_request is not None):
        raise BadRequest("an edit takes inline buttons only, not a reply keyboard")
