"""Phone normalisation: the formats a Brazilian billing export, a customer and Telegram use meet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalation.phones import check_country_code, normalize_phone

CARLA = "+5511987654321"


@pytest.mark.parametrize(
    "raw",
    [
        "+55 (11) 98765-4321",
        "11 98765-4321",
        "(11) 98765-4321",
        "011987654321",
        "(0xx11) 98765-4321",
        "0 15 11 98765-4321",  # trunk 0 and a carrier selection code
        "0055 11 98765 4321",
        "5511987654321",  # a Telegram contact's phone_number
        "+5511987654321",
        "tel:+55-11-98765-4321",
    ],
)
def test_brazilian_formats_meet(raw: str) -> None:
    assert normalize_phone(raw) == CARLA


def test_old_eight_digit_mobiles_are_kept_as_given() -> None:
    assert normalize_phone("(11) 8765-4321") == "+551187654321"
    assert normalize_phone("0 15 11 8765-4321") == "+551187654321"


def test_area_code_55_is_not_taken_for_the_country_code() -> None:
    assert normalize_phone("(55) 98765-4321") == "+5555987654321"
    assert normalize_phone("55 8765-4321") == "+555587654321"


def test_foreign_numbers_keep_their_digits() -> None:
    assert normalize_phone("+1 (212) 555-1234") == "+12125551234"
    assert normalize_phone("+351 912 345 678") == "+351912345678"
    assert normalize_phone("0034 612 345 678") == "+34612345678"
    assert normalize_phone("4915112345678") == "+4915112345678"  # a foreign Telegram contact


def test_default_country_code_is_a_parameter() -> None:
    assert normalize_phone("(212) 555-1234", "1") == "+12125551234"
    assert normalize_phone("1 212 555 1234", "1") == "+12125551234"
    assert normalize_phone("0612 345 678", "34") == "+34612345678"


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "n/a", "98765-4321", "+0 123 4567", "+1234", "+1234567890123456"]
)
def test_what_cannot_be_a_complete_number_is_none(raw: str | None) -> None:
    assert normalize_phone(raw) is None


@pytest.mark.parametrize("code", ["", "0", "055", "1234", "+55", "br"])
def test_bad_country_codes_are_refused(code: str) -> None:
    with pytest.raises(ValueError, match="country code"):
        check_country_code(code)
    with pytest.raises(ValueError, match="country code"):
        normalize_phone("11 98765-4321", code)


AREA = st.integers(min_value=11, max_value=99).filter(lambda n: n % 10 != 0).map(str)
MOBILE = st.from_regex(r"\A9[0-9]{8}\Z")
OLD_NUMBER = st.from_regex(r"\A[2-9][0-9]{7}\Z")
SEPARATORS = st.sampled_from(["", " ", "-", ".", "  ", " - "])
CARRIER = st.sampled_from(["12", "14", "15", "21", "31", "41"])


def _split(number: str, separator: str) -> str:
    return f"{number[:-4]}{separator}{number[-4:]}"


@st.composite
def brazilian_renderings(draw: st.DrawFn) -> tuple[str, str]:
    """One Brazilian number in a random usual format, and its expected E.164 form."""
    area = draw(AREA)
    number = draw(st.one_of(MOBILE, OLD_NUMBER))
    sep = draw(SEPARATORS)
    local = _split(number, sep)
    carrier = draw(CARRIER)
    formats = [
        f"+55 ({area}) {local}",
        f"+55{sep}{area}{sep}{local}",
        f"{area} {local}",
        f"({area}) {local}",
        f"({area}){local}",
        f"0{area}{number}",
        f"0 {area} {local}",
        f"(0xx{area}) {local}",
        f"0{carrier}{sep}{area}{sep}{local}",
        f"0055 {area} {local}",
        f"55{area}{number}",
        f"{area}{number}",
    ]
    return draw(st.sampled_from(formats)), f"+55{area}{number}"


@given(brazilian_renderings())
def test_formatting_variations_of_one_number_normalise_alike(case: tuple[str, str]) -> None:
    raw, expected = case
    assert normalize_phone(raw) == expected


@given(st.text(alphabet="0123456789+-() .x", max_size=24), st.sampled_from(["55", "1", "34", "351"]))
def test_normalising_is_idempotent(raw: str, country: str) -> None:
    once = normalize_phone(raw, country)
    if once is not None:
        assert normalize_phone(once, country) == once
        assert once.startswith("+") and once[1:].isdigit()


@given(st.from_regex(r"\A[1-9][0-9]{6,14}\Z"), st.sampled_from(["+", "+ ", "00"]))
def test_international_numbers_are_kept_whatever_the_default_country(digits: str, prefix: str) -> None:
    assert normalize_phone(prefix + digits) == "+" + digits
    assert normalize_phone(prefix + digits, "1") == "+" + digits
