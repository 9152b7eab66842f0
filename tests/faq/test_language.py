"""Language detection for messages that arrive without one."""

from __future__ import annotations

import pytest

from faq.language import detect_language, parse_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("estou sem sinal em todos os canais", "pt"),
        ("nao pega nada na tv", "pt"),
        ("vcs tem canal de filmes?", "pt"),
        ("the app won't open", "en"),
        ("hi there", "en"),
        ("my payment didn't go through", "en"),
        ("ningún canal funciona", "es"),
        ("¿tienen prueba gratuita?", "es"),
        ("hablar con una persona", "es"),
    ],
)
def test_detects_the_language_of_typical_messages(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_nothing_to_go_on_falls_back_to_the_default() -> None:
    assert detect_language("👍") == "pt"
    assert detect_language("123", default="en") == "en"


@pytest.mark.parametrize(
    ("code", "lang"),
    [("pt-BR", "pt"), ("en_US", "en"), ("ES", "es"), ("de", None), ("", None), (None, None)],
)
def test_language_codes_reduce_to_the_three_languages(code: str | None, lang: str | None) -> None:
    assert parse_language(code) == lang
