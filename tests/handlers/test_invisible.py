"""Directional and zero-width control characters are removed from what people send; joiners that join stay."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.invisible import without_invisible_controls

CONTROLS = (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u200e\u200f\u061c\u200b\u2060\u2061\u2062\u2063\u2064\ufeff\u180e"
)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("Carla\u202e 1P ovonrep", "Carla 1P ovonrep"),
        ("can\u200bcelar", "cancelar"),
        ("a\u2066b\u2069c\u200f", "abc"),
        ("\ufeffoi", "oi"),
        ("nada\u200cfunciona\u200d", "nadafunciona"),
        ("família 👨\u200d👩\u200d👧 e 👍🏽\u200d", "família 👨\u200d👩\u200d👧 e 👍🏽"),
        ("می\u200cخواهم", "می\u200cخواهم"),
        ("olá, tudo bem?", "olá, tudo bem?"),
    ],
)
def test_what_is_removed_and_what_is_kept(sent: str, kept: str) -> None:
    assert without_invisible_controls(sent) == kept


@given(st.text())
def test_no_control_survives_and_nothing_else_is_touched(text: str) -> None:
    cleaned = without_invisible_controls(text)
    assert not set(cleaned) & set(CONTROLS)
    assert cleaned.replace("\u200c", "").replace("\u200d", "") == "".join(
        char for char in text if char not in CONTROLS and char not in "\u200c\u200d"
    )
