"""Lexicons: compiled strictly from the policy, found in messages as people really type."""

from __future__ import annotations

import pytest

from escalation.policy import Policy
from faq.lexicon import CATEGORIES, Lexicon, LexiconError
from faq.normalize import tokens


def categories(lexicon: Lexicon, text: str) -> set[str]:
    return {hit.category for hit in lexicon.scan(tokens(text))}


def phrases(lexicon: Lexicon, text: str) -> set[str]:
    return {hit.phrase for hit in lexicon.scan(tokens(text))}


@pytest.fixture(scope="module")
def small() -> Lexicon:
    return Lexicon(
        {
            "pt": {
                "outage": ["nao funcion*", "sem sinal", "nenhum ... abre"],
                "degraded": ["congel*"],
                "scope_partial": ["canal"],
                "human": ["atendente"],
            },
            "en": {"outage": ["not working"]},
        }
    )


def test_the_policy_lexicons_compile_with_every_category(policy: Policy) -> None:
    lexicon = Lexicon.from_policy(policy)
    assert lexicon.categories() == set(CATEGORIES)
    assert set(policy.lexicons) == {"pt", "en", "es"}


def test_phrases_match_without_accents_in_caps_and_stretched(small: Lexicon) -> None:
    assert phrases(small, "NÃO FUNCIONAAA") == {"nao funcion*"}
    assert phrases(small, "sem sinall") == {"sem sinal"}
    assert phrases(small, "n ta funcionando") == {"nao funcion*"}


def test_a_prefix_pattern_covers_word_endings(small: Lexicon) -> None:
    for text in ("congela", "congelando", "congelou", "CONGELAAANDO"):
        assert categories(small, text) == {"degraded"}, text


def test_longer_words_tolerate_a_typo_short_ones_do_not(small: Lexicon) -> None:
    assert categories(small, "atendnete") == {"human"}
    assert categories(small, "atendente") == {"human"}
    assert categories(small, "nao fucnionando") == {"outage"}
    assert not categories(small, "sem sinl")


def test_a_plural_is_not_taken_for_its_singular(small: Lexicon) -> None:
    assert categories(small, "canal") == {"scope_partial"}
    assert not categories(small, "canais")


def test_phrase_words_keep_their_order_with_small_gaps(small: Lexicon) -> None:
    assert categories(small, "nao esta mais funcionando") == {"outage"}
    assert not categories(small, "funciona nao")
    assert not categories(small, "nao sei dizer se ele funciona")


def test_an_ellipsis_allows_a_longer_gap(small: Lexicon) -> None:
    assert categories(small, "nenhum dos canais de esporte abre") >= {"outage"}
    assert "outage" not in categories(small, "nenhum problema, hoje a tela do meu quarto abre")


def test_hits_know_their_language_and_position(small: Lexicon) -> None:
    (hit,) = small.scan(tokens("hoje not working"))
    assert (hit.category, hit.lang, hit.start, hit.end, hit.quality) == ("outage", "en", 1, 2, 1.0)


@pytest.mark.parametrize(
    ("lexicons", "message"),
    [
        ({"pt": {"outgae": ["caiu"]}}, "lexicons.pt.outgae: unknown category"),
        ({"pt": {"outage": ["!!!"]}}, "lexicons.pt.outage[0]"),
        ({"pt": {"outage": ["ca*iu"]}}, "`*` only goes at the end of a word"),
        ({"pt": {"outage": ["caiu ..."]}}, "lexicons.pt.outage[0]"),
        ({"pt": {"outage": ["... caiu"]}}, "`...` goes between two words"),
        ({"en": {"urgency": ["urgent", 3]}}, "lexicons.en.urgency[1]"),
    ],
)
def test_unusable_lexicons_are_rejected_with_where_and_why(lexicons: dict, message: str) -> None:
    with pytest.raises(
        LexiconError, match=message.replace("[", r"\[").replace("*", r"\*").replace(".", r"\.")
    ):
        Lexicon(lexicons)


def test_only_the_start_of_a_huge_message_is_read(small: Lexicon) -> None:
    assert small.scan(tokens("ok " * 5000 + "sem sinal")) == []
