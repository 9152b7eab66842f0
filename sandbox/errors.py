"""The one exception the Bot API side raises, so every failure becomes Telegram's error envelope.

Telegram answers failures as `{"ok": false, "error_code": N, "description": "..."}` with a fixed
vocabulary of descriptions that frameworks match on (aiogram maps 400/403/429 to exception classes,
PTB parses "retry after"). Raising one typed error keeps those texts in one place per call site and
the envelope in one place for all of them.
"""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """A Bot API failure with Telegram's status code and description."""

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error, `parameters` only when there are some."""
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> BotApiError:
    """A 400 with Telegram's "Bad Request: " prefix, the most common failure."""
    return BotApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> BotApiError:
    """A 403, what Telegram answers when a user blocked the bot or never started it."""
    return BotApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> BotApiError:
    """A 429 whose `retry_after` frameworks read to back off."""
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def conflict(reason: str) -> BotApiError:
    """A 409, e.g. two getUpdates pollers or getUpdates while a webhook is set."""
    return BotApiError(409, f"Conflict: {reason}")
