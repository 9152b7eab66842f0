"""Triage of one subscriber message: what it is about, whether the FAQ answers it, its priority.

The one entry point the conversation handlers call for every message. Everything expensive
(loading the knowledge base, compiling lexicons, preprocessing FAQ phrasings) happens at
construction; `classify` is pure computation, needs no Redis or network, and never raises on
odd input. Priority comes from `escalation.priority.assess`, the same engine the ticket store
uses, so what triage predicts is what a ticket gets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from escalation.domain import Assessment, Impact, Intent, Priority, Reason, Tier
from escalation.policy import Policy, load_policy
from escalation.priority import assess
from escalation.reasons import describe
from faq.intent import interpret
from faq.knowledge import KnowledgeBase
from faq.language import detect_language, parse_language
from faq.lexicon import Lexicon
from faq.matcher import FaqMatch, FaqMatcher, Outcome
from faq.normalize import tokens
from faq.source import KnowledgeFile

MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class TriageResult:
    """Everything a handler needs to act on a message (and the CLI prints)."""

    intent: Intent
    impact: Impact | None
    priority: Priority
    reasons: tuple[Reason, ...]
    lang: str
    urgent: bool
    confidence: float
    faq_id: str | None = None
    suggestions: tuple[str, ...] = ()
    answer: str | None = None
    follow_up: bool = False
    courtesy: bool = False
    asks: bool = False
    asks_status: bool = False

    @property
    def assessment(self) -> Assessment:
        """Priority and reasons in the form the ticket store takes."""
        return Assessment(self.priority, self.reasons)

    def reason_texts(self) -> list[str]:
        """The reasons in words, in the message's language."""
        return describe(self.reasons, self.lang)

    def to_json(self) -> dict[str, object]:
        """The CLI's JSON object (see `supportbot triage`)."""
        return {
            "intent": self.intent.value,
            "impact": self.impact.value if self.impact else None,
            "priority": str(self.priority),
            "faq_id": self.faq_id,
            "suggestions": list(self.suggestions),
            "confidence": round(self.confidence, 3),
            "reasons": self.reason_texts(),
        }


class Triage:
    """Classifies messages against one policy and one knowledge base (a file follows its edits)."""

    def __init__(self, policy: Policy, knowledge: KnowledgeFile | KnowledgeBase) -> None:
        self.policy = policy
        self._lexicon = Lexicon.from_policy(policy)
        if isinstance(knowledge, KnowledgeBase):
            fixed = FaqMatcher(knowledge)
            self._matcher: Callable[[], FaqMatcher] = lambda: fixed
        else:
            self._matcher = knowledge.matcher
        self._learned: tuple[tuple[str, str, str], ...] = ()
        self._derived: tuple[FaqMatcher, FaqMatcher] | None = None

    @classmethod
    def load(cls, faq_file: Path | str | None, policy: Policy) -> Triage:
        """Triage over a FAQ file (FAQ_FILE or the default when None) that follows its edits."""
        return cls(policy, KnowledgeFile(faq_file))

    @classmethod
    def from_files(
        cls,
        faq_file: Path | str | None = None,
        policy_file: Path | str | None = None,
    ) -> Triage:
        """Triage over a FAQ file (FAQ_FILE or the default) and a policy file (or the default)."""
        return cls.load(faq_file, load_policy(policy_file))

    @property
    def knowledge(self) -> KnowledgeBase:
        """The knowledge base in service, e.g. to show a suggestion's title or an answer."""
        return self.matcher.kb

    @property
    def matcher(self) -> FaqMatcher:
        """The FAQ matcher in service: the file's entries plus the learned phrasings (`learn`)."""
        base = self._matcher()
        if not self._learned:
            return base
        if self._derived is None or self._derived[0] is not base:
            learned = FaqMatcher(base.kb.with_phrasings(self._learned), tuning=base.tuning)
            self._derived = (base, learned)
        return self._derived[1]

    def learn(self, phrasings: Iterable[tuple[str, str, str]]) -> None:
        """Match these (entry id, language, text) phrasings too, beside the file's, from now on.

        Phrasings approved from agents' answers live in Redis, not in the file; the matcher is
        rebuilt with them once here, and again only when the file changes.
        """
        learned = tuple(phrasings)
        if learned != self._learned:
            self._learned = learned
            self._derived = None

    def classify(self, text: str, lang: str | None = None, tier: Tier | None = None) -> TriageResult:
        """Intent, impact, priority, reasons and FAQ verdict for one message.

        `lang` is the message's language if known (a Telegram code such as "pt-br" is fine);
        otherwise it is detected. `tier` comes from the customer directory; None means the
        customer is not linked and counts as basic.
        """
        text = text[:MAX_TEXT]
        words = tokens(text)
        language = parse_language(lang) or detect_language(text, words=words)
        matcher = self.matcher
        faq = matcher.match_words(words, language)
        hits = self._lexicon.scan(words)
        reading = interpret(hits, faq, "?" in text, words)
        assessment = assess(self.policy, reading.intent, reading.impact, tier, urgent=reading.urgent)
        answered = faq.outcome is Outcome.ANSWER and reading.intent is Intent.FAQ
        result = TriageResult(
            intent=reading.intent,
            impact=reading.impact,
            priority=assessment.priority,
            reasons=assessment.reasons,
            lang=language,
            urgent=reading.urgent,
            confidence=min(1.0, max(0.0, reading.confidence)),
            faq_id=faq.entry_id if answered else None,
            suggestions=faq.suggestions if reading.intent is Intent.FAQ else (),
            answer=_answer(matcher, faq, language) if answered else None,
            follow_up=reading.follow_up,
            courtesy=reading.courtesy,
            asks=reading.asks,
            asks_status=any(hit.category == "status_question" for hit in hits),
        )
        return result

    def alternatives(self, text: str, lang: str, exclude: str, limit: int = 3) -> tuple[str, ...]:
        """The FAQ entries closest to `text` other than `exclude`: what to offer when an answer did not help.

        Only entries close enough to be suggested for the text itself (the tuning's suggestion
        thresholds).
        """
        words = tokens(text[:MAX_TEXT])
        language = parse_language(lang) or detect_language(text, words=words)
        matcher = self.matcher
        faq = matcher.match_words(words, language)
        tuning = matcher.tuning
        close = (
            entry
            for entry, score, recall in faq.ranked
            if entry != exclude and score >= tuning.suggest_threshold and recall >= tuning.suggest_recall
        )
        return tuple(close)[:limit]


def _answer(matcher: FaqMatcher, faq: FaqMatch, lang: str) -> str | None:
    entry = matcher.kb.get(faq.entry_id) if faq.entry_id else None
    return entry.answer(lang) if entry else None
