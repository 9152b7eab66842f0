"""The knowledge base: FAQ entries with phrasings and answers per language, loaded from YAML.

Providers edit the file by hand, so loading is strict and every mistake is reported as one line
naming the entry and the field (`faq.yaml: entry 'install-lg': answer.fr: unknown language ...`),
instead of a bot that silently answers less.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import yaml

from faq.language import LANGUAGES

DEFAULT_FAQ_FILE = Path(__file__).with_name("data") / "faq.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ENTRY_FIELDS = ("id", "tags", "questions", "answer")
_T = TypeVar("_T")


class KnowledgeBaseError(Exception):
    """The FAQ file is invalid; `entry_id` and `field` say where, the message says what."""

    def __init__(self, source: str, message: str, entry_id: str | None = None, field: str | None = None):
        where = ": ".join(part for part in (source, _entry_label(entry_id), field) if part)
        super().__init__(f"{where}: {message}")
        self.entry_id = entry_id
        self.field = field


def _entry_label(entry_id: str | None) -> str | None:
    if entry_id is None:
        return None
    return f"entry {entry_id}" if entry_id.startswith("#") else f"entry {entry_id!r}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One question the desk can answer, with the ways customers ask it in each language."""

    id: str
    questions: Mapping[str, tuple[str, ...]]
    answers: Mapping[str, str]
    tags: tuple[str, ...] = ()

    def answer(self, lang: str) -> str:
        """The answer in `lang`, or in the first language that has one (an entry may lack a language)."""
        fallback = (self.answers[code] for code in LANGUAGES if code in self.answers)
        return self.answers.get(lang) or next(fallback)

    def title(self, lang: str) -> str:
        """The entry's first phrasing in `lang` (or another language): the label of a suggestion button."""
        phrasings = self.questions.get(lang) or next(
            self.questions[code] for code in LANGUAGES if code in self.questions
        )
        return phrasings[0]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """All entries, in file order, addressable by id."""

    entries: tuple[Entry, ...]
    source: str = "faq"
    synonyms: tuple[tuple[str, ...], ...] = ()
    _by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entry.id: entry for entry in self.entries})

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, if any."""
        return self._by_id.get(entry_id)

    def with_phrasings(self, learned: Iterable[tuple[str, str, str]]) -> KnowledgeBase:
        """A copy with more phrasings, as (entry id, language, text); unknown entries are skipped.

        How phrasings approved from agents' answers join the file's own: the file stays as the
        provider wrote it, and a phrasing already there is not added twice.
        """
        extra: dict[str, dict[str, list[str]]] = {}
        for entry_id, lang, text in learned:
            if entry_id in self._by_id and lang in LANGUAGES and text.strip():
                extra.setdefault(entry_id, {}).setdefault(lang, []).append(text.strip())
        if not extra:
            return self
        entries = []
        for entry in self.entries:
            added = extra.get(entry.id)
            if added:
                questions = dict(entry.questions)
                for lang, texts in added.items():
                    questions[lang] = tuple(dict.fromkeys((*questions.get(lang, ()), *texts)))
                entry = replace(entry, questions=questions)
            entries.append(entry)
        return KnowledgeBase(tuple(entries), self.source, self.synonyms)


def knowledge_base_document(kb: KnowledgeBase) -> dict[str, object]:
    """The knowledge base as the YAML document `load_knowledge_base` reads (for `supportbot faq export`)."""
    entries: list[dict[str, object]] = []
    for entry in kb:
        item: dict[str, object] = {"id": entry.id}
        if entry.tags:
            item["tags"] = list(entry.tags)
        item["questions"] = {lang: list(texts) for lang, texts in entry.questions.items()}
        item["answer"] = dict(entry.answers)
        entries.append(item)
    document: dict[str, object] = {}
    if kb.synonyms:
        document["synonyms"] = [list(group) for group in kb.synonyms]
    document["entries"] = entries
    return document


def default_faq_path() -> Path:
    """The file named by FAQ_FILE, else the packaged default knowledge base."""
    configured = os.environ.get("FAQ_FILE")
    return Path(configured) if configured else DEFAULT_FAQ_FILE


def load_knowledge_base(path: Path | str | None = None) -> KnowledgeBase:
    """Read and validate a FAQ file (FAQ_FILE or the packaged default when `path` is None)."""
    source = Path(path) if path else default_faq_path()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnowledgeBaseError(str(source), f"cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 text (line {line}); save FAQ_FILE as UTF-8"
        raise KnowledgeBaseError(str(source), message) from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(source.name, f"not valid YAML ({exc})") from None
    return parse_knowledge_base(raw, source.name)


def parse_knowledge_base(raw: object, source: str = "faq") -> KnowledgeBase:
    """Validate already-parsed YAML (`{"entries": [...], "synonyms": [[...], ...]}`) into a KnowledgeBase."""
    if not isinstance(raw, dict) or "entries" not in raw:
        raise KnowledgeBaseError(source, "expected a mapping with an `entries` list", field="entries")
    if not isinstance(raw["entries"], list):
        raise KnowledgeBaseError(source, "expected a list of entries", field="entries")
    entries: list[Entry] = []
    seen: set[str] = set()
    for position, item in enumerate(raw["entries"], start=1):
        entry = _parse_entry(item, position, source)
        if entry.id in seen:
            raise KnowledgeBaseError(source, "duplicate id (ids must be unique)", entry.id, "id")
        seen.add(entry.id)
        entries.append(entry)
    return KnowledgeBase(tuple(entries), source, _synonym_groups(raw.get("synonyms"), source))


def _synonym_groups(value: object, source: str) -> tuple[tuple[str, ...], ...]:
    """The file's own synonym groups: a list of lists of words (at least two per group)."""
    if value is None:
        return ()
    groups = []
    for position, group in enumerate(value if isinstance(value, list) else [None], start=1):
        if not (
            isinstance(group, list)
            and len(group) >= 2
            and all(isinstance(word, str | int) and str(word).strip() for word in group)
        ):
            message = "expected a list of groups of words, such as [combo, plano]"
            raise KnowledgeBaseError(source, message, field=f"synonyms[{position}]")
        groups.append(tuple(str(word).strip() for word in group))
    return tuple(groups)


