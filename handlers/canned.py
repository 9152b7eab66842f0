"""Canned replies: the answers a desk gives every day, sent with one command or two taps.

One YAML file per language (`pt.yaml`, `en.yaml`, `es.yaml`) in a directory: the packaged set for
an IPTV desk, or the provider's own (CANNED_REPLIES_DIR). Every file has the same keys, so an agent
picks a key and the customer gets the text in the customer's language. Each entry has a `title`
(the button agents see) and a `text` with fields filled from the ticket: only `{name}`, `{ticket}`,
`{plan}` and `{agent}`, checked at load, so a template can neither reach into Python objects
(`{name.__class__}`) nor fail at send time. A broken file stops the start with one line naming the
file, the key and the problem.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from handlers.texts import LANGUAGES

DEFAULT_CANNED_DIR = Path(__file__).with_name("canned_replies")
FIELDS = frozenset({"name", "ticket", "plan", "agent"})
KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,24}$")  # fits the 64-byte signed button data with the ticket
MAX_REPLIES = 24  # two buttons a row: 12 rows, well within Telegram's inline keyboard limits
TITLE_MAX = 30
TEXT_MAX = 3000  # room for the header the customer's message gets, within Telegram's 4096


class CannedRepliesError(Exception):
    """A canned replies file is missing or wrong; the message names the file, the key and why."""


@dataclass(frozen=True, slots=True)
class CannedReply:
    """One canned reply: its button title and its template, per language."""

    key: str
    titles: Mapping[str, str]
    texts: Mapping[str, str]

    def render(self, language: str, fields: Mapping[str, str]) -> str:
        """The text in `language` with the ticket's fields (plain text: the caller escapes it)."""
        return self.texts.get(language, self.texts["en"]).format_map(fields)


class CannedReplies:
    """The desk's canned replies, by key, in the order the files list them."""

    def __init__(self, replies: Mapping[str, CannedReply]) -> None:
        self._replies = dict(replies)

    @classmethod
    def load(cls, directory: Path | None = None) -> CannedReplies:
        """Read and check `<directory>/<language>.yaml` for every language (the packaged set by default)."""
        folder = directory or DEFAULT_CANNED_DIR
        per_language = {language: _read(folder / f"{language}.yaml") for language in LANGUAGES}
        first = per_language[LANGUAGES[0]]
        for language, entries in per_language.items():
            if list(entries) != list(first):
                missing = sorted(set(first) ^ set(entries))
                raise CannedRepliesError(
                    f"{folder / f'{language}.yaml'}: keys differ from {LANGUAGES[0]}.yaml "
                    f"({', '.join(missing) or 'in another order'}); every language needs the same keys"
                )
        return cls(
            {
                key: CannedReply(
                    key,
                    {language: per_language[language][key][0] for language in LANGUAGES},
                    {language: per_language[language][key][1] for language in LANGUAGES},
                )
                for key in first
            }
        )

    def __iter__(self) -> Iterator[CannedReply]:
        """Every reply, in file order."""
        return iter(self._replies.values())

    @property
    def keys(self) -> list[str]:
        """Every key, in file order."""
        return list(self._replies)

    def get(self, key: str) -> CannedReply | None:
        """The reply for a key (case-insensitive), or None."""
        return self._replies.get(key.strip().lower())


def _read(path: Path) -> dict[str, tuple[str, str]]:
    """One language file: key -> (title, text), every entry checked."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CannedRepliesError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise CannedRepliesError(f"{path}: not valid YAML{where} ({problem})") from None
    if not isinstance(raw, dict) or not raw:
        raise CannedRepliesError(f"{path}: expected a mapping of keys to {{title, text}}")
    if len(raw) > MAX_REPLIES:
        raise CannedRepliesError(f"{path}: {len(raw)} replies; at most {MAX_REPLIES} fit on the buttons")
    return {str(key): _entry(path, key, value) for key, value in raw.items()}


def _entry(path: Path, key: object, value: object) -> tuple[str, str]:
    where = f"{path}: {key}"
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise CannedRepliesError(f"{where}: a key is 1-24 characters of a-z, 0-9 and _")
    if not isinstance(value, dict) or set(value) != {"title", "text"}:
        raise CannedRepliesError(f"{where}: expected exactly title and text")
    title, text = value["title"], value["text"]
    if not isinstance(title, str) or not 0 < len(title.strip()) <= TITLE_MAX:
        raise CannedRepliesError(f"{where}.title: 1-{TITLE_MAX} characters")
    if not isinstance(text, str) or not 0 < len(text.strip()) <= TEXT_MAX:
        raise CannedRepliesError(f"{where}.text: 1-{TEXT_MAX} characters")
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise CannedRepliesError(f"{where}.text: {exc} (write {{{{ and }}}} for literal braces)") from None
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in FIELDS or spec or conversion:
            allowed = ", ".join(f"{{{name}}}" for name in sorted(FIELDS))
            raise CannedRepliesError(f"{where}.text: unknown field {{{field}}}; use {allowed}")
    return title.strip(), text.strip()
