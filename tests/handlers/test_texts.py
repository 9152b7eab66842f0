"""Every text exists in every language, with the same placeholders: no English in a Portuguese chat."""

from __future__ import annotations

import string

import pytest

from handlers.customer_texts import CUSTOMER_TEXTS
from handlers.staff_texts import STAFF_TEXTS
from handlers.texts import LANGUAGES, a, t


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("table", [CUSTOMER_TEXTS, STAFF_TEXTS], ids=["customers", "agents"])
def test_every_key_exists_in_every_language_with_the_same_placeholders(
    table: dict[str, dict[str, str]],
) -> None:
    keys = set().union(*(table[language] for language in LANGUAGES))
    for language in LANGUAGES:
        missing = keys - set(table[language])
        assert not missing, f"{language} lacks {sorted(missing)}"
        for key in keys:
            assert _fields(table[language][key]) == _fields(table["en"][key]), (language, key)


def test_a_key_missing_in_one_language_is_an_error_not_an_english_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(STAFF_TEXTS["pt"], "claimed_ok")
    monkeypatch.delitem(CUSTOMER_TEXTS["es"], "rated")
    assert a("en", "claimed_ok", ticket="#1") == "#1 is yours."
    with pytest.raises(KeyError):
        a("pt", "claimed_ok", ticket="#1")
    with pytest.raises(KeyError):
        t("es", "rated")
