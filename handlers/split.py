"""Long texts split for Telegram's 4096-character limit, never silently truncated."""

from __future__ import annotations

from collections.abc import Callable

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
