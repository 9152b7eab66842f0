"""How the process logs: one text line per event (the default), or JSON lines with `LOG_FORMAT=json`.

JSON lines are for log shippers (Loki, Elasticsearch, journald's JSON export): each record is one
object with `time` (UTC, ISO 8601), `level`, `logger`, `message` and, for a failure, `exception`
(the traceback as text), so nothing needs parsing back out of a free-form line.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Literal

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (a traceback's newlines are escaped inside it)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object; the message is rendered with its arguments first."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def apply_log_settings(level: str, log_format: Literal["text", "json"]) -> None:
    """Set the root logger's level and the formatter of its handlers (installed by the CLI)."""
    root = logging.getLogger()
    root.setLevel(level)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in root.handlers:
        handler.setFormatter(formatter)
