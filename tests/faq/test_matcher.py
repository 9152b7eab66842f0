"""FAQ matching: answers when sure, suggests when close, abstains when the question is not covered."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from faq.explain import explain
from faq.knowledge import parse_knowledge_base
from faq.matcher import DEFAULT_TUNING, MAX_SUGGESTIONS, FaqMatcher, Outcome, _word_sorted
from faq.normalize import normalize, tokens

from .conftest import DATA, read_jsonl

QUERIES = read_jsonl(DATA / "faq_queries.jsonl")
IN_SCOPE = [row for row in QUERIES if row["faq_id"]]
OUT_OF_SCOPE = [row for row in QUERIES if not row["faq_id"]]


def top(matcher: FaqMatcher, text: str, lang: str) -> str | None:
    result = matcher.match(text, lang)
    return result.entry_id or (result.suggestions[0] if result.suggestions else None)


def test_the_labelled_query_set_is_large_enough() -> None:
    assert len(IN_SCOPE) >= 60
    assert len(OUT_OF_SCOPE) >= 20


def test_top1_on_labelled_queries_is_at_least_90_percent(matcher: FaqMatcher) -> None:
    misses = [row["text"] for row in IN_SCOPE if top(matcher, row["text"], row["lang"]) != row["faq_id"]]
    assert 1 - len(misses) / len(IN_SCOPE) >= 0.90, misses


def test_confident_answers_on_labelled_queries_are_right(matcher: FaqMatcher) -> None:
    wrong = []
    for row in IN_SCOPE:
        result = matcher.match(row["text"], row["lang"])
        if result.outcome is Outcome.ANSWER and result.entry_id != row["faq_id"]:
            wrong.append((row["text"], result.entry_id))
    assert not wrong


@pytest.mark.parametrize("row", OUT_OF_SCOPE, ids=lambda row: row["text"])
def test_out_of_scope_questions_get_no_answer(matcher: FaqMatcher, row: dict) -> None:
    """Suggestions are allowed (the customer can ignore them), an answer is not."""
    result = matcher.match(row["text"], row["lang"])
    assert result.outcome is not Outcome.ANSWER
    assert result.entry_id is None


@pytest.mark.parametrize(
    ("text", "lang", "entry_id"),
    [
        ("Como instalar no Fire Stick?", "pt", "install-firestick"),
        ("COMO INSTALAR NO FIRESTICK", "pt", "install-firestick"),
        ("isntalar no firestik", "pt", "install-firestick"),
        ("firestick no instalar como", "pt", "install-firestick"),
        ("tem teste gratis", "pt", "free-trial"),
        ("vcs tem teste grátis???", "pt", "free-trial"),
        ("¿tienen prueba gratuita?", "es", "free-trial"),
        ("do you have a free trial", "en", "free-trial"),
    ],
)
def test_case_accents_typos_and_word_order_do_not_matter(
    text: str, lang: str, entry_id: str, matcher: FaqMatcher
) -> None:
    assert top(matcher, text, lang) == entry_id


def test_a_question_in_another_language_still_finds_its_entry(matcher: FaqMatcher) -> None:
    assert matcher.match("aceitam pix?", "en").entry_id == "pay-pix"


def test_the_message_language_is_preferred() -> None:
    kb = parse_knowledge_base(
        {
            "entries": [
                {"id": "pt-entry", "questions": {"pt": ["canal premiere"]}, "answer": {"pt": "pt"}},
                {"id": "es-entry", "questions": {"es": ["canal premiere"]}, "answer": {"es": "es"}},
            ]
        }
    )
    matcher = FaqMatcher(kb)
    assert matcher.match("canal premiere", "pt").ranked[0][0] == "pt-entry"
    assert matcher.match("canal premiere", "es").ranked[0][0] == "es-entry"


def test_one_shared_word_beside_an_unknown_one_is_suggested_not_answered() -> None:
    """A colloquial out-of-scope question sharing one word with an entry ("vocês consertam
    celular?") must not get that entry's answer; the same word alone, or with a second word the
    entry explains, still does."""
    kb = parse_knowledge_base(
        {
            "entries": [
                {"id": "app", "questions": {"pt": ["Tem aplicativo para celular?"]}, "answer": {"pt": "a"}},
                {"id": "senha", "questions": {"pt": ["Esqueci minha senha"]}, "answer": {"pt": "s"}},
                {"id": "box", "questions": {"pt": ["Vocês vendem TV Box?"]}, "answer": {"pt": "b"}},
            ]
        }
    )
    matcher = FaqMatcher(kb)
    repair = matcher.match("vocês consertam celular?", "pt")
    assert repair.outcome is not Outcome.ANSWER
    assert repair.suggestions[:1] == ("app",)
    tuning = matcher.tuning
    assert explain(matcher, "vocês consertam celular?", "pt")["why"] == (
        "suggested, not answered: app is backed by 1 of the message's terms (1 of its terms, "
        f"1 unexplained), fewer than {tuning.answer_support}; a term only its answer holds counts "
        f"{tuning.answer_word_support:g}"
    )
    assert matcher.match("da pra ver no celular?", "pt").entry_id == "app"
    assert matcher.match("tem app pro celular?", "pt").entry_id == "app"


def test_an_error_code_finds_the_entry_that_names_it_and_other_numbers_are_no_unknown_words() -> None:
    kb = parse_knowledge_base(
        {
            "entries": [
                {"id": "e401", "questions": {"en": ["What does error 401 mean?"]}, "answer": {"en": "a"}},
                {"id": "e503", "questions": {"en": ["What does error 503 mean?"]}, "answer": {"en": "b"}},
                {"id": "pw", "questions": {"en": ["I forgot my password"]}, "answer": {"en": "c"}},
            ]
        }
    )
    matcher = FaqMatcher(kb)
    assert top(matcher, "got 503 on my tv", "en") == "e503"
    plain = matcher.match("forgot my password", "en")
    numbered = matcher.match("forgot my password 98765", "en")
    assert (numbered.entry_id, numbered.ranked[0][2]) == (plain.entry_id, plain.ranked[0][2]) == ("pw", 1.0)


def test_a_word_only_an_answer_holds_backs_an_outright_answer_less_than_a_question_word() -> None:
    """A question "vocês vendem chip de celular?" shares "vendem" with a question and "celular" with its
    answer: with an answer's word worth half, one and a half words are not enough to answer."""
    kb = parse_knowledge_base(
        {
            "entries": [
                {
                    "id": "box",
                    "questions": {"pt": ["Vocês vendem TV Box?"]},
                    "answer": {"pt": "Não vendemos; funciona em qualquer celular."},
                },
                {"id": "senha", "questions": {"pt": ["Esqueci minha senha"]}, "answer": {"pt": "s"}},
            ]
        }
    )
    text = "vocês vendem chip de celular?"
    lenient = replace(DEFAULT_TUNING, answer_support=2, answer_word_support=1.0)
    assert FaqMatcher(kb, tuning=lenient).match(text, "pt").entry_id == "box"
    strict = FaqMatcher(kb, tuning=replace(lenient, answer_word_support=0.5)).match(text, "pt")
    assert strict.outcome is Outcome.SUGGEST and strict.suggestions[0] == "box"


def test_two_terms_a_question_writes_side_by_side_count_as_two_explained() -> None:
    kb = parse_knowledge_base(
        {
            "entries": [
                {"id": "doble", "questions": {"es": ["Me cobraron dos veces"]}, "answer": {"es": "a"}},
                {"id": "clave", "questions": {"es": ["Olvidé mi contraseña"]}, "answer": {"es": "b"}},
            ]
        }
    )
    leading = FaqMatcher(kb).ranking(tokens("me cobraron dos veces ayer"), "es")[0]
    assert (leading.entry_id, leading.explained, leading.asked, leading.unexplained) == ("doble", 2, 2, 1)


def test_two_words_a_synonym_group_writes_as_one_meet_their_synonyms() -> None:
    kb = parse_knowledge_base(
        {
            "entries": [
                {"id": "replay", "questions": {"en": ["catch-up TV"]}, "answer": {"en": "r"}},
                {"id": "record", "questions": {"en": ["Can I record shows?"]}, "answer": {"en": "c"}},
            ]
        }
    )
    assert top(FaqMatcher(kb), "how do I rewind?", "en") == "replay"


def test_an_ambiguous_question_gets_suggestions_not_an_answer(matcher: FaqMatcher) -> None:
    result = matcher.match("instalar na tv", "pt")
    assert result.outcome is Outcome.SUGGEST
    assert {"install-smart-tv", "install-android-tv"} <= set(result.suggestions)
    assert 1 < len(result.suggestions) <= MAX_SUGGESTIONS


def test_messages_without_content_words_abstain(matcher: FaqMatcher) -> None:
    for text in ("", "???", "oi, tudo bem?", "👍", "como?"):
        assert matcher.match(text, "pt").outcome is Outcome.NONE


def test_an_empty_knowledge_base_always_abstains() -> None:
    matcher = FaqMatcher(parse_knowledge_base({"entries": []}))
    assert matcher.match("como instalar", "pt").outcome is Outcome.NONE


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["pt", "en", "es"]))
def test_any_text_gets_a_well_formed_verdict(matcher: FaqMatcher, text: str, lang: str) -> None:
    result = matcher.match(text, lang)
    assert 0.0 <= result.score <= 1.0
    assert len(result.suggestions) <= MAX_SUGGESTIONS
    assert len(set(result.suggestions)) == len(result.suggestions)
    assert (result.outcome is Outcome.ANSWER) == (result.entry_id is not None)
    assert result.outcome is not Outcome.SUGGEST or result.suggestions


@given(st.text(max_size=120), st.text(max_size=120))
def test_word_sorted_ratio_is_token_sort_ratio_on_normalised_texts(first: str, second: str) -> None:
    """The reranking compares pre-sorted phrasings with `ratio`: the same score as `token_sort_ratio`."""
    a, b = normalize(first), normalize(second)
    assert fuzz.ratio(_word_sorted(a), _word_sorted(b)) == fuzz.token_sort_ratio(a, b)
