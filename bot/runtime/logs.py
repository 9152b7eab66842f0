"""The runtimes' start and stop lines, worded once so both frameworks log the same.

Operators grep these lines ("runtime=ptb webhook as @desk_bot ..."), so they must not depend on
which framework runs. The bot token never appears (`bot.redaction` masks it in every record).
"""

from __future__ import annotations

import logging

log = logging.getLogger("bot.runtime")


def started(runtime: str, mode: str, username: str, api_base: str, detail: str = "") -> None:
    """Log that updates are flowing, with the bot's name and the API server (never the token)."""
    suffix = f" {detail}" if detail else ""
    log.info("runtime=%s %s as @%s via %s%s", runtime, mode, username, api_base, suffix)


def stopped(runtime: str, mode: str) -> None:
    """Log a clean stop, so a missing line in the log means the process died instead."""
    log.info("runtime=%s %s stopped", runtime, mode)
