"""parse_mode=HTML: plain text, entities with UTF-16 offsets, Telegram's rules and error texts."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.html_entities import EntityParseError, parse_html, utf16_len


def test_nested_tags_give_outer_entities_first() -> None:
    text, entities = parse_html("<b>bold <i>both</i></b> <u>u</u><s>s</s>")
    assert text == "bold both us"
    assert entities == [
        {"offset": 0, "length": 9, "type": "bold"},
        {"offset": 5, "length": 4, "type": "italic"},
        {"offset": 10, "length": 1, "type": "underline"},
        {"offset": 11, "length": 1, "type": "strikethrough"},
    ]


def test_offsets_count_utf16_code_units_so_an_emoji_counts_two() -> None:
    text, entities = parse_html("📺 <b>Canal</b> ✅ <i>ok</i>")
    assert text == "📺 Canal ✅ ok"
    assert entities == [
        {"offset": 3, "length": 5, "type": "bold"},
        {"offset": 11, "length": 2, "type": "italic"},
    ]


@pytest.mark.parametrize(
    ("tag", "kind"),
    [
        ("strong", "bold"),
        ("em", "italic"),
        ("ins", "underline"),
        ("strike", "strikethrough"),
        ("del", "strikethrough"),
        ("tg-spoiler", "spoiler"),
        ("code", "code"),
        ("pre", "pre"),
        ("blockquote", "blockquote"),
    ],
)
def test_every_alias_tag(tag: str, kind: str) -> None:
    assert parse_html(f"<{tag}>x</{tag}>") == ("x", [{"offset": 0, "length": 1, "type": kind}])


def test_links_spoiler_span_quote_and_pre_language() -> None:
    text, entities = parse_html(
        '<a href="https://status.example/?a=1&amp;b=2">status</a> <span class="tg-spoiler">s</span> '
        '<blockquote expandable>q</blockquote> <pre><code class="language-python">print(1)</code></pre>'
    )
    assert text == "status s q print(1)"
    assert entities == [
        {"offset": 0, "length": 6, "type": "text_link", "url": "https://status.example/?a=1&b=2"},
        {"offset": 7, "length": 1, "type": "spoiler"},
        {"offset": 9, "length": 1, "type": "expandable_blockquote"},
        {"offset": 11, "length": 8, "type": "pre", "language": "python"},
    ]


def test_a_user_link_becomes_a_text_mention_when_the_user_is_known() -> None:
    user = {"id": 601, "is_bot": False, "first_name": "Ana"}
    text, entities = parse_html(
        '<a href="tg://user?id=601">Ana</a>', lambda uid: user if uid == 601 else None
    )
    assert text == "Ana"
    assert entities == [{"offset": 0, "length": 3, "type": "text_mention", "user": user}]


def test_only_four_named_references_and_numeric_ones_are_decoded() -> None:
    text, entities = parse_html("a &lt; b &gt; c &amp; &quot;q&quot; &#128250; &#x2705; &nbsp; &lt")
    assert text == 'a < b > c & "q" 📺 ✅ &nbsp; &lt'
    assert entities == []


def test_formatting_inside_code_is_dropped_like_telegram() -> None:
    assert parse_html("<code>a <b>b</b></code>") == ("a b", [{"offset": 0, "length": 3, "type": "code"}])


def test_empty_entities_are_left_out() -> None:
    assert parse_html("<b></b>x") == ("x", [])


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("📺<script>", 'Unsupported start tag "script" at byte offset 4'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("ok <", "Unclosed start tag at byte offset 3"),
        ("<!-- c -->", 'Unsupported start tag "!--" at byte offset 0'),
    ],
)
def test_bad_markup_is_refused_with_telegrams_words(markup: str, error: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert str(caught.value) == error


@given(st.text())
def test_escaped_text_round_trips_without_entities(text: str) -> None:
    assert parse_html(html.escape(text)) == (text, [])


@given(st.text(min_size=1))
def test_a_bold_wrapper_covers_the_whole_text_in_utf16_units(text: str) -> None:
    assert parse_html(f"<b>{html.escape(text)}</b>") == (
        text,
        [{"offset": 0, "length": utf16_len(text), "type": "bold"}],
    )
