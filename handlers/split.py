"""Long texts split for Telegram's 4096-character limit, never silently truncated."""

from __future__ import annotations

TELEGRAM_TEXT_LIMIT = 4096
SAFE_LIMIT = 4000


def split_text(text: str, limit: int = SAFE_LIMIT) -> list[str]:
    """Cut `text` into chunks of at most `limit` characters, preferring line then word breaks.

    The chunks joined give back exactly `text`.
    Split before escaping: Telegram counts characters after entity parsing, and escaping a chunk
    afterwards can never cut an `&amp;` in half.
    """
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", limit // 2, limit)
        if cut == -1:
            cut = rest.rfind(" ", limit // 2, limit)
        if cut == -1:
            cut = limit
        chunks.append(rest[:cut])
        rest = rest[cut:]
    chunks.append(rest)
    return chunks
