"""The policy's lexicons, compiled once into a scanner that finds their phrases in a message.

Managers write phrases the way customers mean them ("nao funcion*", "todos os canais"); the
scanner finds them the way customers type them: without accents, in caps, with stretched or
doubled letters, a typo in a longer word, and a word or two in between ("nao ta mais
funcionando" still contains "nao funcion*"; "nenhum ... funcion*" allows up to six).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from escalation.policy import Policy, PolicyError
from faq.normalize import normalize, squeeze

CATEGORIES = (
    "outage",
    "degraded",
    "scope_total",
    "scope_partial",
    "hypothetical",
    "negation",
    "urgency",
    "live_event",
    "now",
    "cancel",
    "billing",
    "human",
    "greeting",
    "question",
    "topic",
    "followup",
    "status_question",
)
MAX_GAP = 2
LONG_GAP = 6
MAX_WORDS = 400
FUZZY_QUALITY = 0.85
_MIN_TYPO_ONE = 6
_MIN_TYPO_TWO = 9
_MIN_FUZZY_PREFIX = 7
_MEMO_LIMIT = 50_000


class LexiconError(PolicyError):
    """A lexicon in the policy is unusable; the message names the language, category and phrase.

    A PolicyError, so every command that loads the policy reports it as one line.
    """


@dataclass(frozen=True, slots=True)
class Hit:
    """One phrase found in a message: which, where (word positions, inclusive) and how exactly."""

    category: str
    lang: str
    phrase: str
    start: int
    end: int
    quality: float


@dataclass(frozen=True, slots=True)
class _Phrase:
    category: str
    lang: str
    text: str
    words: tuple[int, ...]
    gaps: tuple[int, ...]


class Lexicon:
    """Compiled lexicons of every language; `scan` finds all their phrases in a message."""

    def __init__(self, lexicons: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
        self._word_ids: dict[tuple[str, bool], int] = {}
        self._phrases: list[_Phrase] = []
        self._starts: dict[int, list[int]] = {}
        for lang, categories in lexicons.items():
            for category, phrases in categories.items():
                if category not in CATEGORIES:
                    expected = ", ".join(CATEGORIES)
                    raise LexiconError(f"lexicons.{lang}.{category}: unknown category (expected {expected})")
                for position, phrase in enumerate(phrases):
                    words, gaps = self._compile(phrase, f"lexicons.{lang}.{category}[{position}]")
                    self._starts.setdefault(words[0], []).append(len(self._phrases))
                    self._phrases.append(_Phrase(category, lang, phrase, words, gaps))
        self._index_words()
        self._memo: dict[str, dict[int, float]] = {}

    def _index_words(self) -> None:
        """Lookups from a message word to lexicon words: exact, by prefix, and the fuzzy candidates."""
        self._exact = {text: wid for (text, prefix), wid in self._word_ids.items() if not prefix}
        self._prefixes: dict[int, dict[str, int]] = {}
        for (text, prefix), wid in self._word_ids.items():
            if prefix:
                self._prefixes.setdefault(len(text), {})[text] = wid
        prefix_texts = [
            text for length, group in self._prefixes.items() if length >= _MIN_FUZZY_PREFIX for text in group
        ]
        self._head_sizes = sorted({len(text) + delta for text in prefix_texts for delta in (-1, 0, 1)})
        self._prefixes_by_initial: dict[str, list[str]] = {}
        for text in prefix_texts:
            self._prefixes_by_initial.setdefault(text[0], []).append(text)
        self._fuzzy_words = [text for text in self._exact if len(text) >= _MIN_TYPO_ONE]

    @classmethod
    def from_policy(cls, policy: Policy) -> Lexicon:
        """The lexicons section of a loaded policy, compiled."""
        return cls(policy.lexicons)

    def categories(self) -> set[str]:
        """The categories that have at least one phrase."""
        return {phrase.category for phrase in self._phrases}

    def scan(self, words: Sequence[str]) -> list[Hit]:
        """Every phrase occurrence in `words` (normalised words, see `faq.normalize.tokens`).

        Only the first MAX_WORDS words are read: a longer message is a paste or a log, and
        what it is about is said at the start.
        """
        matches = [self._matches(squeeze(word)) for word in words[:MAX_WORDS]]
        hits: list[Hit] = []
        for start, found in enumerate(matches):
            for wid, quality in found.items():
                for index in self._starts.get(wid, ()):
                    phrase = self._phrases[index]
                    extent = _extend(phrase, start, quality, matches)
                    if extent:
                        hits.append(Hit(phrase.category, phrase.lang, phrase.text, start, *extent))
        return hits

    def _compile(self, phrase: object, where: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """A phrase's word ids and, for each word after the first, how many words may precede it."""
        if not isinstance(phrase, str):
            raise LexiconError(f"{where}: expected a phrase (text), got {phrase!r}")
        compiled: list[tuple[str, bool]] = []
        gaps: list[int] = []
        gap = MAX_GAP
        for raw in phrase.split():
            if raw == "...":
                if not compiled:
                    raise LexiconError(f"{where}: {phrase!r}: `...` goes between two words")
                gap = LONG_GAP
                continue
            prefix = raw.endswith("*")
            words = normalize(raw.rstrip("*")).split()
            if "*" in raw.rstrip("*") or (prefix and not words):
                raise LexiconError(f"{where}: {phrase!r}: `*` only goes at the end of a word")
            for word in words:
                if compiled:
                    gaps.append(gap)
                gap = MAX_GAP
                compiled.append((squeeze(word), False))
            if prefix:
                compiled[-1] = (compiled[-1][0], True)
        if not compiled or gap != MAX_GAP:
            raise LexiconError(f"{where}: {phrase!r} needs letters or digits (and no `...` at the end)")
        ids = tuple(self._word_ids.setdefault(word, len(self._word_ids)) for word in compiled)
        return ids, tuple(gaps)

    def _matches(self, word: str) -> dict[int, float]:
        """Lexicon words that `word` stands for, with 1.0 for an exact match and less for a typo."""
        known = self._memo.get(word)
        if known is not None:
            return known
        found: dict[int, float] = {}
        if word in self._exact:
            found[self._exact[word]] = 1.0
        for length, prefixes in self._prefixes.items():
            if len(word) >= length and word[:length] in prefixes:
                found[prefixes[word[:length]]] = 1.0
        if len(word) >= _MIN_TYPO_ONE:
            self._fuzzy(word, found)
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[word] = found
        return found

    def _fuzzy(self, word: str, found: dict[int, float]) -> None:
        """Add lexicon words one typo from `word` and prefixes one typo from its start.

        A typo costs quality, not the match. The first letter must agree, and a word that only
        adds or drops letters at the end is another form, not a typo ("canais" is not "canal",
        "vence" is not "venceu"): lexicons list the forms they mean.
        """
        for text, distance, _ in process.extract(
            word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=2, limit=None
        ):
            allowed = 2 if len(text) >= _MIN_TYPO_TWO else 1
            inflected = word.startswith(text) or text.startswith(word)
            if distance <= allowed and text[0] == word[0] and not inflected:
                found.setdefault(self._exact[text], FUZZY_QUALITY)
        texts = self._prefixes_by_initial.get(word[0], [])
        for head in sorted({word[:size] for size in self._head_sizes if size <= len(word)}):
            for text, _, _ in process.extract_iter(head, texts, scorer=OSA.distance, score_cutoff=1):
                if abs(len(head) - len(text)) <= 1:
                    found.setdefault(self._prefixes[len(text)][text], FUZZY_QUALITY)


def _extend(
    phrase: _Phrase, start: int, quality: float, matches: list[dict[int, float]]
) -> tuple[int, float] | None:
    """Where a phrase that starts at `start` ends, and its quality, if its other words follow in order."""
    position = start
    for wid, gap in zip(phrase.words[1:], phrase.gaps, strict=True):
        for candidate in range(position + 1, min(position + 2 + gap, len(matches))):
            if wid in matches[candidate]:
                quality = min(quality, matches[candidate][wid])
                position = candidate
                break
        else:
            return None
    return position, quality
