"""Long texts split for Telegram's limits, never silently truncated.

Telegram counts a text's length in UTF-16 code units (an emoji is two), after entity parsing,
so that is what the limits here count too: 2,048 emoji fill a message, not 4,096.
"""

from __future__ import annotations

from collections.abc import Callable

TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CAPTION_LIMIT = 1024
SAFE_LIMIT = 4000


def utf16_len(text: str) -> int:
    """The length Telegram sees: UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 code units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = SAFE_LIMIT) -> list[str]:
    """Cut `text` into chunks of at most `limit` UTF-16 code units, preferring line then word breaks.

    The chunks joined give back exactly `text`.
    Split before escaping: Telegram counts characters after entity parsing, and escaping a chunk
    afterwards can never cut an `&amp;` in half.
    """
    chunks: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        fits = _fitting_prefix(rest, limit)
        cut = rest.rfind("\n", fits // 2, fits)
        if cut <= 0:
            cut = rest.rfind(" ", fits // 2, fits)
        if cut <= 0:
            cut = fits or 1  # a limit below one character still moves on
        chunks.append(rest[:cut])
        rest = rest[cut:]
    chunks.append(rest)
    return chunks


def trim_text(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-16 code units, ending in "…" when something was cut."""
    if utf16_len(text) <= limit:
        return text
    return text[: _fitting_prefix(text, limit - 1)] + "…"


def fit_lines(lines: list[str], more: Callable[[int], str], limit: int = SAFE_LIMIT) -> str:
    """Join `lines` (HTML) into one message of at most `limit` characters.

    Lines that do not fit are dropped from the end and counted in a last line, `more(count)`
    ("… and 11 more"), so a list that grows is trimmed visibly, never cut mid-tag or refused by
    Telegram. The first line (a title) is always kept.
    """
    kept: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        tail = len(more(len(lines) - index)) + 1 if index < len(lines) - 1 else 0
        if kept and size + len(line) + 1 + tail > limit:
            return "\n".join([*kept, more(len(lines) - index)])
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)
