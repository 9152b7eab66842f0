"""FAQ matching that knows when it is unsure: answer, suggest up to three entries, or abstain.

At construction every question of the knowledge base is reduced to its content terms
(`faq.terms`: normalised, stop words dropped, lightly stemmed, synonyms of pt/en/es mapped onto
one representative by `faq.synonyms`), and every term is weighted by how rare it is across
entries (IDF). A message is reduced the same way; each of its terms is then mapped onto the
vocabulary exactly, by its generic word when the knowledge base never uses it (a brand, an
app, a club: "firestick" -> device, `broader:` in `faq/data/synonyms.yaml`, at
`Tuning.broader_evidence`), by prefix ("config" -> "configur") or by edit distance (rapidfuzz
`process.extract` of an unknown term against the vocabulary terms sharing its first letter: one
typo in 6+ letters, two in 9+). A word the packaged vocabulary knows is never read as a typo of
another ("suporte" is not "sport").

An entry is scored by an F-score of

* recall: how much of the message's weight the entry explains, over all its questions (and, at
  `Tuning.answer_evidence`, its answer: "aceitam yape?" reaches the entry whose answer names
  Yape). Words the knowledge base never uses count against it at a share of the weight of a
  term rarer than any known one, so "qual a altura do Everest" explains nothing and abstains, and
* precision: how much of its best question's weight the message touches, so a lone "canal?"
  does not claim the "channel list" entry outright. Questions lighter than one rare word are
  weighed as that word, so a two-word phrasing in another language cannot win on a generic term.
  An entry met only through its answer has no question to be precise about: a share of its
  recall (`Tuning.answer_only`) stands in.

Recall counts `Tuning.recall_bias` times more than precision: a short colloquial question ("tem
premiere?") that an entry fully explains should not lose because the entry's question is long.
The leading entries are then re-weighed by how closely the message reads like their closest
question (rapidfuzz `token_sort_ratio`), which breaks ties between entries sharing words.

Decision (`decide`): answer when the top entry's score, the share of the message it explains and
its lead over the runner-up all pass their thresholds, and it explains every content term of the
message or at least `Tuning.answer_support` of them, a term only its answer holds counting
`Tuning.answer_word_support` (`support`); otherwise suggest the (up to three) entries that pass
the lower suggestion thresholds; otherwise abstain. Every threshold and weight is a field of
`Tuning`, weighed by `bench/tune_faq.py` on the labelled questions of four knowledge
bases at once (the packaged one and three other providers' under tests/faq/kbs), each question
also with a greeting and context words around it, worst figure first: a value tuned on one
provider's FAQ abstains where another's should answer. Tags were measured there to add nothing
(`tag_evidence` 0), and so was counting an entry whose answer alone uses a word towards how
common the word is. The support rule is what keeps a colloquial out-of-scope question that
shares one word with an entry ("vocês consertam celular?": "celular" known, "consertam" not)
from being answered; it costs outright answers (a suggestion instead), not top 1. Scoring the
reranking by character 3- and 4-grams or `token_set_ratio` instead of `token_sort_ratio` was
measured there too and changed one tuning question either way; expanding a message with the
words of the packaged knowledge base's entry it matches lost 2-5 points of held-out top 1 on
the 105-entry one.

Numbers of three digits or more are terms when the knowledge base names them ("error 401", the
app code "48213"); any other number (a ticket, a phone) is neither evidence nor an unknown word.

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
from faq.synonyms import extended, load_broader, load_synonyms
from faq.terms import terms_of

MAX_SUGGESTIONS = 3
PREFIX_SIMILARITY = 0.85
TYPO_SIMILARITY = (1.0, 0.9, 0.8)
MAX_QUERY_TERMS = 40
RERANK_DEPTH = 6
_MIN_PREFIX = 5
_MIN_TYPO_ONE = 6
_MIN_TYPO_TWO = 9
SYNONYMS = load_synonyms()
BROADER = load_broader(synonyms=SYNONYMS)


@dataclass(frozen=True, slots=True)
class Tuning:
    """The matcher's thresholds and evidence weights (see the module docstring for how they were chosen).

    `answer_*`: when the top entry is answered outright; `suggest_*`: when entries are offered
    as "did you mean"; `*_evidence`: what a word found only in an entry's answer, or in its tags,
    is worth against a word of its questions (1.0); `answer_only`: the precision of an entry met
    through its answer or tags alone, as a share of its recall; `recall_bias`: the beta of the
    F-score of recall and precision (above 1, a short question that an entry fully explains
    counts for more than the share of the entry's question it touches); `unknown_weight`: how
    much a word the knowledge base never uses counts against every entry, as a share of the
    rarest known word's weight; `broader_evidence`: what a brand or app word the knowledge base
    never uses is worth as its generic word ("roku" as "device"); `answer_support`: how many of
    the message's content terms the top entry must explain to be answered outright when it leaves
    any unexplained, a term met only in its answer counting `answer_word_support`.
    """

    answer_threshold: float = 0.40
    answer_margin: float = 0.03
    answer_recall: float = 0.4
    suggest_threshold: float = 0.20
    suggest_recall: float = 0.2
    answer_evidence: float = 0.7
    tag_evidence: float = 0.0
    answer_only: float = 0.5
    recall_bias: float = 3.0
    unknown_weight: float = 0.25
    other_language_factor: float = 0.92
    surface_weight: float = 0.2
    answer_support: int = 3
    answer_word_support: float = 0.0
    broader_evidence: float = 0.8


DEFAULT_TUNING = Tuning()


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
class Ranked:
    """One leading entry: its blended score, the share of the message's weight it explains (recall),
    how many of the message's content terms it explains (`asked` of them by its questions, the
    rest by its answer alone) and how many of the message's words it leaves unexplained (`decide`
    does not answer outright on one word when others are unexplained: "vocês consertam celular?")."""

    entry_id: str
    score: float
    recall: float
    explained: int
    unexplained: int
    asked: int


class FaqMatcher:
    """Matches messages against one knowledge base; build once, call `match` per message."""

    def __init__(
        self, kb: KnowledgeBase, synonyms: Mapping[str, str] | None = None, tuning: Tuning = DEFAULT_TUNING
    ) -> None:
        self.kb = kb
        self.tuning = tuning
        self._synonyms = extended(SYNONYMS if synonyms is None else synonyms, kb.synonyms)
        self._broader = {term: self._synonyms.get(generic, generic) for term, generic in BROADER.items()}
        self._words_known = (
            frozenset(self._synonyms) | frozenset(self._synonyms.values()) | frozenset(self._broader)
        )
        self._ids = [entry.id for entry in kb]
        self._entry_count = len(kb)
        phrasings, evidence = self._read(kb)
        self._idf = {term: self._rarity(entries) for term, entries in evidence.items()}
        self._unknown_idf = tuning.unknown_weight * math.log(1 + 2 * max(self._entry_count, 1))
        self._entries_of = {term: tuple(entries.items()) for term, entries in evidence.items()}
        self._evidence_of = {term: frozenset(entries) for term, entries in evidence.items()}
        self._asked_in = {
            term: frozenset(entry for entry, weight in entries.items() if weight == 1.0)
            for term, entries in evidence.items()
        }
        self._index(phrasings)

    def _read(self, kb: KnowledgeBase) -> tuple[list[_Phrasing], dict[str, dict[int, float]]]:
        """Every question with its terms, and for each term the entries it is evidence for.

        A term in an entry's questions is full evidence for it; a term only in its answer or its
        tags is weaker ("aceita pix?" against an entry asking about payment methods whose answer
        says Pix), by `Tuning.answer_evidence` and `Tuning.tag_evidence`.
        """
        phrasings: list[_Phrasing] = []
        evidence: dict[str, dict[int, float]] = defaultdict(dict)
        weak = ((self.tuning.answer_evidence, "answers"), (self.tuning.tag_evidence, "tags"))
        for index, entry in enumerate(kb):
            for weight, kind in weak:
                if weight <= 0:
                    continue
                texts = entry.answers.values() if kind == "answers" else entry.tags
                for text in texts:
                    for term in self._terms(tokens(text)):
                        evidence[term][index] = max(weight, evidence[term].get(index, 0.0))
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
        # Typos and prefixes are forgiven against the questions' words only: an answer's long
        # vocabulary would turn "hiring" into its "hiding".
        self._known = {
            key for key, terms in self._aliases.items() if len(terms) == 1 and terms[0] in postings
        }
        self._vocabulary = sorted(self._known)
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for key in self._vocabulary:
            self._by_initial[key[0]].append(key)

    def match(self, text: str, lang: str) -> FaqMatch:
        """Answer, suggestions or abstention for `text`, preferring phrasings in `lang`."""
        return self.match_words(tokens(text), lang)

    def match_words(self, words: list[str], lang: str) -> FaqMatch:
        """`match` for a message already split into normalised words (`faq.normalize.tokens`)."""
        ranked = self.ranking(words, lang)
        return decide(ranked, self.tuning) if ranked else NO_MATCH

    def ranking(self, words: list[str], lang: str) -> list[Ranked]:
        """The leading entries with their scores, best first, before any decision is taken.

        What `supportbot triage --explain` shows, and what tuning replays under other thresholds.
        """
        terms = self._query_terms(words)
        total = 0.0
        matched: dict[str, float] = {}
        slot_of: dict[str, int] = {}
        resolved = self._resolve(terms)
        for slot, (key, similarity) in enumerate(resolved):
            found = self._aliases.get(key, ()) if key else ()
            total += sum(self._idf[term] for term in found) if found else self._unknown_idf
            for term in found:
                matched[term] = max(similarity, matched.get(term, 0.0))
                slot_of.setdefault(term, slot)
        if not matched:
            return []
        ranked = self._rank(matched, total, lang)
        return self._rerank(ranked, " ".join(words), slot_of, len(resolved)) if ranked else []

    def known_terms(self, words: list[str]) -> list[tuple[str, bool]]:
        """The message's content terms, each with whether the knowledge base knows it (typos forgiven)."""
        return [(term, self._resolve([term])[0][0] is not None) for term in self._query_terms(words)]

    def _query_terms(self, words: list[str]) -> list[str]:
        """A message's terms; a number counts only when the knowledge base names it ("error 401").

        Any other number (a ticket, a CPF, a phone) is neither evidence nor an unknown word.
        """
        terms = self._terms(words)
        return [term for term in terms if not term.isdigit() or term in self._idf][:MAX_QUERY_TERMS]

    def _terms(self, words: list[str]) -> list[str]:
        """Content terms with synonyms mapped onto their group's representative, without repeats.

        Two adjacent terms that a synonym group holds as one word ("catch up" for "catchup", "split
        screen" for "splitscreen") become that word's representative, on both sides of a comparison.
        """
        found = terms_of(words, codes=True)
        mapped: list[str] = []
        position = 0
        while position < len(found):
            joined = found[position] + found[position + 1] if position + 1 < len(found) else ""
            if joined in self._synonyms:
                mapped.append(self._synonyms[joined])
                position += 2
                continue
            mapped.append(self._synonyms.get(found[position], found[position]))
            position += 1
        return list(dict.fromkeys(mapped))

    def _rank(self, matched: dict[str, float], total: float, lang: str) -> list[tuple[int, float, float]]:
        """The leading entries by score: recall over all of an entry's phrasings, precision of its best.

        Sparse: only the entries and phrasings on the postings of the message's terms are visited,
        so the cost follows how common its words are rather than the size of the knowledge base.
        Equal scores go to the entry listed first in the knowledge base. An entry the message
        meets only through its answer or tags has no question to be precise about: its recall,
        discounted by `Tuning.answer_only`, stands for its precision, so such an entry can be
        suggested but rarely outranks one whose question holds the word.
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
        other_language = self.tuning.other_language_factor
        answer_only = self.tuning.answer_only
        bias = self.tuning.recall_bias**2
        for position, coverage in covered.items():
            precision = coverage / self._phrasing_weight[position]
            if self._phrasing_lang[position] != lang:
                precision *= other_language
            entry = self._phrasing_entry[position]
            if precision > best_get(entry, 0.0):
                best[entry] = precision
        leading: list[tuple[float, int, float]] = []
        for entry, gain in explained.items():
            recall = gain / total
            precision = best_get(entry, recall * answer_only)
            if precision and recall:
                score = (1 + bias) * recall * precision / (bias * precision + recall)
                leading.append((-score, entry, recall))
        return [(entry, -score, recall) for score, entry, recall in heapq.nsmallest(RERANK_DEPTH, leading)]

    def _rerank(
        self, ranked: list[tuple[int, float, float]], surface: str, slot_of: dict[str, int], slots: int
    ) -> list[Ranked]:
        """The leading entries re-weighed by how close the message reads to their best phrasing.

        Term overlap alone ties entries that share the same words ("tienen películas?" against
        "películas y series" and "películas con subtítulos"); the whole-sentence rapidfuzz score
        (word order free) prefers the phrasing the message resembles most. That score is rapidfuzz's
        `token_sort_ratio`, computed as its definition says, `ratio` of the word-sorted strings:
        the phrasings are kept word-sorted and the message is sorted once, where `token_sort_ratio`
        sorted both on every comparison (a fifth of the time of a whole triage). Each entry also
        gets how many of the message's terms it explains, by its questions or its answer, and how
        many of its `slots` words it leaves unexplained (`slot_of`: each known term's slot; two
        terms a question writes side by side, "cobraron veces", fill one slot and count two).
        """
        head = []
        weight = self.tuning.surface_weight
        query = _word_sorted(surface)
        for entry, score, recall in ranked:
            closest = process.extractOne(query, self._surfaces[entry], scorer=fuzz.ratio)
            resemblance = closest[1] / 100 if closest else 0.0
            blended = score * (1 - weight + weight * resemblance)
            found = [slot for term, slot in slot_of.items() if entry in self._evidence_of[term]]
            asked = sum(entry in self._asked_in[term] for term in slot_of)
            head.append(
                Ranked(
                    self._ids[entry],
                    min(1.0, blended),
                    min(1.0, recall),
                    len(found),
                    slots - len(set(found)),
                    asked,
                )
            )
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
        """Unknown terms resolved by their generic word, by prefix or by edit distance (same first
        letter), in place; a word the synonyms know is a word, not a typo of another."""
        for slot, query in unknown:
            generic = self._broader.get(query)
            if generic in self._aliases and self.tuning.broader_evidence > 0:
                resolved[slot] = (generic, self.tuning.broader_evidence)
                continue
            found = self._by_prefix(query)
            allowed = 2 if len(query) >= _MIN_TYPO_TWO else 1 if len(query) >= _MIN_TYPO_ONE else 0
            if allowed and query not in self._words_known:
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


def support(item: Ranked, tuning: Tuning) -> float:
    """How many of the message's terms back `item`: a term of its questions counts 1, a term met
    only in its answer `Tuning.answer_word_support`.

    "vocês vendem chip de celular?" against "Vocês vendem TV Box?", whose answer names phones,
    is one word and a half, not the two that would answer it outright; and "who is the president
    of Brazil" is not answered by the payment methods because their answer says "in Brazil".
    """
    return item.asked + tuning.answer_word_support * (item.explained - item.asked)


def decide(ranked: list[Ranked], tuning: Tuning) -> FaqMatch:
    """Answer, suggest or abstain on a ranking (`FaqMatcher.ranking`, not empty) under `tuning`."""
    top = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    kept = tuple((item.entry_id, item.score, item.recall) for item in ranked[:MAX_SUGGESTIONS])
    confident = (
        top.score >= tuning.answer_threshold
        and top.recall >= tuning.answer_recall
        and support(top, tuning) >= (1 if top.unexplained == 0 else tuning.answer_support)
    )
    if confident and top.score - runner_up >= tuning.answer_margin:
        return FaqMatch(Outcome.ANSWER, top.entry_id, (), top.score, kept)
    close = tuple(
        item.entry_id
        for item in ranked[:MAX_SUGGESTIONS]
        if item.score >= tuning.suggest_threshold and item.recall >= tuning.suggest_recall
    )
    if close:
        return FaqMatch(Outcome.SUGGEST, None, close, top.score, kept)
    return FaqMatch(Outcome.NONE, None, (), top.score, kept)
