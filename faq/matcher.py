"""FAQ matching that knows when it is unsure: answer, suggest up to three entries, or abstain.

Every phrasing in the knowledge base is reduced once, at construction, to its content terms
(`faq.terms`), each weighted by how rare it is across entries (IDF). A message is reduced the same
way; each of its terms is mapped onto the knowledge base's vocabulary exactly, by prefix, or by
edit distance (rapidfuzz `process.cdist` against the preprocessed vocabulary, so typos cost one
vectorised call). A phrasing scores the harmonic mean of

* recall: how much of the message's weight it explains (a message about something the knowledge
  base never mentions, e.g. "qual a capital da França", explains nothing and scores 0), and
* precision: how much of the phrasing's weight the message touches (so "canal?" alone does not
  claim the whole "channel list" entry).

An entry scores its best phrasing, slightly preferring the message's language. The top entry is
answered only when it scores high and clearly ahead of the runner-up; close entries are offered
as suggestions; otherwise the matcher abstains and the question becomes a FAQ gap.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from faq.knowledge import KnowledgeBase
from faq.normalize import normalize, tokens
from faq.terms import content_terms, terms_of

ANSWER_THRESHOLD = 0.50
ANSWER_MARGIN = 0.10
ANSWER_RECALL = 0.7
SUGGEST_THRESHOLD = 0.45
SUGGEST_RECALL = 0.5
MAX_SUGGESTIONS = 3
OTHER_LANGUAGE_FACTOR = 0.92
PREFIX_SIMILARITY = 0.85
TYPO_SIMILARITY = (1.0, 0.9, 0.8)
MAX_QUERY_TERMS = 40
RERANK_DEPTH = 6
SURFACE_WEIGHT = 0.2
_MIN_PREFIX = 5
_MIN_TYPO_ONE = 6
_MIN_TYPO_TWO = 9


class Outcome(StrEnum):
    """What the FAQ can do with a message."""

    ANSWER = "answer"
    SUGGEST = "suggest"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class FaqMatch:
    """The matcher's verdict; `score` is the top entry's score in [0, 1] (0 when nothing matched)."""

    outcome: Outcome
    entry_id: str | None
    suggestions: tuple[str, ...]
    score: float
    ranked: tuple[tuple[str, float, float], ...] = ()


NO_MATCH = FaqMatch(Outcome.NONE, None, (), 0.0)


@dataclass(frozen=True, slots=True)
class _Ranked:
    entry_id: str
    score: float
    recall: float


class FaqMatcher:
    """Matches messages against one knowledge base; build once, call `match` per message."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._ids = [entry.id for entry in kb]
        parsed: list[tuple[int, str, str, list[str]]] = []
        document_frequency: dict[str, set[int]] = defaultdict(set)
        for index, entry in enumerate(kb):
            for lang, questions in entry.questions.items():
                for question in questions:
                    terms = content_terms(question)
                    if terms:
                        parsed.append((index, lang, normalize(question), terms))
                        for term in terms:
                            document_frequency[term].add(index)
        count = max(len(kb), 1)
        self._idf = {term: math.log(1 + count / len(entries)) for term, entries in document_frequency.items()}
        self._unknown_idf = math.log(1 + 2 * count)
        self._entries_of = {
            term: np.fromiter(sorted(entries), dtype=np.int64) for term, entries in document_frequency.items()
        }
        postings: dict[str, list[int]] = defaultdict(list)
        self._aliases: dict[str, tuple[str, ...]] = {}
        self._surfaces: dict[int, list[str]] = defaultdict(list)
        for position, (index, _, surface, terms) in enumerate(parsed):
            for term in terms:
                postings[term].append(position)
            for first, second in itertools.pairwise(terms):
                self._aliases.setdefault(first + second, (first, second))
            self._surfaces[index].append(surface)
        self._aliases.update({term: (term,) for term in self._idf})
        self._postings = {term: np.array(positions, dtype=np.int64) for term, positions in postings.items()}
        self._phrasing_entry = np.array([index for index, _, _, _ in parsed], dtype=np.int64)
        self._phrasing_lang = np.array([lang for _, lang, _, _ in parsed], dtype=object)
        self._phrasing_weight = np.array([sum(self._idf[term] for term in terms) for *_, terms in parsed])
        self._entry_count = len(kb)
        self._vocabulary = sorted(self._idf)

    def match(self, text: str, lang: str) -> FaqMatch:
        """Answer, suggestions or abstention for `text`, preferring phrasings in `lang`."""
        return self.match_words(tokens(text), lang)

    def match_words(self, words: list[str], lang: str) -> FaqMatch:
        """`match` for a message already split into normalised words (`faq.normalize.tokens`)."""
        terms = terms_of(words)[:MAX_QUERY_TERMS]
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
        return _decide(self._rerank(ranked, " ".join(words)))

    def _rank(self, matched: dict[str, float], total: float, lang: str) -> list[tuple[int, float, float]]:
        """The leading entries by score: recall over all of an entry's phrasings, precision of its best.

        Vectorised over the phrasings and entries that share a term with the message, so a large
        knowledge base costs array operations rather than Python loops.
        """
        explained = np.zeros(self._entry_count)
        covered = np.zeros(len(self._phrasing_entry))
        for term, similarity in matched.items():
            idf = self._idf[term]
            explained[self._entries_of[term]] += idf * similarity
            covered[self._postings[term]] += idf
        touched = np.flatnonzero(covered)
        precision = covered[touched] / self._phrasing_weight[touched]
        precision[self._phrasing_lang[touched] != lang] *= OTHER_LANGUAGE_FACTOR
        best = np.zeros(self._entry_count)
        np.maximum.at(best, self._phrasing_entry[touched], precision)
        candidates = np.flatnonzero(best)
        recall = explained[candidates] / total
        scores = 2 * recall * best[candidates] / (recall + best[candidates])
        order = np.lexsort((candidates, -scores))[:RERANK_DEPTH]
        return [(int(candidates[i]), float(scores[i]), float(recall[i])) for i in order]

    def _rerank(self, ranked: list[tuple[int, float, float]], surface: str) -> list[_Ranked]:
        """The leading entries re-weighed by how close the message reads to their best phrasing.

        Term overlap alone ties entries that share the same words ("tienen películas?" against
        "películas y series" and "películas con subtítulos"); the whole-sentence rapidfuzz score
        (word order free) prefers the phrasing the message resembles most.
        """
        head = []
        for entry, score, recall in ranked:
            closest = process.extractOne(surface, self._surfaces[entry], scorer=fuzz.token_sort_ratio)
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
        queries = [term for _, term in unknown]
        distances = process.cdist(
            queries, self._vocabulary, scorer=OSA.distance, score_cutoff=2, dtype=np.int32
        )
        for row, (slot, query) in enumerate(unknown):
            found = self._by_prefix(query)
            allowed = 2 if len(query) >= _MIN_TYPO_TWO else 1 if len(query) >= _MIN_TYPO_ONE else 0
            if allowed:
                candidates = np.flatnonzero(distances[row] <= allowed)
                same_start = [int(c) for c in candidates if self._vocabulary[int(c)][0] == query[0]]
                if same_start:
                    best = min(same_start, key=lambda c: int(distances[row][c]))
                    similarity = TYPO_SIMILARITY[int(distances[row][best])]
                    if similarity > found[1]:
                        found = (self._vocabulary[best], similarity)
            if found[0]:
                resolved[slot] = found

    def _by_prefix(self, query: str) -> tuple[str | None, float]:
        """A vocabulary term that starts with the query ("config") or that the query starts with."""
        if len(query) < _MIN_PREFIX:
            return None, 0.0
        at = bisect.bisect_left(self._vocabulary, query)
        if at < len(self._vocabulary) and self._vocabulary[at].startswith(query):
            return self._vocabulary[at], PREFIX_SIMILARITY
        for end in range(len(query) - 1, _MIN_PREFIX - 1, -1):
            if query[:end] in self._idf:
                return query[:end], PREFIX_SIMILARITY
        return None, 0.0


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
