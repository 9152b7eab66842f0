"""Synonyms for FAQ matching: words of pt, en and es that mean the same to a customer.

A provider's knowledge base rarely lists every way to say "price"; mapping the terms of both the
knowledge base and the message onto one representative per group lets "qual o valor?" meet
"Quais são os preços?" and "¿cuánto cuesta?" without the provider writing each variant.
A FAQ file can add its own groups (`synonyms:` beside `entries:`) for its brand and trade words
("combo" for "plano", "deco" for "decodificador"); they extend the packaged ones (`extended`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from faq.normalize import tokens
from faq.terms import terms_of

DEFAULT_SYNONYMS_FILE = Path(__file__).with_name("data") / "synonyms.yaml"


def load_synonyms(path: Path = DEFAULT_SYNONYMS_FILE) -> dict[str, str]:
    """Each word's term mapped to its group's representative term (the group's first word)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return extended({}, raw.get("groups", []))


def load_broader(
    path: Path = DEFAULT_SYNONYMS_FILE, synonyms: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each specific word's term (a brand, an app, a club) mapped onto its generic word's term.

    The generic word goes through `synonyms` (the packaged groups unless given), so "roku" falls
    back on what "aparelho" means to the matcher ("tela"); a specific word that a group already
    holds keeps that meaning and is left out.
    """
    groups = load_synonyms(path) if synonyms is None else synonyms
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    mapping: dict[str, str] = {}
    for generic, words in (raw.get("broader") or {}).items():
        heads = terms_of(tokens(str(generic)))
        if not heads:
            continue
        head = groups.get(heads[0], heads[0])
        for word in words:
            for term in terms_of(tokens(str(word)), codes=True):
                if term not in groups and term != head:
                    mapping.setdefault(term, head)
    return mapping


def extended(base: Mapping[str, str], groups: Iterable[Iterable[object]]) -> dict[str, str]:
    """`base` with more groups: each group's words mapped onto its first word's representative.

    A group whose first word already belongs to a packaged group joins that group, so a FAQ
    file's `[combo, pacote, plano]` makes "combo" mean what "plano" already meant to the matcher,
    never the other way round; a word already mapped keeps its first meaning.
    """
    mapping = dict(base)
    for group in groups:
        terms = [term for word in group for term in terms_of(tokens(str(word)))]
        if not terms:
            continue
        head = next((mapping[term] for term in terms if term in mapping), terms[0])
        for term in terms:
            if term != head:
                mapping.setdefault(term, head)
    return mapping
