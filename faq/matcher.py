"""FAQ matching that knows when it is unsure: answer, suggest up to three entries, or abstain.

At construction every question of the knowledge base is reduced to its content terms
(`faq.terms`: normalised, stop words dropped, lightly stemmed, synonyms of pt/en/es mapped onto
one representative by `faq.synonyms`), and every term is weighted by how rare it is across
entries (IDF). A message is reduced the same way; each of its terms is then mapped onto the
vocabulary exactly, by prefix ("config" -> "configur") or by edit distance (rapidfuzz
`process.extract` of an unknown term against the vocabulary terms sharing its first letter: one
typo in 6+ letters, two in 9+).

An entry is scored by the harmonic mean of

* recall: how much of the message's weight the entry explains, over all its questions (and, at
  half weight, its answer). Words the knowledge base never uses count against it at the weight
  of a term rarer than any known one, so "qual a capital da França" or "qual o telefone da
  pizzaria" explain little and abstain, and
* precision: how much of its best question's weight the message touches, so a lone "canal?"
  does not claim the "channel list" entry outright. Questions lighter than one rare word are
  weighed as that word, so a two-word phrasing in another language cannot win on a generic term.

The leading entries are then re-weighed by how closely the message reads like their closest
question (rapidfuzz `token_sort_ratio`), which breaks ties between entries sharing words.

Decision, with thresholds tuned on tests/faq/data/faq_queries.jsonl (98 labelled questions with
typos and other words, 24 out-of-scope) to never answer wrongly rather than to answer often:
answer when the top entry scores >= 0.50, explains >= 70% of the message and leads the runner-up
by >= 0.10; suggest the (up to three) entries scoring >= 0.40 that explain >= 50% of it;
otherwise abstain. Recall is the gate that keeps out-of-scope questions out: none of them
reaches 50%, while in-scope questions with a stray word still do.

Ranking and lookups use plain dicts and lists, not numpy: importing numpy costs the bot process
about 15 MB of its 150 MB budget. A message touches only the postings of its own terms, and on a
knowledge base of tens of entries accumulating those in Python is cheaper than array operations,
whose per-call overhead outweighs their speed on arrays that small. The price is paid on large
knowledge bases: Python spends about a tenth of a microsecond per posting, so a message of common
words that touches thousands of questions takes around a millisecond to rank, some four times
what array operations would.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from faq.knowledge import KnowledgeBase
from faq.normalize import normalize, tokens
from faq.synonyms import load_synonyms
from faq.terms import terms_of

ANSWER_THRESHOLD = 0.50
ANSWER_MARGIN = 0.10
ANSWER_RECALL = 0.7
SUGGEST_THRESHOLD = 0.40
SUGGEST_RECALL = 0.5
MAX_SUGGESTIONS = 3
ANSWER_EVIDENCE = 0.5
OTHER_LANGUAGE_FACTOR = 0.92
PREFIX_SIMILARITY = 0.85
TYPO_SIMILARITY = (1.0, 0.9, 0.8)
MAX_QUERY_TERMS = 40
RERANK_DEPTH = 6
SURFACE_WEIGHT = 0.2
_MIN_PREFIX = 5
_MIN_TYPO_ONE = 6
_MIN_TYPO_TWO = 9
SYNONYMS = load_synonyms()


class Outcome(StrEnum):
    """What the FAQ can do with a message."""

    ANSWER = "answer"
    SUGGEST = "suggest"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class FaqMatch:
    """The matcher's verdict; `score` is the top entry's score in [0, 1] (0 when nothing matched).

    `ranked` keeps the leading entries as (id, score, recall) so callers and tests can see how
    close the alternatives were.
    """

    outcome: Outcome
    entry_id: str | None
    suggestions: tuple[str, ...]
    score: float
    ranked: tuple[tuple[str, float, float], ...] = ()


NO_MATCH = FaqMatch(Outcome.NONE, None, (), 0.0)


@dataclass(frozen=True, slots=True)
class _Phrasing:
    entry: int
    lang: str
    surface: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Ranked:
    entry_id: str
    score: float
    recall: float


class FaqMatcher:
    """Matches messages against one knowledge base; build once, call `match` per message."""

    def __init__(self, kb: KnowledgeBase, synonyms: Mapping[str, str] | None = None) -> None:
        self.kb = kb
        self._synonyms = SYNONYMS if synonyms is None else synonyms
        self._ids = [entry.id for entry in kb]
        self._entry_count = len(kb)
        phrasings, evidence = self._read(kb)
        self._idf = {term: self._rarity(entries) for term, entries in evidence.items()}
        self._unknown_idf = math.log(1 + 2 * max(self._entry_count, 1))
        self._entries_of = {term: tuple(entries.items()) for term, entries in evidence.items()}
        self._index(phrasings)

    def _read(self, kb: KnowledgeBase) -> tuple[list[_Phrasing], dict[str, dict[int, float]]]:
        """Every question with its terms, and for each term the entries it is evidence for.

        A term in an entry's questions is full evidence for it; a term only in its answer is
        half ("aceita pix?" against an entry asking about payment methods whose answer says Pix).
        """
        phrasings: list[_Phrasing] = []
        evidence: dict[str, dict[int, float]] = defaultdict(dict)
        for index, entry in enumerate(kb):
            for answer in entry.answers.values():
                for term in self._terms(tokens(answer)):
                    evidence[term][index] = ANSWER_EVIDENCE
            for lang, questions in entry.questions.items():
                for question in questions:
                    terms = self._terms(tokens(question))
                    if terms:
                        phrasings.append(_Phrasing(index, lang, normalize(question), tuple(terms)))
                        for term in terms:
                            evidence[term][index] = 1.0
        return phrasings, evidence

    def _rarity(self, entries: dict[int, float]) -> float:
        """IDF over the entries whose questions use the term (or whose answers do, if none)."""
        in_questions = sum(weight == 1.0 for weight in entries.values())
        return math.log(1 + max(self._entry_count, 1) / (in_questions or len(entries)))

    def _index(self, phrasings: list[_Phrasing]) -> None:
        """Postings, per-question entry, language and weight for the ranking, and the lookup vocabulary."""
        postings: dict[str, list[int]] = defaultdict(list)
        self._aliases: dict[str, tuple[str, ...]] = {}
        self._surfaces: dict[int, list[str]] = defaultdict(list)
        for position, phrasing in enumerate(phrasings):
            for term in phrasing.terms:
                postings[term].append(position)
            for first, second in itertools.pairwise(phrasing.terms):
                self._aliases.setdefault(first + second, (first, second))
            self._surfaces[phrasing.entry].append(_word_sorted(phrasing.surface))
        self._aliases.update({term: (term,) for term in self._idf})
        for surface, representative in self._synonyms.items():
            if representative in self._idf:
                self._aliases.setdefault(surface, (representative,))
        self._postings = {term: tuple(positions) for term, positions in postings.items()}
        self._phrasing_entry = [phrasing.entry for phrasing in phrasings]
        self._phrasing_lang = [phrasing.lang for phrasing in phrasings]
        self._phrasing_weight = [
            max(sum(self._idf[term] for term in phrasing.terms), self._unknown_idf) for phrasing in phrasings
        ]
        self._known = {key for key, terms in self._aliases.items() if len(terms) == 1}
        self._vocabulary = sorted(self._known)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for key in self._vocabulary:
            self._by_initial[key[0]].append(key)

    def match(self, text: str, lang: str) -> FaqMatch:
        """Answer, suggestions or abstention for `text`, preferring phrasings in `lang`."""
        return self.match_words(tokens(text), lang)

    def match_words(self, words: list[str], lang: str) -> FaqMatch:
        """`match` for a message already split into normalised words (`faq.normalize.tokens`)."""
        terms = self._terms(words)[:MAX_QUERY_TERMS]
        total = 0.0
        matched: dict[str, float] = {}
        for key, similarity in self._resolve(terms):
            found = self._aliases.get(key, ()) if key else ()
            total += sum(self._idf[term] for term in found) if found else self._unknown_idf
            for term in found:
                matched[term] = max(similarity, matched.get(term, 0.0))
        if not matched:
            return NO_MATCH
        ranked = self._rank(matched, total, lang)
        return _decide(self._rerank(ranked, " ".join(words))) if ranked else NO_MATCH

    def _terms(self, words: list[str]) -> list[str]:
        """Content terms with synonyms mapped onto their group's representative, without repeats."""
        return list(dict.fromkeys(self._synonyms.get(term, term) for term in terms_of(words)))

    def _rank(self, matched: dict[str, float], total: float, lang: str) -> list[tuple[int, float, float]]:
        """The leading entries by score: recall over all of an entry's phrasings, precision of its best.

        Sparse: only the entries and phrasings on the postings of the message's terms are visited,
        so the cost follows how common its words are rather than the size of the knowledge base.
        Equal scores go to the entry listed first in the knowledge base.
        """
        explained: dict[int, float] = {}
        covered: dict[int, float] = {}
        explained_get, covered_get = explained.get, covered.get
        for term, similarity in matched.items():
            idf = self._idf[term]
            gain = idf * similarity
            for entry, weight in self._entries_of[term]:
                explained[entry] = explained_get(entry, 0.0) + gain * weight
            for position in self._postings.get(term, ()):
                covered[position] = covered_get(position, 0.0) + idf
        best: dict[int, float] = {}
        best_get = best.get
        for position, coverage in covered.items():
            precision = coverage / self._phrasing_weight[position]
            if self._phrasing_lang[position] != lang:
                precision *= OTHER_LANGUAGE_FACTOR
            entry = self._phrasing_entry[position]
            if precision > best_get(entry, 0.0):
                best[entry] = precision
        leading: list[tuple[float, int, float]] = []
        for entry, precision in best.items():
            recall = explained[entry] / total
            leading.append((-(2 * recall * precision / (recall + precision)), entry, recall))
        return [(entry, -score, recall) for score, entry, recall in heapq.nsmallest(RERANK_DEPTH, leading)]

    def _rerank(self, ranked: list[tuple[int, float, float]], surface: str) -> list[_Ranked]:
        """The leading entries re-weighed by how close the message reads to their best phrasing.

        Term overlap alone ties entries that share the same words ("tienen películas?" against
        "películas y series" and "películas con subtítulos"); the whole-sentence rapidfuzz score
        (word order free) prefers the phrasing the message resembles most. That score is rapidfuzz's
        `token_sort_ratio`, computed as its definition says, `ratio` of the word-sorted strings:
        the phrasings are kept word-sorted and the message is sorted once, where `token_sort_ratio`
        sorted both on every comparison (a fifth of the time of a whole triage).
        """
        head = []
        query = _word_sorted(surface)
        for entry, score, recall in ranked:
            closest = process.extractOne(query, self._surfaces[entry], scorer=fuzz.ratio)
            resemblance = closest[1] / 100 if closest else 0.0
            blended = score * (1 - SURFACE_WEIGHT + SURFACE_WEIGHT * resemblance)
            head.append(_Ranked(self._ids[entry], min(1.0, blended), min(1.0, recall)))
        head.sort(key=lambda item: (-item.score, item.entry_id))
        return head

    def _resolve(self, terms: list[str]) -> list[tuple[str | None, float]]:
        """Each message term mapped to a vocabulary key with a similarity, or (None, 0) if unknown.

        Two adjacent terms whose concatenation is a known key ("set up" for "setup") count as that
        one key; a key may itself stand for two terms ("firestick" for "fire stick").
        """
        resolved: list[tuple[str | None, float]] = []
        unknown: list[tuple[int, str]] = []
        position = 0
        while position < len(terms):
            term = terms[position]
            joined = term + terms[position + 1] if position + 1 < len(terms) else ""
            joined = self._synonyms.get(joined, joined)
            if joined in self._aliases:
                resolved.append((joined, 1.0))
                position += 1
            elif term in self._aliases:
                resolved.append((term, 1.0))
            else:
                unknown.append((len(resolved), term))
                resolved.append((None, 0.0))
            position += 1
        if unknown and self._vocabulary:
            self._fuzzy(unknown, resolved)
        return resolved

    def _fuzzy(self, unknown: list[tuple[int, str]], resolved: list[tuple[str | None, float]]) -> None:
        """Unknown terms resolved by prefix or by edit distance (same first letter), in place."""
        for slot, query in unknown:
            found = self._by_prefix(query)
            allowed = 2 if len(query) >= _MIN_TYPO_TWO else 1 if len(query) >= _MIN_TYPO_ONE else 0
            if allowed:
                typo = self._by_typo(query, allowed)
                if typo[1] > found[1]:
                    found = typo
            if found[0]:
                resolved[slot] = found

    def _by_typo(self, query: str, allowed: int) -> tuple[str | None, float]:
        """The closest vocabulary term within `allowed` edits that starts with the query's letter.

        Only that letter's terms are compared (a typo in the first letter is not forgiven, so the
        others could never qualify); of equally close terms the first in vocabulary order wins.
        """
        near = process.extract(
            query, self._by_initial.get(query[0], ()), scorer=OSA.distance, score_cutoff=allowed, limit=None
        )
        if not near:
            return None, 0.0
        text, distance, _ = min(near, key=lambda item: (item[1], item[2]))
        return text, TYPO_SIMILARITY[int(distance)]

    def _by_prefix(self, query: str) -> tuple[str | None, float]:
        """A vocabulary term that starts with the query ("config") or that the query starts with."""
        if len(query) < _MIN_PREFIX:
            return None, 0.0
        at = bisect.bisect_left(self._vocabulary, query)
        if at < len(self._vocabulary) and self._vocabulary[at].startswith(query):
            return self._vocabulary[at], PREFIX_SIMILARITY
        for end in range(len(query) - 1, _MIN_PREFIX - 1, -1):
            if query[:end] in self._known:
                return query[:end], PREFIX_SIMILARITY
        return None, 0.0


def _word_sorted(text: str) -> str:
    """The text's words in sorted order, one space apart (what `token_sort_ratio` compares)."""
    return " ".join(sorted(text.split()))


def _decide(ranked: list[_Ranked]) -> FaqMatch:
    top = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    kept = tuple((item.entry_id, item.score, item.recall) for item in ranked[:MAX_SUGGESTIONS])
    confident = top.score >= ANSWER_THRESHOLD and top.recall >= ANSWER_RECALL
    if confident and top.score - runner_up >= ANSWER_MARGIN:
        return FaqMatch(Outcome.ANSWER, top.entry_id, (), top.score, kept)
    close = tuple(
        item.entry_id
        for item in ranked[:MAX_SUGGESTIONS]
        if item.score >= SUGGEST_THRESHOLD and item.recall >= SUGGEST_RECALL
    )
    if close:
        return FaqMatch(Outcome.SUGGEST, None, close, top.score, kept)
    return FaqMatch(Outcome.NONE, None, (), top.score, kept)
