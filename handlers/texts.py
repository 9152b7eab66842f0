"""The bot's words in a person's language: which language, and the lookup of a text by key.

What it says to subscribers is in `customer_texts.py` (`t`), to agents, supervisors and managers in
`staff_texts.py` (`a`); the managers' summary has its own words (`escalation/report_text.py`).
Templates are HTML (Telegram parse mode HTML); placeholders are filled with `str.format` and any
value that comes from a user must be escaped by the caller (`html.escape`). Every key exists in
every language (a test checks it); a missing key is a KeyError, never a silent English text.
"""

from __future__ import annotations

from handlers.customer_texts import CUSTOMER_TEXTS
from handlers.staff_texts import STAFF_TEXTS

LANGUAGES = ("pt", "en", "es")


def pick_language(code: str | None, default: str) -> str:
    """Telegram's `language_code` (`pt-br`, `es-419`) to one of ours, else the default."""
    if code:
        base = code.lower().split("-", 1)[0]
        if base in LANGUAGES:
            return base
    return default


def t(language: str, key: str, **values: object) -> str:
    """A customer-facing text in `language` with placeholders filled."""
    return CUSTOMER_TEXTS.get(language, CUSTOMER_TEXTS["en"])[key].format(**values)


def a(language: str, key: str, **values: object) -> str:
    """An agent-facing text in the agents' language."""
    return STAFF_TEXTS.get(language, STAFF_TEXTS["en"])[key].format(**values)
