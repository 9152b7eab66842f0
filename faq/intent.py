"""From lexicon hits and the FAQ verdict to intent, impact and urgency.

The rules are ordered by what costs most to miss: an outage first (a missed outage is a customer
without TV), then cancellation, billing and a request for a person, then information (FAQ), then
greetings. Two guards keep information questions out of the outage queue: a symptom only counts
as a report when it is not inside a hypothetical ("o que fazer quando trava?", "what if it
drops?"), and channels or signal mentioned without a symptom ("o sinal é em HD?") are never one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from escalation.domain import Impact, Intent
from faq.lexicon import Hit
from faq.matcher import FaqMatch, Outcome
from faq.terms import terms_of

HYPOTHETICAL_REACH = 6
NEAR = 3
QUESTION_DOUBT = 0.8
CUE_ONLY_CONFIDENCE = 0.5
_SYMPTOMS = ("outage", "degraded")
_SPECIFIC = ("billing", "cancel")
_DOMAIN = ("topic", "scope_partial", "live_event")
_PLAIN_INTENTS = (("cancel", Intent.CANCEL), ("billing", Intent.BILLING), ("human", Intent.HUMAN))


@dataclass(frozen=True, slots=True)
class Reading:
    """What a message is about, before the priority engine weighs it.

    `follow_up`: the message says the problem is still there or came back ("ainda não voltou",
    "still", "sigue igual"). `courtesy`: thanks or small talk with no problem in it; on an open
    ticket it is never a repeat contact.
    """

    intent: Intent
    impact: Impact | None
    urgent: bool
    confidence: float
    asks: bool = False
    follow_up: bool = False
    courtesy: bool = False


def interpret(hits: Sequence[Hit], faq: FaqMatch, question_mark: bool, words: Sequence[str] = ()) -> Reading:
    """Intent, impact, urgency and confidence for a message's lexicon hits and FAQ verdict.

    `words` are the message's normalised words; they tell a bare greeting ("oi, tudo bem?")
    from a greeting that opens a question ("hi, is there a discount for paying yearly?").
    """
    found: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        found[hit.category].append(hit)
    asks = question_mark or bool(found["question"])
    explicit_urgency = bool(found["urgency"])
    follow_up = bool(found["followup"])
    symptoms = _reported_symptoms(found)
    if symptoms:
        live_now = bool(found["live_event"]) and bool(found["now"])
        confidence = _best(symptoms) * (QUESTION_DOUBT if question_mark else 1.0)
        impact = _impact(symptoms, found)
        return Reading(Intent.OUTAGE, impact, explicit_urgency or live_now, confidence, asks, follow_up)
    for category, intent in _PLAIN_INTENTS:
        if found[category]:
            return Reading(intent, None, explicit_urgency, _best(found[category]), asks, follow_up)
    courtesy = bool(found["greeting"]) and not follow_up
    only_greets = bool(found["greeting"]) and not _says_more(words, found["greeting"])
    if faq.outcome is Outcome.ANSWER or (faq.outcome is Outcome.SUGGEST and not only_greets):
        return Reading(Intent.FAQ, None, explicit_urgency, faq.score, asks, follow_up, courtesy)
    if asks and any(found[category] for category in _DOMAIN):
        return Reading(Intent.FAQ, None, explicit_urgency, CUE_ONLY_CONFIDENCE, asks, follow_up, courtesy)
    if courtesy and not (asks and _says_more(words, found["greeting"])):
        return Reading(Intent.GREETING, None, explicit_urgency, _best(found["greeting"]), asks, False, True)
    return Reading(Intent.UNKNOWN, None, explicit_urgency, 0.0, asks, follow_up, courtesy)


def _reported_symptoms(found: dict[str, list[Hit]]) -> list[Hit]:
    """Symptoms that report a problem: not at a billing or cancel phrase, not hypothetical.

    "o pix não caiu" holds "caiu" and "problema na cobrança" holds "problema", but the billing
    phrase at (or right next to) them says what they are about. Where two symptom phrases
    overlap, the longer one says it better ("está fora de sincronia" is about sync, not down).
    A negated degradation is the opposite of a report ("canais que não travam", "sem travar").
    """
    specific = [hit for category in _SPECIFIC for hit in found[category]]
    candidates = [
        hit
        for category in _SYMPTOMS
        for hit in found[category]
        if not _near(hit, specific)
        and not _after_cue(hit, found["hypothetical"])
        and not (hit.category == "degraded" and _negated(hit, found["negation"]))
    ]
    return [hit for hit in candidates if not any(_outweighs(other, hit) for other in candidates)]


def _impact(symptoms: list[Hit], found: dict[str, list[Hit]]) -> Impact:
    """Total when the service is down everywhere; partial when narrowed or merely degraded.

    Degradation (freezing, buffering, no audio) is partial even on every channel; a down
    symptom is total unless the message narrows it (one channel, a named channel, movies only)
    and does not also widen it (all channels, nothing, everything).
    """
    if not any(hit.category == "outage" for hit in symptoms):
        return Impact.PARTIAL
    if found["scope_total"]:
        return Impact.TOTAL
    return Impact.PARTIAL if found["scope_partial"] else Impact.TOTAL


def _says_more(words: Sequence[str], greetings: list[Hit]) -> bool:
    """Whether the words outside the greeting phrases carry any content term."""
    greeted = {position for hit in greetings for position in range(hit.start, hit.end + 1)}
    return bool(terms_of(word for position, word in enumerate(words) if position not in greeted))


def _near(hit: Hit, others: Iterable[Hit]) -> bool:
    return any(hit.start <= other.end + NEAR and other.start <= hit.end + NEAR for other in others)


def _outweighs(other: Hit, hit: Hit) -> bool:
    overlapping = hit.start <= other.end and other.start <= hit.end
    return overlapping and other.category != hit.category and other.end - other.start > hit.end - hit.start


def _negated(hit: Hit, negations: Iterable[Hit]) -> bool:
    return any(negation.end == hit.start - 1 for negation in negations)


def _after_cue(hit: Hit, cues: Iterable[Hit]) -> bool:
    return any(cue.start <= hit.start <= cue.end + HYPOTHETICAL_REACH for cue in cues)


def _best(hits: Iterable[Hit]) -> float:
    return max(hit.quality for hit in hits)
