"""reply_markup checked as Telegram checks it, so a keyboard that production refuses fails here too.

The limits that bite in practice: callback_data is 1-64 *bytes* (a long ticket id in UTF-8 breaks
it), every inline button needs exactly one action, and a markup has at most 100 buttons. Only
inline keyboards are stored on the Message (Telegram's Message.reply_markup is an
InlineKeyboardMarkup); a reply keyboard is the chat's state on the user's side and is kept there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from sandbox.errors import bad_request

MAX_BUTTONS = 100
MAX_CALLBACK_DATA_BYTES = 64
INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
INLINE_EXTRAS = ("icon_custom_emoji_id", "style")
KEYBOARD_FIELDS = (
    "is_persistent",
    "resize_keyboard",
    "one_time_keyboard",
    "input_field_placeholder",
    "selective",
)
URL_PATTERN = re.compile(r"^(?:(?:https?|tg)://)?[\w.-]+(?:\.[A-Za-z]{2,}|:\d+)(?:[/?#]\S*)?$|^tg://\S+$")

MarkupKind = Literal["inline", "keyboard", "remove", "force_reply"]


@dataclass(frozen=True)
class ReplyMarkup:
    """A validated reply_markup: which of Telegram's four kinds, and its normalised JSON."""

    kind: MarkupKind
    data: dict[str, Any]


def _rows(markup: dict[str, Any], key: str, type_name: str) -> list[list[Any]]:
    rows = markup.get(key)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{key}" of the {type_name} should be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not button["text"]:
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    if not any(button.get(name) is not None for name in INLINE_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES
    ):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and (not isinstance(url, str) or not URL_PATTERN.match(url)):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return {
        name: button[name]
        for name in ("text", *INLINE_EXTRAS, *INLINE_ACTIONS)
        if button.get(name) is not None
    }


def _keyboard_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    return {name: value for name, value in button.items() if value is not None}


def parse_reply_markup(value: Any) -> ReplyMarkup | None:
    """Validate a decoded reply_markup; None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        rows = _rows(value, "inline_keyboard", "InlineKeyboardMarkup")
        return ReplyMarkup("inline", {"inline_keyboard": [[_inline_button(b) for b in row] for row in rows]})
    if "keyboard" in value:
        rows = _rows(value, "keyboard", "ReplyKeyboardMarkup")
        keyboard: dict[str, Any] = {"keyboard": [[_keyboard_button(b) for b in row] for row in rows]}
        keyboard.update({name: value[name] for name in KEYBOARD_FIELDS if value.get(name) is not None})
        return ReplyMarkup("keyboard", keyboard)
    if value.get("remove_keyboard") is True:
        return ReplyMarkup("remove", {"remove_keyboard": True})
    if value.get("force_reply") is True:
        return ReplyMarkup("force_reply", {name: v for name, v in value.items() if v is not None})
    raise bad_request("can't parse reply keyboard markup JSON object")


def inline_markup(value: Any) -> dict[str, Any] | None:
    """The InlineKeyboardMarkup to store on a message: edits accept only inline keyboards.

    An empty inline keyboard means no keyboard, as in Telegram's answers.
    """
    markup = parse_reply_markup(value)
    if markup is None:
        return None
    if markup.kind != "inline":
        raise bad_request("inline keyboard expected")
    return markup.data if markup.data["inline_keyboard"] else None
