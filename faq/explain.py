"""Why the FAQ matcher answered, suggested or abstained: what a KB author needs to fix an entry.

`supportbot triage --explain` prints this beside the verdict: the message's content terms and
whether the knowledge base knows each, the three leading entries with their scores (and the
share of the message each explains), and the one rule of `faq.matcher.decide` that settled it.
"""

from __future__ import annotations

from typing import Any

from faq.matcher import FaqMatcher, Outcome, Ranked, Tuning, decide, support
from faq.normalize import tokens


def explain(matcher: FaqMatcher, text: str, lang: str) -> dict[str, Any]:
    """The matcher's reading of `text` as a JSON-ready object (see the module docstring)."""
    words = tokens(text)
    ranking = matcher.ranking(words, lang)
    tuning = matcher.tuning
    outcome = decide(ranking, tuning).outcome if ranking else Outcome.NONE
    return {
        "outcome": outcome.value,
        "why": _why(ranking, tuning, outcome),
        "terms": [{"term": term, "known": known} for term, known in matcher.known_terms(words)],
        "top": [
            {
                "id": item.entry_id,
                "score": round(item.score, 3),
                "explains": round(item.recall, 3),
                "question": _title(matcher, item.entry_id, lang),
            }
            for item in ranking[:3]
        ],
    }


def _title(matcher: FaqMatcher, entry_id: str, lang: str) -> str:
    entry = matcher.kb.get(entry_id)
    return entry.title(lang) if entry else ""


def _support(top: Ranked) -> str:
    answered_only = top.explained - top.asked
    in_answer = f", {answered_only} only by its answer" if answered_only else ""
    if not top.unexplained:
        return f"all its terms{in_answer}"
    return f"{top.explained} of its terms{in_answer}, {top.unexplained} unexplained"


def _why(ranking: list[Ranked], tuning: Tuning, outcome: Outcome) -> str:
    """The rule that decided, with the figures it compared."""
    if not ranking:
        return "no word of the message is in the knowledge base"
    top = ranking[0]
    runner_up = ranking[1].score if len(ranking) > 1 else 0.0
    lead = top.score - runner_up
    if outcome is Outcome.ANSWER:
        return (
            f"answered: {top.entry_id} scores {top.score:.2f} >= {tuning.answer_threshold:.2f}, explains "
            f"{top.recall:.0%} >= {tuning.answer_recall:.0%} of the message ({_support(top)}) and leads "
            f"by {lead:.3f} >= {tuning.answer_margin:.3f}"
        )
    if top.score < tuning.answer_threshold:
        failed = f"top score {top.score:.2f} < {tuning.answer_threshold:.2f}"
    elif top.recall < tuning.answer_recall:
        failed = f"{top.entry_id} explains only {top.recall:.0%} < {tuning.answer_recall:.0%} of the message"
    elif support(top, tuning) < (needed := 1 if not top.unexplained else tuning.answer_support):
        failed = (
            f"{top.entry_id} is backed by {support(top, tuning):g} of the message's terms "
            f"({_support(top)}), fewer than {needed}; a term only its answer holds counts "
            f"{tuning.answer_word_support:g}"
        )
    else:
        failed = f"{top.entry_id} leads the next entry by only {lead:.3f} < {tuning.answer_margin:.3f}"
    if outcome is Outcome.SUGGEST:
        return f"suggested, not answered: {failed}"
    return (
        f"abstained: {failed}, and no entry scores >= {tuning.suggest_threshold:.2f} while explaining "
        f">= {tuning.suggest_recall:.0%} of the message"
    )
