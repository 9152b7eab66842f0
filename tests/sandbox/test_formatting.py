"""What Telegram does to a text besides markup: trimming, auto-detected entities, limits, splitting."""

from __future__ import annotations

import pytest

from sandbox.errors import BotApiError
from sandbox.formatting import format_text, split_long_text
from sandbox.html_entities import utf16_len


def test_auto_detected_entities_like_telegram_adds_them() -> None:
    text, entities = format_text(
        "/status@iptv_bot 12 veja https://status.example/x. ou a@b.com.br @suporte_iptv #tv", None, None
    )
    assert [(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in entities] == [
        ("bot_command", "/status@iptv_bot"),
        ("url", "https://status.example/x"),
        ("email", "a@b.com.br"),
        ("mention", "@suporte_iptv"),
        ("hashtag", "#tv"),
    ]


def test_no_auto_entities_inside_code_or_links() -> None:
    _, entities = format_text(
        "<code>/start</code> <a href='https://x.example'>https://y.example</a>", "HTML", None
    )
    assert [e["type"] for e in entities] == ["code", "text_link"]


def test_explicit_entities_win_over_parse_mode() -> None:
    text, entities = format_text("<b>x</b>", "HTML", [{"type": "italic", "offset": 0, "length": 3}])
    assert (text, entities) == ("<b>x</b>", [{"type": "italic", "offset": 0, "length": 3}])


def test_caption_may_be_empty_but_not_too_long() -> None:
    assert format_text(None, None, None, caption=True) == ("", [])
    with pytest.raises(BotApiError, match="message caption is too long"):
        format_text("x" * 1025, None, None, caption=True)


def test_split_long_text_at_spaces_within_utf16_limit() -> None:
    text = ("📺 canal " * 800).strip()
    parts = split_long_text(text)
    assert len(parts) == 2
    assert all(utf16_len(part) <= 4096 for part in parts)
    assert "".join(parts) == text
    assert split_long_text("curto") == ["curto"]
    assert split_long_text("x" * 5000) == ["x" * 4096, "x" * 904]