def _parse_entry(item: object, position: int, source: str) -> Entry:
    label = f"#{position}"
    if not isinstance(item, dict):
        raise KnowledgeBaseError(source, "expected a mapping with id, questions and answer", label)
    entry_id = item.get("id")
    if entry_id is None:
        raise KnowledgeBaseError(source, "missing", label, "id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise KnowledgeBaseError(source, "expected a slug such as install-firestick", label, "id")
    unknown = sorted(str(key) for key in item if key not in _ENTRY_FIELDS)
    if unknown:
        expected = ", ".join(_ENTRY_FIELDS)
        raise KnowledgeBaseError(source, f"unknown field (expected {expected})", entry_id, unknown[0])
    for required in ("questions", "answer"):
        if item.get(required) is None:
            raise KnowledgeBaseError(source, "missing", entry_id, required)
    questions = _per_language(item["questions"], entry_id, "questions", source, _phrasings)
    answers = _per_language(item["answer"], entry_id, "answer", source, _text)
    tags = item.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
        raise KnowledgeBaseError(source, "expected a list of words", entry_id, "tags")
    return Entry(entry_id, questions, answers, tuple(tags))


def _per_language(
    value: object, entry_id: str, name: str, source: str, parse: Callable[[object], _T | None]
) -> dict[str, _T]:
    if not isinstance(value, dict) or not value:
        message = "expected a mapping of language (pt, en, es) to text"
        raise KnowledgeBaseError(source, message, entry_id, name)
    parsed: dict[str, _T] = {}
    for lang, content in value.items():
        where = f"{name}.{lang}"
        if lang not in LANGUAGES:
            raise KnowledgeBaseError(source, "unknown language (expected pt, en or es)", entry_id, where)
        result = parse(content)
        if result is None:
            expected = "a non-empty list of phrasings" if name == "questions" else "a non-empty text"
            raise KnowledgeBaseError(source, f"expected {expected}", entry_id, where)
        parsed[lang] = result
    return parsed


def _phrasings(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(text, str) and text.strip() for text in value):
        return None
    return tuple(text.strip() for text in value)


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
