"""Synonyms let a sparse knowledge base meet the words customers actually use."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from faq.knowledge import KnowledgeBaseError, parse_knowledge_base
from faq.matcher import DEFAULT_TUNING, FaqMatcher, Outcome
from faq.normalize import tokens
from faq.synonyms import DEFAULT_SYNONYMS_FILE, load_broader, load_synonyms
from faq.terms import terms_of

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


def test_no_packaged_word_belongs_to_two_groups() -> None:
    """A word two groups hold would merge them: "congelar" (pause a subscription) once made the
    buffering words mean "pause", "doblado" (dubbed) made dubbing mean a duplicate charge."""
    raw = yaml.safe_load(DEFAULT_SYNONYMS_FILE.read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    for group in raw["groups"]:
        terms = [term for word in group for term in terms_of(tokens(str(word)))]
        for term in terms:
            assert owner.setdefault(term, terms[0]) == terms[0], (term, terms[0], owner[term])
    synonyms = load_synonyms()
    buffering, pause = (terms_of(tokens(word))[0] for word in ("travando", "pausar"))
    assert synonyms.get(buffering, buffering) != synonyms.get(pause, pause)


def test_a_brand_word_the_knowledge_base_never_uses_falls_back_on_its_generic_word() -> None:
    """ "tem app pro firestick?" reaches the entry about devices though no entry names the Fire
    Stick; a knowledge base that names a brand still finds it in its own entry first."""
    kb = parse_knowledge_base(
        {
            "entries": [
                {
                    "id": "aparelhos",
                    "questions": {"pt": ["Em quais aparelhos funciona?"]},
                    "answer": {"pt": "a"},
                },
                {"id": "precos", "questions": {"pt": ["Quais são os preços?"]}, "answer": {"pt": "p"}},
                {"id": "roku", "questions": {"pt": ["Tem app para Roku?"]}, "answer": {"pt": "r"}},
            ]
        }
    )
    matcher = FaqMatcher(kb)
    assert load_broader()["firestick"] == load_synonyms()["aparelh"]
    assert matcher.match("funciona no firestick?", "pt").ranked[0][0] == "aparelhos"
    assert [entry for entry, _, _ in matcher.match("roku?", "pt").ranked] == ["roku"]
    assert matcher.match("firestick?", "pt").ranked[0][0] == "aparelhos"
    without = FaqMatcher(kb, tuning=replace(DEFAULT_TUNING, broader_evidence=0.0))
    assert without.match("firestick?", "pt").outcome is Outcome.NONE


def test_a_word_of_the_packaged_vocabulary_is_not_read_as_a_typo_of_another() -> None:
    """ "suporte" is a word of its own, not a typo of "sport" in a knowledge base that never
    says support."""
    kb = parse_knowledge_base(
        {
            "entries": [
                {
                    "id": "esportes",
                    "questions": {"en": ["Do you have sports channels?"]},
                    "answer": {"en": "s"},
                },
                {
                    "id": "horario",
                    "questions": {"pt": ["Qual o horário de atendimento?"]},
                    "answer": {"pt": "h"},
                },
            ]
        }
    )
    ranked = FaqMatcher(kb).match("q horas abre o suporte", "pt").ranked
    assert "esportes" not in [entry for entry, _, _ in ranked]
