"""FAQ gaps: noise is never recorded, the same question typed differently shares one key."""

from __future__ import annotations

import pytest

from faq.gaps import gap_key


@pytest.mark.parametrize(
    "text",
    [
        "hmm",
        "Hmmmm...",
        "ok",
        "kkkkkk",
        "hahaha",
        "oi, bom dia!",
        "obrigado!!",
        "valeu",
        "👍",
        "?",
        "hola",
        "ok thanks",
    ],
)
def test_noise_has_no_key(text: str) -> None:
    assert gap_key(text) is None


def test_the_same_question_typed_differently_shares_a_key() -> None:
    assert (
        gap_key("Tem canal de pesca?") == gap_key("vcs tem canal de PESCA") == gap_key("tem canais de pesca")
    )


def test_different_questions_have_different_keys() -> None:
    assert gap_key("tem canal de pesca?") != gap_key("tem canal de culinária?")


def test_a_question_with_a_filler_keeps_its_content() -> None:
    assert gap_key("hmm, tem canal de pesca?") == gap_key("tem canal de pesca?")
