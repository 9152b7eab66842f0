"""parse_mode=HTML the way Telegram reads it: plain text plus entities, offsets in UTF-16 code units.

The bot's texts are written in Telegram's HTML dialect; a tag Telegram rejects must fail here too, or
the sandbox would pass messages that production answers with "can't parse entities". The tokenizing
is Python's `html.parser`; this module adds Telegram's rules on top: the supported tags, only
`&lt; &gt; &amp; &quot;` and numeric references as entities (others stay literal text), a bare `<`
is an error, and error texts follow Telegram's (with byte offsets into the UTF-8 source).

Not reproduced: URL normalisation of `<a href>` (Telegram turns "example.com" into
"http://example.com/"), and the rule that some entity types may not nest in others beyond dropping
formatting inside `code`/`pre`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Protocol

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
OTHER_TAGS = frozenset({"a", "span", "code", "pre", "blockquote", "tg-emoji", "tg-time"})
NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
TEXT_MENTION_PREFIX = "tg://user?id="
MAX_CODE_POINT = 0x10FFFF


class EntityParseError(ValueError):
    """Markup Telegram would refuse; the message is what follows "can't parse entities: "."""


class UserLookup(Protocol):
    """Resolves a `tg://user?id=` link to a User object, as Telegram does for users it knows."""

    def __call__(self, user_id: int) -> dict[str, Any] | None:
        """The User dict, or None when the user is unknown (the link then stays a text_link)."""
        ...


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets and text limits."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    tag: str
    start: int
    entity: dict[str, Any] | None
    order: int


@dataclass
class _Result:
    parts: list[str] = field(default_factory=list)
    offset: int = 0
    entities: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


class _TelegramHtml(HTMLParser):
    """One parse of one text; errors are raised from the callbacks and stop the parse."""

    def __init__(self, source: str, lookup_user: UserLookup | None) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._lookup_user = lookup_user
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
        self._stack: list[_OpenTag] = []
        self._opened = 0
        self.result = _Result()

    def _index(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _byte_offset(self, index: int | None = None) -> int:
        return len(self._source[: self._index() if index is None else index].encode("utf-8"))

    def _append(self, text: str) -> None:
        self.result.parts.append(text)
        self.result.offset += utf16_len(text)

    def _inside_code(self) -> bool:
        return any(open_tag.tag in {"code", "pre"} for open_tag in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an entity; its length is known at the matching end tag."""
        attributes = {name: value or "" for name, value in attrs}
        entity = self._entity_for(tag, attributes)
        self._opened += 1
        self._stack.append(_OpenTag(tag, self.result.offset, entity, self._opened))

    def _entity_for(self, tag: str, attributes: dict[str, str]) -> dict[str, Any] | None:
        if tag in SIMPLE_TAGS:
            return None if self._inside_code() else {"type": SIMPLE_TAGS[tag]}
        if tag not in OTHER_TAGS:
            raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        if tag == "span":
            if attributes.get("class") != "tg-spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset()}'
                )
            return None if self._inside_code() else {"type": "spoiler"}
        if tag == "a":
            return self._link_entity(attributes.get("href", ""))
        if tag == "code":
            return self._code_entity(attributes.get("class", ""))
        if tag == "pre":
            return {"type": "pre"}
        if tag == "blockquote":
            return {"type": "expandable_blockquote" if "expandable" in attributes else "blockquote"}
        if tag == "tg-emoji":
            return self._required_attribute_entity(
                tag, attributes, "emoji-id", "custom_emoji", "custom_emoji_id"
            )
        return self._time_entity(attributes)

    def _link_entity(self, href: str) -> dict[str, Any] | None:
        if not href or self._inside_code():
            return None
        if href.startswith(TEXT_MENTION_PREFIX) and self._lookup_user is not None:
            user_id = href.removeprefix(TEXT_MENTION_PREFIX)
            user = self._lookup_user(int(user_id)) if user_id.isdigit() else None
            if user is not None:
                return {"type": "text_mention", "user": user}
        return {"type": "text_link", "url": href}

    def _code_entity(self, css_class: str) -> dict[str, Any] | None:
        parent = self._stack[-1] if self._stack else None
        if parent is not None and parent.tag == "pre":
            if css_class.startswith("language-") and parent.entity is not None:
                parent.entity["language"] = css_class.removeprefix("language-")
            return None
        return None if self._inside_code() else {"type": "code"}

    def _required_attribute_entity(
        self, tag: str, attributes: dict[str, str], attribute: str, entity_type: str, key: str
    ) -> dict[str, Any]:
        if not attributes.get(attribute):
            raise EntityParseError(
                f'Tag "{tag}" must have attribute "{attribute}" at byte offset {self._byte_offset()}'
            )
        return {"type": entity_type, key: attributes[attribute]}

    def _time_entity(self, attributes: dict[str, str]) -> dict[str, Any]:
        unix = attributes.get("unix", "")
        if not unix.isdigit():
            raise EntityParseError(
                f'Tag "tg-time" must have attribute "unix" at byte offset {self._byte_offset()}'
            )
        entity: dict[str, Any] = {"type": "date_time", "unix_time": int(unix)}
        if attributes.get("format"):
            entity["date_time_format"] = attributes["format"]
        return entity

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Telegram has no void tags: `<br/>` reads as the unsupported tag "br/"."""
        raise EntityParseError(f'Unsupported start tag "{tag}/" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost tag, which must be this one, and record its entity if not empty."""
        if not self._stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset()}")
        open_tag = self._stack.pop()
        if open_tag.tag != tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {self._byte_offset()}, expected "</{open_tag.tag}>", '
                f'found "</{tag}>"'
            )
        length = self.result.offset - open_tag.start
        if open_tag.entity is not None and length > 0:
            entity = {"offset": open_tag.start, "length": length, **open_tag.entity}
            self.result.entities.append((open_tag.order, entity))

    def handle_data(self, data: str) -> None:
        """Plain text; a `<` here is one that starts no tag, which Telegram refuses."""
        if data.startswith("<"):
            self._refuse_bare_less_than(self._index())
        self._append(data)

    def _refuse_bare_less_than(self, index: int) -> None:
        end = index + 1
        while end < len(self._source) and not self._source[end].isspace() and self._source[end] != ">":
            end += 1
        if end == len(self._source):
            raise EntityParseError(f"Unclosed start tag at byte offset {self._byte_offset(index)}")
        name = self._source[index + 1 : end]
        raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {self._byte_offset(index)}')

    def handle_entityref(self, name: str) -> None:
        """Only four named references exist for Telegram, and only with their `;`."""
        index = self._index()
        end = index + 1 + len(name)
        closed = self._source[end : end + 1] == ";"
        if closed and name in NAMED_REFERENCES:
            self._append(NAMED_REFERENCES[name])
        else:
            self._append(self._source[index : end + (1 if closed else 0)])

    def handle_charref(self, name: str) -> None:
        """Numeric references (decimal or hex) become the character when valid and closed by `;`."""
        index = self._index()
        end = index + 2 + len(name)
        closed = self._source[end : end + 1] == ";"
        digits, base = (name[1:], 16) if name[:1] in {"x", "X"} else (name, 10)
        try:
            code_point = int(digits, base)
        except ValueError:
            code_point = -1
        valid = 0 < code_point <= MAX_CODE_POINT and not 0xD800 <= code_point <= 0xDFFF
        if closed and valid:
            self._append(chr(code_point))
        else:
            self._append(self._source[index : end + (1 if closed else 0)])

    def handle_comment(self, data: str) -> None:
        """Comments are not part of Telegram's dialect."""
        raise EntityParseError(f'Unsupported start tag "!--" at byte offset {self._byte_offset()}')

    def handle_decl(self, decl: str) -> None:
        """Declarations (`<!DOCTYPE ...>`) are not part of Telegram's dialect."""
        raise EntityParseError(
            f'Unsupported start tag "!{decl.split()[0] if decl else ""}" at byte offset {self._byte_offset()}'
        )

    def unknown_decl(self, data: str) -> None:
        """CDATA and friends are not part of Telegram's dialect."""
        raise EntityParseError(
            f'Unsupported start tag "![{data.split("[")[0]}" at byte offset {self._byte_offset()}'
        )

    def handle_pi(self, data: str) -> None:
        """Processing instructions are not part of Telegram's dialect."""
        raise EntityParseError(
            f'Unsupported start tag "?{data.split()[0] if data else ""}" at byte offset {self._byte_offset()}'
        )

    def finish(self) -> None:
        """Flush the tokenizer and refuse tags left open."""
        self.close()
        if self._stack:
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{self._stack[-1].tag}"')


def parse_html(source: str, lookup_user: UserLookup | None = None) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML to (plain text, entities sorted as Telegram sorts them: offset, then outer first).

    Raises EntityParseError with Telegram's wording for markup it rejects.
    """
    parser = _TelegramHtml(source, lookup_user)
    parser.feed(source)
    parser.finish()
    ordered = sorted(
        parser.result.entities, key=lambda item: (item[1]["offset"], -item[1]["length"], item[0])
    )
    return "".join(parser.result.parts), [entity for _, entity in ordered]
