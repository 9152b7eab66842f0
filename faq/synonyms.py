"""Synonyms for FAQ matching: words of pt, en and es that mean the same to a customer.

A provider's knowledge base rarely lists every way to say "price"; mapping the terms of both the
knowledge base and the message onto one representative per group lets "qual o valor?" meet
"Quais são os preços?" and "¿cuánto cuesta?" without the provider writing each variant.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from faq.normalize import tokens
from faq.terms import terms_of

DEFAULT_SYNONYMS_FILE = Path(__file__).with_name("data") / "synonyms.yaml"


def load_synonyms(path: Path = DEFAULT_SYNONYMS_FILE) -> dict[str, str]:
    """Each word's term mapped to its group's representative term (the group's first word)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    mapping: dict[str, str] = {}
    for group in raw.get("groups", []):
        terms = [term for word in group for term in terms_of(tokens(str(word)))]
        for term in terms[1:]:
            if term != terms[0]:
                mapping.setdefault(term, terms[0])
    return mapping
