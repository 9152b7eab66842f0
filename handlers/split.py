"""Long texts split for Telegram's limits, never silently truncated.

Telegram counts a text's length in UTF-16 code units (an emoji is two), after entity parsing,
so that is what the limits here count too: 2,048 emoji fill a message, not 4,096.
"""

from __future__ import annotations

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
