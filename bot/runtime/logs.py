"""The runtimes' start and stop lines, worded once so both frameworks log the same, and token redaction.

Operators grep these lines ("runtime=ptb webhook as @desk_bot ..."), so they must not depend on
which framework runs. The bot token never appears: it is a password, and python-telegram-bot's bot
logs its API URL, which contains the token, at DEBUG.
"""

from __future__ import annotations

import logging

log = logging.getLogger("bot.runtime")

REDACTED = "<token>"


def started(runtime: str, mode: str, username: str, api_base: str, detail: str = "") -> None:
    """Log that updates are flowing, with the bot's name and the API server (never the token)."""
    suffix = f" {detail}" if detail else ""
    log.info("runtime=%s %s as @%s via %s%s", runtime, mode, username, api_base, suffix)


def stopped(runtime: str, mode: str) -> None:
    """Log a clean stop, so a missing line in the log means the process died instead."""
    log.info("runtime=%s %s stopped", runtime, mode)


class TokenRedactor(logging.Filter):
    """Replaces the bot token in a logger's records; attach it to loggers that print request URLs."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message with the token masked; never drops a record."""
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, REDACTED)
            record.args = None
        return True
