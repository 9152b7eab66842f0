"""How well a matcher serves a knowledge base, measured on labelled questions.

Used by the tests (tests/faq/test_provider_kbs.py), `bench/triage.py` and anyone checking their
own FAQ: give it the matcher and rows `{"text", "lang", "faq_id"}` where `faq_id` is null for a
question the knowledge base does not cover.

* `top1`: of the answerable questions, the share whose top entry (the answer, or else the first
  suggestion the customer is shown) is the right one;
* `answered`: of those, the share answered outright with the right entry;
* `abstain`: of the out-of-scope questions, the share that got no answer (suggestions are fine:
  the customer sees "did you mean" and can ignore it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from faq.matcher import FaqMatcher, Outcome


@dataclass(frozen=True, slots=True)
class Scores:
    """The figures of one knowledge base on one set of questions, with the misses to look at."""

    top1: float
    answered: float
    abstain: float
    answerable: int
    out_of_scope: int
    misses: tuple[Mapping[str, object], ...] = field(default=(), repr=False)
    wrongly_answered: tuple[Mapping[str, object], ...] = field(default=(), repr=False)


def evaluate(matcher: FaqMatcher, rows: Iterable[Mapping[str, object]]) -> Scores:
    """Top 1, answered and abstention rates of `matcher` on labelled `rows`."""
    hits = answered = abstained = answerable = out_of_scope = 0
    misses: list[Mapping[str, object]] = []
    wrong: list[Mapping[str, object]] = []
    for row in rows:
        result = matcher.match(str(row["text"]), str(row["lang"]))
        expected = row.get("faq_id")
        if expected is None:
            out_of_scope += 1
            if result.outcome is Outcome.ANSWER:
                wrong.append(row)
            else:
                abstained += 1
            continue
        answerable += 1
        top = result.entry_id or (result.suggestions[0] if result.suggestions else None)
        if top == expected:
            hits += 1
        else:
            misses.append(row)
        if result.outcome is Outcome.ANSWER:
            if result.entry_id == expected:
                answered += 1
            else:
                wrong.append(row)
    return Scores(
        top1=hits / answerable if answerable else 1.0,
        answered=answered / answerable if answerable else 1.0,
        abstain=abstained / out_of_scope if out_of_scope else 1.0,
        answerable=answerable,
        out_of_scope=out_of_scope,
        misses=tuple(misses),
        wrongly_answered=tuple(wrong),
    )


def read_rows(path: Path) -> list[dict[str, object]]:
    """The labelled questions of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
