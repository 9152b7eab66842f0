"""Texts cut to Telegram's limits as Telegram counts them (UTF-16 code units), and refused sends refitted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers.events import Attachment, Button, Keyboard, Outgoing
from handlers.fitting import in_parts, plain_text, refused_as_too_long, trimmed
from handlers.messenger import BadRequest
from handlers.split import split_text, trim_text, utf16_len

KEYBOARD = Keyboard.inline([Button("Claim", "1|claim|1|sig")])


def test_emoji_count_twice_toward_the_limit() -> None:
    chunks = split_text("😀" * 3000, 4000)
    assert [utf16_len(chunk) for chunk in chunks] == [4000, 2000]


@given(st.text(), st.integers(min_value=2, max_value=300))
def test_chunks_fit_and_join_back(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert "".join(chunks) == text
    assert all(utf16_len(chunk) <= limit for chunk in chunks)


def test_trimming_ends_in_an_ellipsis_within_the_limit() -> None:
    assert trim_text("short", 10) == "short"
    cut = trim_text("😀" * 200, 199)
    assert cut.endswith("…") and utf16_len(cut) <= 199


def test_telegrams_too_long_refusals_are_recognised() -> None:
    for description in (
        "Bad Request: message is too long",
        "message caption is too long",
        "MESSAGE_TOO_LONG",
    ):
        assert refused_as_too_long(BadRequest(description))
    assert not refused_as_too_long(BadRequest("Bad Request: chat not found"))


def test_a_refused_message_goes_in_plain_parts_with_the_reply_first_and_the_buttons_last() -> None:
    text = "<b>#1</b> " + "a &amp; b " * 1500
    parts = in_parts(Outgoing(-100, text, KEYBOARD, reply_to=7, priority=1))
    assert len(parts) == 3
    assert "".join(plain_text(part.text) for part in parts) == plain_text(text)
    assert [part.reply_to for part in parts] == [7, None, None]
    assert [part.keyboard for part in parts] == [None, None, KEYBOARD]
    assert all(part.priority == 1 and utf16_len(plain_text(part.text)) <= 4000 for part in parts)


def test_a_refused_caption_goes_after_its_attachment() -> None:
    photo = Attachment(kind="photo", file_id="AgAD")
    parts = in_parts(Outgoing(5, "💬 <b>#1</b>\n" + "😀" * 600, attachment=photo, reply_to=3))
    assert [(part.attachment, part.text, part.reply_to) for part in parts[:1]] == [(photo, "", 3)]
    assert parts[1].attachment is None and parts[1].text.count("😀") == 600


def test_an_edit_is_trimmed_to_one_message() -> None:
    edited = trimmed("<blockquote>" + "x &lt; y " * 2000 + "</blockquote>")
    assert utf16_len(plain_text(edited)) <= 4000 and edited.endswith("…")
    assert "&lt;" in edited and "<blockquote>" not in edited
