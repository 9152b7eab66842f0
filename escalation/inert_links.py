"""Customers' words shown to managers with every link made inert.

Telegram turns `http://...`, `www.`, `domain.tld`, `tg://` and `@name` in any message into
something tappable, whatever the parse mode. A spammer's "visite http://promo..." quoted in a
managers' summary must stay text: links are defanged the usual way (`hxxp[:]//promo[.]site`,
`tg[:]//resolve`), mentions get a full-width ＠, still readable by a person, tappable by none.
"""

from __future__ import annotations

import re

_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]{1,15}):(/{1,2})", re.IGNORECASE)
_DOMAIN_DOT = re.compile(r"(?<=[\w-])\.(?=[a-z]{2,}\b|[\w-]+\.)", re.IGNORECASE)
_LINKISH = re.compile(r"\S*(?:://|www\.|\.[a-z]{2,}\b)\S*", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@(?=\w{4,})")


def inert_links(text: str) -> str:
    """`text` with links and @mentions defanged; plain text, still to be HTML-escaped by the caller."""
    return _MENTION.sub("＠", _LINKISH.sub(_defang, text))


def _defang(match: re.Match[str]) -> str:
    word = _SCHEME.sub(lambda found: _scheme(found.group(1)) + "[:]" + found.group(2), match.group(0))
    return _DOMAIN_DOT.sub("[.]", word)


def _scheme(scheme: str) -> str:
    return "hxxp" + scheme[4:] if scheme.lower() in ("http", "https") else scheme
