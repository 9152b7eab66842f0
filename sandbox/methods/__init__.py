"""The Bot API methods the sandbox serves, by name.

Telegram matches method names case-insensitively (`sendmessage` works), so lookups go through
`find_method`, which also gives the canonical spelling used in the stats.
"""

from __future__ import annotations

from sandbox.core import MethodHandler
from sandbox.methods import bot, chats, messages

METHODS: dict[str, MethodHandler] = {**bot.METHODS, **chats.METHODS, **messages.METHODS}
_BY_LOWER = {name.lower(): name for name in METHODS}


def find_method(name: str) -> tuple[str, MethodHandler] | None:
    """The canonical name and handler of a method, or None if the sandbox does not serve it."""
    canonical = _BY_LOWER.get(name.lower())
    return (canonical, METHODS[canonical]) if canonical else None
