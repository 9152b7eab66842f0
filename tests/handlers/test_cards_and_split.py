"""Cards survive whatever a customer types; long texts split without losing a character."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from escalation.domain import Impact, Intent, Priority, Reason, ReasonCode, State, Tier
from escalation.durations import duration_words
from escalation.ticket import Customer, Ticket
from handlers.callbacks import CallbackCodec
from handlers.cards import EXCERPT_CHARS, NOTE_CHARS, card_keyboard, render_card
from handlers.split import SAFE_LIMIT, fit_lines, split_text
from handlers.texts import a

NOW = 1_767_798_000.0


def ticket(state: State = State.OPEN, name: str = "Ana") -> Ticket:
    return Ticket(
        number=7,
        version=1,
        state=state,
        customer=Customer(1, name, "pt", "S1", Tier.PREMIUM),
        intent=Intent.OUTAGE,
        impact=Impact.TOTAL,
        priority=Priority.P1,
        reasons=(Reason(ReasonCode.OUTAGE_TOTAL), Reason(ReasonCode.PLAN_TIER, "premium")),
        assignee=None,
        created_at=NOW,
        due_kind="first_response",
        due_at=NOW + 900,
        first_response_due=NOW + 900,
        resolution_due=NOW + 14400,
        first_response_at=None,
        claimed_at=None,
        last_customer_at=NOW,
        last_agent_at=None,
        resolved_at=None,
        contacts=(NOW,),
        csat=None,
        incident=None,
        card_message_id=None,
        unreachable=False,
        resolution=None,
    )


def test_card_shows_what_agents_need() -> None:
    text = render_card(
        ticket(), "nenhum canal funciona", language="en", timezone="America/Sao_Paulo", now=NOW
    )
    assert text.startswith("🔴 <b>P1</b> · <b>#7</b> · premium")
    assert "outage / total" in text and "service completely down" in text and "15 min left" in text


@given(name=st.text(max_size=50), excerpt=st.text(max_size=2000))
def test_customer_input_is_escaped_and_cut(name: str, excerpt: str) -> None:
    text = render_card(ticket(name=name), excerpt, language="pt", timezone="America/Sao_Paulo", now=NOW)
    quoted = text.split("<blockquote>", 1)[1].split("</blockquote>", 1)[0]
    assert "<" not in quoted and ">" not in quoted
    assert len(html.unescape(quoted)) <= EXCERPT_CHARS


def test_buttons_read_exactly_claim_release_resolve_in_english() -> None:
    keyboard = card_keyboard(ticket(), CallbackCodec(b"s"), "en")
    assert keyboard is not None
    assert [b.text for b in keyboard.rows[0]] == ["Claim", "Release", "Resolve"]
    assert card_keyboard(ticket(State.RESOLVED), CallbackCodec(b"s"), "en") is None


def test_duration_words() -> None:
    words = [duration_words(s) for s in (30, 95, 3600, 5400, 190_000, -120)]
    assert words == ["30 s", "1 min", "1 h", "1 h 30 min", "2 d 4 h", "2 min"]


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
@example(59.7)
@example(3599.6)
def test_duration_words_are_whole_units(seconds: float) -> None:
    words = duration_words(seconds)
    assert re.fullmatch(r"\d+ (s|min|h|d)( \d+ (min|h))?", words), words
    assert words != "60 s"


@given(st.text(min_size=0, max_size=20_000))
def test_split_keeps_every_character_within_the_limit(text: str) -> None:
    chunks = split_text(text, limit=1000)
    assert "".join(chunks) == text
    assert all(len(chunk) <= 1000 for chunk in chunks)


@pytest.mark.parametrize(
    ("language", "words", "english"),
    [
        ("pt", ("queda / total", "premium"), ("outage", "basic")),
        ("es", ("caída / total", "premium"), ("outage", "basic")),
        ("en", ("outage / total", "premium"), ()),
    ],
)
def test_card_labels_and_notes_are_in_the_agents_language(
    language: str, words: tuple[str, ...], english: tuple[str, ...]
) -> None:
    notes = [("Bruno", f"nota {i} " + "x" * 300) for i in range(5)]
    text = render_card(
        ticket(), "nada", language=language, timezone="America/Sao_Paulo", now=NOW, notes=notes
    )
    assert all(word in text for word in words)
    assert not any(word in text for word in english)
    assert a(language, "card_notes") in text
    shown = [line for line in text.splitlines() if line.startswith("• Bruno: ")]
    assert [line.split()[3] for line in shown] == ["2", "3", "4"], "the latest three notes, oldest first"
    assert all(len(line) <= len("• Bruno: ") + NOTE_CHARS for line in shown)


def test_lines_that_do_not_fit_are_counted_not_cut() -> None:
    lines = ["title", *(f"line {i} " + "y" * 300 for i in range(40))]
    text = fit_lines(lines, lambda count: f"… and {count} more")
    assert len(text) <= SAFE_LIMIT and text.startswith("title\n")
    kept = text.count("\nline ")
    assert text.endswith(f"… and {40 - kept} more") and 0 < kept < 40
    assert fit_lines(["a", "b"], lambda count: "never") == "a\nb"
