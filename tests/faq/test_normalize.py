"""Normalisation: the same comparable form for a phrase however it is typed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from faq.normalize import normalize, squeeze, tokens


def test_case_accents_and_punctuation_are_folded() -> None:
    assert normalize("Não FUNCIONA!!! É urgente, ação já?") == "nao funciona e urgente acao ja"


def test_emoji_and_html_become_separators() -> None:
    assert normalize("<b>caiu</b>😡tudo&amp;nada") == "b caiu b tudo amp nada"


def test_stretched_letters_are_shortened() -> None:
    assert normalize("caiuuuu tudooo") == "caiu tudo"
    assert normalize("passando carro") == "passando carro"


def test_chat_abbreviations_are_expanded() -> None:
    assert tokens("vc n ta vendo q nd funciona? pq tb mt lento") == [
        "voce",
        "nao",
        "esta",
        "vendo",
        "que",
        "nada",
        "funciona",
        "porque",
        "tambem",
        "muito",
        "lento",
    ]


def test_english_contractions_keep_their_negation() -> None:
    assert normalize("it doesn't work, I can't watch") == "it does not work i can not watch"


def test_squeeze_makes_doubled_letters_single() -> None:
    assert squeeze("buffering") == "bufering"
    assert squeeze("caiuu") == "caiu"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalized_text_is_plain_lowercase_ascii_words(text: str) -> None:
    result = normalize(text)
    assert result == result.strip()
    assert "  " not in result
    assert all(ch.isascii() and (ch.isdigit() or ch.islower() or ch == " ") for ch in result)
