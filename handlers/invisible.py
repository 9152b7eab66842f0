"""Invisible control characters taken out of what people send, before anyone else is shown it.

A name or a message can carry characters that display nothing but change what is displayed
around them: U+202E (right-to-left override) left unterminated in a card reverses the rest of
the line, so a name followed by it turns "P3" after it into "3P" and the customer's words into
someone else's; a zero-width space (U+200B) inside "cancelar" looks like the word to an agent
but not to the matcher. They reach agents and managers through every path that quotes a
customer (cards, relays, pings, lists, handovers, summaries, FAQ gaps, the CLI), so they are
removed once, where text enters the desk (`bot.runtime.convert`), rather than at each output.

Removed: the bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069), the
directional marks (U+200E, U+200F, U+061C), the zero-width space, word joiner, invisible
operators and byte-order mark (U+200B, U+2060-2064, U+FEFF), and U+180E. Kept where they do a
visible job: the zero-width joiner inside emoji sequences (a family emoji is faces joined by
it) and the zero-width non-joiner between letters of the scripts that use it (Persian, Indic);
elsewhere they are removed too.
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"
ZWJ = "\u200d"
EMOJI_PARTS = frozenset({"So", "Sk"})

_ALWAYS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060-\u2064\ufeff\u180e]")
_JOINERS = re.compile(f"[{ZWNJ}{ZWJ}]")


def without_invisible_controls(text: str) -> str:
    """`text` without directional and zero-width control characters (joiners kept where they join)."""
    text = _ALWAYS.sub("", text)
    if ZWNJ not in text and ZWJ not in text:
        return text
    return _JOINERS.sub(lambda found: found.group() if _joins(text, found.start()) else "", text)


def _joins(text: str, at: int) -> bool:
    """Whether the joiner at `at` changes rendering: inside an emoji sequence, or between letters."""
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if not before or not after:
        return False
    if text[at] == ZWJ:
        return _emoji_part(before) and _emoji_part(after)
    return _script_letter(before) and _script_letter(after)


def _script_letter(char: str) -> bool:
    """A letter of a script that uses the non-joiner (not Latin: in Latin words it only hides a break)."""
    return (
        not char.isascii()
        and unicodedata.category(char).startswith("L")
        and "LATIN" not in unicodedata.name(char, "")
    )


def _emoji_part(char: str) -> bool:
    """A pictograph, a skin-tone modifier or the emoji variation selector."""
    return char == "\ufe0f" or unicodedata.category(char) in EMOJI_PARTS
