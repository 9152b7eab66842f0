"""JSON forms of what the durable queues hold: stored in Redis, read back by any worker.

A job outlives the process that made it, so its content is data, not a Python object: plain JSON,
with file bytes (a chart) as base64. Every field round-trips, so the worker that sends a message
sends exactly what the handler described.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from handlers.events import Attachment, Button, Keyboard, Outgoing


def keyboard_to_data(keyboard: Keyboard | None) -> dict[str, Any] | None:
    """A keyboard as JSON-ready data (None stays None: "no keyboard")."""
    if keyboard is None:
        return None
    return {
        "rows": [[{"text": button.text, "data": button.data} for button in row] for row in keyboard.rows],
        "contact_request": keyboard.contact_request,
        "remove": keyboard.remove,
    }


def keyboard_from_data(data: dict[str, Any] | None) -> Keyboard | None:
    """The keyboard `keyboard_to_data` described."""
    if data is None:
        return None
    return Keyboard(
        rows=tuple(tuple(Button(button["text"], button["data"]) for button in row) for row in data["rows"]),
        contact_request=data["contact_request"],
        remove=data["remove"],
    )


def keyboard_to_json(keyboard: Keyboard | None) -> str:
    """A keyboard (or None) as JSON text: an edit's new keyboard, stored beside its text."""
    return json.dumps(keyboard_to_data(keyboard), ensure_ascii=False, separators=(",", ":"))


def keyboard_from_json(text: str) -> Keyboard | None:
    """The keyboard `keyboard_to_json` wrote."""
    return keyboard_from_data(json.loads(text))


def _attachment_to_data(attachment: Attachment | None) -> dict[str, Any] | None:
    if attachment is None:
        return None
    return {
        "kind": attachment.kind,
        "file_id": attachment.file_id,
        "file_name": attachment.file_name,
        "data": None if attachment.data is None else base64.b64encode(attachment.data).decode("ascii"),
    }


def _attachment_from_data(data: dict[str, Any] | None) -> Attachment | None:
    if data is None:
        return None
    raw = data["data"]
    return Attachment(
        kind=data["kind"],
        file_id=data["file_id"],
        file_name=data["file_name"],
        data=None if raw is None else base64.b64decode(raw),
    )


def outgoing_to_json(message: Outgoing) -> str:
    """A message to send as JSON text: what an outbox job carries until some worker sends it."""
    return json.dumps(
        {
            "chat_id": message.chat_id,
            "text": message.text,
            "keyboard": keyboard_to_data(message.keyboard),
            "thread_id": message.thread_id,
            "reply_to": message.reply_to,
            "attachment": _attachment_to_data(message.attachment),
            "priority": message.priority,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def outgoing_from_json(text: str) -> Outgoing:
    """The message `outgoing_to_json` stored, equal to the original."""
    data = json.loads(text)
    return Outgoing(
        chat_id=data["chat_id"],
        text=data["text"],
        keyboard=keyboard_from_data(data["keyboard"]),
        thread_id=data["thread_id"],
        reply_to=data["reply_to"],
        attachment=_attachment_from_data(data["attachment"]),
        priority=data["priority"],
    )
