"""Canned reply files: the packaged set loads, and every mistake a provider can make is one clear line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handlers.canned import DEFAULT_CANNED_DIR, CannedReplies, CannedRepliesError
from handlers.texts import LANGUAGES


def test_the_packaged_set_has_the_same_keys_in_every_language_and_fills_the_fields() -> None:
    canned = CannedReplies.load()
    assert canned.keys == [
        "restart",
        "cache",
        "internet",
        "login",
        "payment",
        "outage",
        "followup",
        "closing",
    ]
    fields = {"name": "Rosa", "ticket": "#7", "plan": "premium", "agent": "Ana"}
    payment = canned.get("PAYMENT ")
    assert payment is not None
    assert payment.render("es", fields).startswith("Rosa, confirmamos tu pago. Tu plan premium")
    assert payment.render("en", fields).endswith("reply here with ticket number #7.")
    assert canned.get("refund") is None


def provider_set(tmp_path: Path, language: str, text: str) -> Path:
    """A copy of the packaged set with one language file replaced."""
    folder = tmp_path / "canned"
    shutil.copytree(DEFAULT_CANNED_DIR, folder)
    (folder / f"{language}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("restart: {title: A, text: 'Oi {name.__class__}'}", "unknown field {name.__class__}"),
        ("restart: {title: A, text: 'Oi {phone}'}", "unknown field {phone}"),
        ("restart: {title: A, text: 'Oi {name!r}'}", "unknown field {name}"),
        ("restart: {title: A, text: 'Oi {name'}", "write {{ and }} for literal braces"),
        ("Restart: {title: A, text: Oi}", "a key is 1-24 characters"),
        ("restart: {title: A}", "expected exactly title and text"),
        ("restart: {title: '', text: Oi}", "restart.title: 1-30 characters"),
        ("restart: {title: A, text: Oi}", "keys differ from pt.yaml"),
        ("- restart", "expected a mapping of keys"),
        ("restart: [", "not valid YAML"),
    ],
)
def test_a_broken_provider_file_is_one_line_naming_file_key_and_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    folder = provider_set(tmp_path, "es", text)
    with pytest.raises(CannedRepliesError) as raised:
        CannedReplies.load(folder)
    message = str(raised.value)
    assert problem in message and "es.yaml" in message and "\n" not in message.strip()


def test_a_missing_language_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "canned"
    shutil.copytree(DEFAULT_CANNED_DIR, folder)
    (folder / f"{LANGUAGES[-1]}.yaml").unlink()
    with pytest.raises(CannedRepliesError, match="cannot read"):
        CannedReplies.load(folder)
