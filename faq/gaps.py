"""FAQ gaps: questions the knowledge base could not answer, counted for managers' summaries.

The port is one method so that storage can change freely (in memory here, Redis elsewhere)
without touching triage.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from faq.normalize import normalize


@runtime_checkable
class GapRecorder(Protocol):
    """Somewhere to count an unanswered question; must be cheap and must not raise."""

    def record(self, text: str, lang: str) -> None:
        """Count one occurrence of `text` (as the customer wrote it) in `lang`."""


@dataclass(frozen=True, slots=True)
class Gap:
    """One unanswered question, how often it was asked, and how it was first written."""

    text: str
    lang: str
    count: int


class InMemoryGapRecorder:
    """Counts gaps in this process; questions that differ only in case, accents or punctuation are one gap."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str]] = Counter()
        self._first_seen: dict[tuple[str, str], str] = {}

    def record(self, text: str, lang: str) -> None:
        """Count `text` under its normalised form, remembering the first wording for display."""
        key = (normalize(text), lang)
        if not key[0]:
            return
        with self._lock:
            self._counts[key] += 1
            self._first_seen.setdefault(key, text.strip())

    def top(self, limit: int = 10) -> list[Gap]:
        """The most frequent gaps, most asked first."""
        with self._lock:
            common = self._counts.most_common(limit)
            return [Gap(self._first_seen[key], key[1], count) for key, count in common]

    def total(self) -> int:
        """How many unanswered questions were recorded."""
        with self._lock:
            return sum(self._counts.values())
