"""Triage end to end: labelled corpora, priorities from the engine, gaps, and robustness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalation.domain import Impact, Intent, Priority, ReasonCode, Tier
from escalation.policy import Policy
from escalation.priority import assess
from faq.knowledge import KnowledgeBase
from faq.matcher import MAX_SUGGESTIONS
from faq.triage import Triage

from .conftest import DATA, read_jsonl

DEV_CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "triage_dev.jsonl"


def run_corpus(triage: Triage, rows: list[dict]) -> tuple[float, float, list[str], list[str]]:
    """Intent accuracy, priority accuracy, missed outages and the lines that went wrong."""
    intents = priorities = 0
    missed, wrong = [], []
    for row in rows:
        tier = Tier(row["plan"]) if row.get("plan") else None
        result = triage.classify(row["text"], row.get("lang"), tier).to_json()
        intents += result["intent"] == row["intent"]
        priorities += result["priority"] == row["priority"]
        if row["intent"] == "outage" and result["intent"] != "outage":
            missed.append(row["text"])
        if (result["intent"], result["impact"], result["priority"]) != (
            row["intent"],
            row["impact"],
            row["priority"],
        ):
            wrong.append(f"{row['text']!r}: {result['intent']}/{result['impact']}/{result['priority']}")
    return intents / len(rows), priorities / len(rows), missed, wrong


def assert_quality(triage: Triage, rows: list[dict]) -> None:
    intent_accuracy, priority_accuracy, missed, wrong = run_corpus(triage, rows)
    assert not missed, f"missed outages: {missed}"
    assert intent_accuracy >= 0.95, wrong
    assert priority_accuracy >= 0.95, wrong


def test_dev_corpus_quality(triage: Triage) -> None:
    if not DEV_CORPUS.exists():
        pytest.skip(f"dev corpus not found at {DEV_CORPUS.resolve()} (it lives in the shared workspace)")
    rows = read_jsonl(DEV_CORPUS)
    assert len(rows) >= 40
    assert_quality(triage, rows)


def test_extra_corpus_quality(triage: Triage) -> None:
    rows = read_jsonl(DATA / "triage_extra.jsonl")
    assert len(rows) >= 120
    assert sum(row.get("lang", "pt") == "pt" for row in rows) > len(rows) / 2
    assert_quality(triage, rows)


def test_extra_corpus_labels_agree_with_the_priority_engine(policy: Policy) -> None:
    for row in read_jsonl(DATA / "triage_extra.jsonl"):
        impact = Impact(row["impact"]) if row["impact"] else None
        expected = assess(policy, Intent(row["intent"]), impact, Tier(row["plan"]), urgent=row["urgent"])
        assert str(expected.priority) == row["priority"], row["text"]


@pytest.mark.parametrize(
    ("text", "lang", "impact"),
    [
        ("hola, no me funciona la app en el fire stick", "es", Impact.PARTIAL),
        ("the app doesn't work on my fire stick", "en", Impact.PARTIAL),
        ("nao funciona nada no tvbox", "pt", Impact.PARTIAL),
        ("caiu tudo, nem na smart tv nem no celular funciona", "pt", Impact.TOTAL),
        ("nothing works on any of my devices, not even the roku", "en", Impact.TOTAL),
    ],
)
def test_an_outage_on_one_named_device_is_partial_unless_everything_is_down(
    triage: Triage, text: str, lang: str, impact: Impact
) -> None:
    """A subscriber who names the device that fails still has the others: not a total outage."""
    result = triage.classify(text, lang, Tier.BASIC)
    assert result.intent is Intent.OUTAGE
    assert result.impact is impact


def test_priority_and_reasons_come_from_the_engine(triage: Triage, policy: Policy) -> None:
    result = triage.classify("urgente!! caiu tudo e o jogo começa em 5 minutos", "pt", Tier.PREMIUM)
    expected = assess(policy, Intent.OUTAGE, Impact.TOTAL, Tier.PREMIUM, urgent=True)
    assert result.assessment == expected
    assert result.priority is Priority.P1
    assert result.reason_texts()[0] == "serviço totalmente fora do ar"


def test_an_unlinked_customer_counts_as_basic_and_says_so(triage: Triage) -> None:
    linked = triage.classify("sem sinal", "pt", Tier.BASIC)
    unlinked = triage.classify("sem sinal", "pt", None)
    assert linked.priority == unlinked.priority == Priority.P2
    assert ReasonCode.UNLINKED in {reason.code for reason in unlinked.reasons}
    assert ReasonCode.UNLINKED not in {reason.code for reason in linked.reasons}


def test_reasons_are_in_the_message_language(triage: Triage) -> None:
    assert triage.classify("no channels are working").reason_texts()[0] == "service completely down"
    assert triage.classify("ningún canal funciona").reason_texts()[0] == "servicio totalmente caído"
    assert triage.classify("nenhum canal funciona", "pt-BR").lang == "pt"


def test_a_confident_faq_answer_comes_with_its_text(triage: Triage, kb: KnowledgeBase) -> None:
    result = triage.classify("como pago com pix?", "pt")
    assert (result.intent, result.faq_id, result.suggestions) == (Intent.FAQ, "pay-pix", ())
    assert result.answer == kb.get("pay-pix").answer("pt")
    assert triage.classify("how do I pay with pix?", "en").answer == kb.get("pay-pix").answer("en")


def test_only_faq_messages_carry_faq_answers_or_suggestions(triage: Triage) -> None:
    result = triage.classify("paguei o pix e não liberou", "pt")
    assert result.intent is Intent.BILLING
    assert (result.faq_id, result.suggestions, result.answer) == (None, (), None)


def test_the_knowledge_base_in_service_is_exposed(triage: Triage) -> None:
    assert triage.knowledge.get("free-trial") is not None


def test_loading_from_files_uses_the_packaged_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAQ_FILE", raising=False)
    triage = Triage.from_files()
    assert len(triage.knowledge) >= 40
    assert triage.classify("nenhum canal funciona", "pt").intent is Intent.OUTAGE


def check_well_formed(triage: Triage, text: str, lang: str | None, tier: Tier | None) -> None:
    result = triage.classify(text, lang, tier)
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.suggestions) <= MAX_SUGGESTIONS
    assert len(set(result.suggestions)) == len(result.suggestions)
    assert result.lang in ("pt", "en", "es")
    assert (result.impact is not None) == (result.intent is Intent.OUTAGE)
    assert result.faq_id is None or result.intent is Intent.FAQ
    assert result.to_json()["priority"] in ("P1", "P2", "P3", "P4")


messages = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=2000),
    st.lists(
        st.sampled_from(
            [
                "caiu",
                "tudo",
                "canal",
                "sem",
                "sinal",
                "?",
                "<b>",
                "😡",
                "urgente",
                "pix",
                "cancelar",
                "nao",
                "funciona",
                "jogo",
                "agora",
                "&amp;",
            ]
        ),
        max_size=60,
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=messages,
    lang=st.sampled_from([None, "pt", "en", "es", "pt-BR", "xx"]),
    tier=st.sampled_from([None, *Tier]),
)
def test_classify_never_crashes_and_stays_well_formed(
    triage: Triage, text: str, lang: str | None, tier: Tier | None
) -> None:
    check_well_formed(triage, text, lang, tier)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\t ",
        "a" * 10_000,
        "caiu tudo " * 1_000,
        "😡" * 10_000,
        "<html><body><script>alert('x')</script><p>sem sinal</p></body></html>" * 150,
        "\x00\x01\u200b\ufeff\U0010ffff",
        "تلفاز لا يعمل 电视坏了 телевизор не работает",
    ],
)
def test_huge_and_strange_messages_are_handled(triage: Triage, text: str) -> None:
    check_well_formed(triage, text, None, None)


@pytest.mark.parametrize("text", ["buenos días", "bom dia!", "boa noite, pessoal", "good evening"])
def test_a_bare_greeting_is_a_greeting_even_when_the_faq_would_suggest_something(
    triage: Triage, text: str
) -> None:
    assert triage.classify(text).intent is Intent.GREETING


@pytest.mark.parametrize(
    ("lang", "text", "impact"),
    [
        ("es", "algunos canales se traban", Impact.PARTIAL),
        ("es", "los canales se trabaron otra vez", Impact.PARTIAL),
        ("es", "los canales están trabados", Impact.PARTIAL),
        ("es", "los canales se caen a cada rato", Impact.PARTIAL),
        ("es", "los canales se cortan", Impact.PARTIAL),
        ("es", "los canales están muy lentos", Impact.PARTIAL),
        ("es", "las apps se cierran solas", Impact.PARTIAL),
        ("es", "se cayeron todos los canales", Impact.TOTAL),
        ("es", "los canales no abren", Impact.TOTAL),
        ("pt", "os canais travaram", Impact.PARTIAL),
        ("pt", "os canais caem toda hora", Impact.PARTIAL),
        ("pt", "os canais estão lentos", Impact.PARTIAL),
        ("pt", "alguns canais somem", Impact.PARTIAL),
        ("pt", "as telas ficaram pretas", Impact.TOTAL),
        ("en", "the streams keep dropping", Impact.PARTIAL),
        ("en", "channels cut out", Impact.PARTIAL),
    ],
)
def test_plural_and_past_forms_of_a_symptom_are_reports(
    triage: Triage, lang: str, text: str, impact: Impact
) -> None:
    """Customers write "los canales se traban", not only "se traba": the lexicons list the forms."""
    result = triage.classify(text, lang=lang)
    assert (result.intent, result.impact) == (Intent.OUTAGE, impact)


def test_work_is_not_a_stuck_channel(triage: Triage) -> None:
    """ "trabajo" (work) is one letter from "trabado" (stuck): a typo match made it an outage."""
    assert triage.classify("trabajo en casa y quiero saber el precio", lang="es").intent is not Intent.OUTAGE
