"""What both runtimes agree on about talking to Telegram, so switching framework changes nothing visible.

The desk only reacts to messages, their edits and button presses: asking Telegram for exactly
those (in getUpdates and setWebhook alike) keeps reactions and member updates from ever reaching
the bot. Pending updates are never dropped at start: a restart must not lose what
subscribers wrote while the bot was down.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.config import TELEGRAM_API_URL_DEFAULT

ALLOWED_UPDATES: tuple[str, ...] = ("message", "edited_message", "callback_query")
REQUEST_MARGIN_S = 10  # a long poll's HTTP timeout is its own timeout plus this
WEBHOOK_LISTEN = "0.0.0.0"
SHUTDOWN_GRACE_SECONDS = 3.0


def api_base(url: str) -> str:
    """The Bot API base URL without a trailing slash, the form both frameworks append paths to."""
    return url.rstrip("/") or TELEGRAM_API_URL_DEFAULT


def is_official(url: str) -> bool:
    """Whether the base URL is Telegram's own server (then the frameworks' defaults apply)."""
    return api_base(url) == TELEGRAM_API_URL_DEFAULT


def webhook_path(url: str) -> str:
    """The local path to serve the webhook on: the public URL's path (a proxy forwards it unchanged)."""
    return urlsplit(url).path or "/"
