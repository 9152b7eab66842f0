"""Synonyms let a sparse knowledge base meet the words customers actually use."""

from __future__ import annotations

from pathlib import Path

import pytest

from faq.knowledge import KnowledgeBaseError, parse_knowledge_base
from faq.matcher import FaqMatcher, Outcome
from faq.synonyms import load_synonyms

SPARSE = parse_knowledge_base(
    {
        "entries": [
            {"id": "precos", "questions": {"pt": ["Quais são os preços?"]}, "answer": {"pt": "R$ 30."}},
            {"id": "teste", "questions": {"pt": ["Vocês têm teste grátis?"]}, "answer": {"pt": "Sim."}},
            {
                "id": "pagamento",
                "questions": {"pt": ["Quais formas de pagamento vocês aceitam?"]},
                "answer": {"pt": "Pix e cartão."},
            },
            {"id": "legendas", "questions": {"pt": ["Como ativar legendas?"]}, "answer": {"pt": "No menu."}},
        ]
    }
)


def test_the_packaged_groups_map_words_onto_one_representative() -> None:
    synonyms = load_synonyms()
    assert synonyms["valor"] == synonyms["cost"] == synonyms["cuest"] == "prec"
    assert "prec" not in synonyms


def test_a_custom_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.yaml"
    path.write_text("groups:\n  - [globo, globinho]\n", encoding="utf-8")
    assert load_synonyms(path) == {"globinh": "glob"}


def test_other_words_for_the_same_thing_find_the_entry() -> None:
    matcher = FaqMatcher(SPARSE)
    assert matcher.match("qual o valor?", "pt").entry_id == "precos"
    assert matcher.match("¿cuánto cuesta?", "es").entry_id == "precos"
    assert matcher.match("do you have a free trial?", "en").entry_id == "teste"
    assert matcher.match("como coloco legenda?", "pt").entry_id == "legendas"


def test_without_synonyms_the_same_questions_are_missed() -> None:
    matcher = FaqMatcher(SPARSE, synonyms={})
    assert matcher.match("qual o valor?", "pt").outcome is Outcome.NONE


def test_an_answer_word_is_weaker_evidence_than_a_question_word() -> None:
    matcher = FaqMatcher(SPARSE)
    from_answer, from_question = matcher.match("pix?", "pt"), matcher.match("formas de pagamento?", "pt")
    assert from_answer.ranked[0][0] == from_question.ranked[0][0] == "pagamento"
    assert from_answer.score < from_question.score


def test_a_faq_file_extends_the_synonyms_with_its_own_trade_words() -> None:
    raw = {
        "entries": [
            {
                "id": "planos",
                "questions": {"pt": ["Quais são os planos?"]},
                "answer": {"pt": "Básico e Total."},
            },
            {"id": "teste", "questions": {"pt": ["Vocês têm teste grátis?"]}, "answer": {"pt": "Sim."}},
        ]
    }
    without = FaqMatcher(parse_knowledge_base(raw)).match("tem kit?", "pt")
    extended = FaqMatcher(parse_knowledge_base({**raw, "synonyms": [["plano", "kit", "bundle"]]}))
    assert without.entry_id is None
    assert extended.match("tem kit?", "pt").entry_id == "planos"
    assert extended.match("quais bundles?", "pt").ranked[0][0] == "planos"


def test_the_packaged_groups_cover_how_customers_word_money_matters_in_spanish() -> None:
    kb = parse_knowledge_base(
        {
            "entries": [
                {"id": "reembolso", "questions": {"es": ["¿Hacen reembolsos?"]}, "answer": {"es": "a"}},
                {"id": "doble", "questions": {"es": ["Me cobraron dos veces"]}, "answer": {"es": "b"}},
                {"id": "planes", "questions": {"es": ["¿Qué planes tienen?"]}, "answer": {"es": "c"}},
            ]
        }
    )
    matcher = FaqMatcher(kb)
    assert matcher.match("quiero mi plata de vuelta", "es").ranked[0][0] == "reembolso"
    assert matcher.match("me debitaron doble", "es").ranked[0][0] == "doble"
    assert matcher.match("que paquetes hay", "es").ranked[0][0] == "planes"


@pytest.mark.parametrize("synonyms", ["plano combo", [["plano"]], [["plano", ""]], [{"a": "b"}]])
def test_malformed_synonyms_in_a_faq_file_are_one_error_naming_the_group(synonyms: object) -> None:
    raw = {"entries": [], "synonyms": synonyms}
    with pytest.raises(KnowledgeBaseError, match=r"synonyms\[1\]: expected a list of groups of words"):
        parse_knowledge_base(raw)
