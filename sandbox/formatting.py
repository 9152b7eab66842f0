"""From what a method received (text, parse_mode, entities) to what Telegram stores and returns.

Telegram parses the markup, trims surrounding whitespace, checks the length *after* parsing (in
UTF-16 code units, like entity offsets) and adds the entities it detects itself (commands, links,
mentions) to every text message. Handlers rely on those: PTB's CommandHandler only sees a command
when a `bot_command` entity starts the text. This module does the same for the sandbox.

Supported parse modes: none and HTML. Markdown and MarkdownV2 are answered with a 400 "can't parse
entities" so a bot using them fails loudly in the sandbox instead of showing raw markup.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import bad_request
from sandbox.html_entities import EntityParseError, UserLookup, parse_html, utf16_len

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
TRIMMED = " \t\r\n"

AUTO_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/@<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@<>])")),
    ("url", re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?!\w)")),
    ("mention", re.compile(r"(?<![\w@/.])@[A-Za-z0-9_]{4,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#/])#\w*[^\W\d]\w*")),
)
# Telegram does not look for links or commands inside these.
OPAQUE_ENTITIES = frozenset({"code", "pre", "text_link", "text_mention", "url", "email", "custom_emoji"})


def _parse(
    raw: str, parse_mode: str | None, entities: Any, lookup_user: UserLookup | None
) -> tuple[str, list[dict[str, Any]]]:
    """Explicit entities win over parse_mode, as in Telegram (aiogram sends both with a default mode)."""
    if entities is not None:
        return raw, _checked_entities(entities, utf16_len(raw))
    if not parse_mode:
        return raw, []
    mode = parse_mode.lower()
    if mode == "html":
        try:
            return parse_html(raw, lookup_user)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if mode in {"markdown", "markdownv2"}:
        raise bad_request(
            f"can't parse entities: parse mode {parse_mode} is not supported by the sandbox, use HTML"
        )
    raise bad_request("unsupported parse_mode")


def _checked_entities(entities: Any, text_length: int) -> list[dict[str, Any]]:
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    checked = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise bad_request('can\'t parse MessageEntity: Field "offset" must be of type Integer')
        if length and offset + length <= text_length:
            checked.append(dict(entity))
    return sorted(checked, key=lambda item: (item["offset"], -item["length"]))


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace as Telegram does, moving and clipping entities along."""
    stripped = text.strip(TRIMMED)
    lead = len(text) - len(text.lstrip(TRIMMED))  # whitespace is in the BMP: one code unit each
    total = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def detect_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the entities Telegram finds by itself (commands, URLs, e-mails, mentions, hashtags)."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities if e["type"] in OPAQUE_ENTITIES]
    found: list[dict[str, Any]] = []
    for entity_type, pattern in AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group())
            if any(start < taken_end and taken_start < end for taken_start, taken_end in taken):
                continue
            taken.append((start, end))
            found.append({"offset": start, "length": end - start, "type": entity_type})
    return sorted([*entities, *found], key=lambda item: (item["offset"], -item["length"]))


def format_text(
    raw: str | None,
    parse_mode: str | None,
    entities: Any,
    *,
    caption: bool = False,
    lookup_user: UserLookup | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """The stored text and entities of a message text or caption, or Telegram's 400 for it."""
    text, parsed = _parse(raw or "", parse_mode, entities, lookup_user)
    text, parsed = _trim(text, parsed)
    if caption:
        if utf16_len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
    elif not text:
        raise bad_request("message text is empty")
    elif utf16_len(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text, detect_entities(text, parsed)


def split_long_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Cut a user's long text as Telegram apps do before sending it: parts of at most `limit` UTF-16
    code units, cut at the last newline or space of a part when there is one.

    A user can never send more than 4096 characters in one message; the apps send several.
    """
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        units, cut = 0, 0
        while units + utf16_len(rest[cut]) <= limit:
            units += utf16_len(rest[cut])
            cut += 1
        space = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
        cut = space if space > 0 else cut
        parts.append(rest[:cut])
        rest = rest[cut:]
    parts.append(rest)
    return [part for part in parts if part.strip(TRIMMED)]
