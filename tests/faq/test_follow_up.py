"""Follow-ups ("still not working") and courtesy ("thanks", "ok") as triage reads them, in pt, en and es."""

from __future__ import annotations

import pytest

from escalation.domain import Intent
from faq.triage import Triage

STILL = [
    ("ainda não voltou aqui", "pt"),
    ("ainda nada", "pt"),
    ("continua igual", "pt"),
    ("aqui continua a mesma coisa", "pt"),
    ("deu o mesmo problema de novo", "pt"),
    ("ainda ta sem sinal", "pt"),
    ("still nothing here", "en"),
    ("it's still the same", "en"),
    ("same problem as yesterday", "en"),
    ("sigue igual, nada", "es"),
    ("todavía no vuelve", "es"),
    ("otra vez lo mismo", "es"),
]
COURTESY = [
    ("obrigado", "pt"),
    ("valeu!", "pt"),
    ("ok, obrigado", "pt"),
    ("blz, fico no aguardo", "pt"),
    ("thanks a lot", "en"),
    ("ok got it", "en"),
    ("muchas gracias", "es"),
    ("vale, perfecto", "es"),
]


@pytest.mark.parametrize(("text", "lang"), STILL)
def test_still_not_working_is_a_follow_up(triage: Triage, text: str, lang: str) -> None:
    result = triage.classify(text, lang=lang)
    assert result.follow_up and not result.courtesy
    assert result.intent is not Intent.GREETING


@pytest.mark.parametrize(("text", "lang"), COURTESY)
def test_thanks_and_small_talk_are_courtesy(triage: Triage, text: str, lang: str) -> None:
    result = triage.classify(text, lang=lang)
    assert result.courtesy and not result.follow_up
    assert result.intent in (Intent.GREETING, Intent.FAQ)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("o app voltou, obrigado", "pt"),
        ("quanto custa o plano anual?", "pt"),
        ("how do I pay with pix?", "en"),
    ],
)
def test_a_resolved_problem_or_a_question_is_no_follow_up(triage: Triage, text: str, lang: str) -> None:
    assert not triage.classify(text, lang=lang).follow_up


def test_alternatives_are_the_next_closest_answers(triage: Triage) -> None:
    question = "como instalar na smart tv samsung?"
    best = triage.classify(question, lang="pt").faq_id
    assert best is not None
    others = triage.alternatives(question, "pt", exclude=best)
    assert others and best not in others
    assert triage.alternatives("zzxq wvvk", "pt", exclude=best) == ()
