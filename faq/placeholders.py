"""Placeholders a provider left in their FAQ: `[chave]`, `[nome do app]`, `R$ [00,00]`, `[link]`.

The default FAQ ships with bracketed values for the provider to fill in. One left in place reaches
customers word for word ("pague com a chave Pix [chave]"), so `supportbot run` names each one at
start-up. Answers are plain text (the file says so), so any bracketed text in one is a placeholder;
the first phrasing of each language is scanned too, since it labels the suggestion buttons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faq.knowledge import KnowledgeBase

_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,80}\]")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One unfilled placeholder: where it is (entry id, language) and its text."""

    entry_id: str
    language: str
    text: str


def unfilled_placeholders(knowledge: KnowledgeBase) -> list[Placeholder]:
    """Every placeholder in the answers and button labels, in file order, each once per entry and language."""
    found: list[Placeholder] = []
    for entry in knowledge:
        for language in sorted(set(entry.answers) | set(entry.questions)):
            shown = [entry.answers.get(language, ""), *entry.questions.get(language, ())[:1]]
            texts = dict.fromkeys(match.group() for text in shown for match in _PLACEHOLDER.finditer(text))
            found += [Placeholder(entry.id, language, text) for text in texts]
    return found
