"""Secrets kept out of every log line: one filter on the root logger's handlers masks them all.

The bot token is a password, and so are the webhook secret and the password in `REDIS_URL`. The
frameworks do not know that: aiogram logs the failed request's URL, `.../bot<token>/getUpdates`,
at ERROR when the connection drops mid-poll, and PTB logs its API URL at DEBUG. Masking per
logger would miss the next library that logs a URL, so the filter sits on the root handlers,
which every propagated record passes, and rewrites the message, its arguments and the formatted
traceback. Whoever learns a secret registers it with `protect` (settings on load, a runtime for
the token it was given).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, quote, unquote, urlsplit

MASK = "<redacted>"
# Shorter values would mask ordinary words (a Redis password "a" would eat every "a" in a log).
MIN_SECRET_CHARS = 4


class SecretRedactor(logging.Filter):
    """Replaces every registered secret in a record's message and traceback; never drops a record."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: list[str] = []

    def protect(self, *secrets: str | None) -> None:
        """Mask these values from now on, as written and URL-quoted (they travel in URLs)."""
        for secret in secrets:
            if not secret or len(secret) < MIN_SECRET_CHARS:
                continue
            for form in (secret, quote(secret, safe=""), quote(secret, safe=":")):
                if form not in self._secrets:
                    self._secrets.append(form)
        # Longest first, so a secret that contains another is masked whole.
        self._secrets.sort(key=len, reverse=True)

    def redact(self, text: str) -> str:
        """`text` with every registered secret masked."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place (message and arguments, traceback, stack) before it is formatted."""
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: show its parts, masked, rather than lose the record
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = SecretRedactor()


def protect(*secrets: str | None) -> None:
    """Register secrets with the process's redactor."""
    REDACTOR.protect(*secrets)


def protect_token(token: str) -> None:
    """Register a bot token, and its secret half on its own (the part after `<bot id>:`)."""
    REDACTOR.protect(token, token.partition(":")[2])


def redact(text: str) -> str:
    """`text` with every registered secret masked: for what is printed rather than logged."""
    return REDACTOR.redact(text)


def install() -> None:
    """Put the redactor on every handler of the root logger, and send warnings through logging too.

    Call it once logging is configured (`logging.basicConfig`); idempotent.
    """
    for handler in logging.getLogger().handlers:
        if REDACTOR not in handler.filters:
            handler.addFilter(REDACTOR)
    logging.captureWarnings(True)


def url_secrets(url: str | None) -> tuple[str, ...]:
    """The password in a Redis URL (`redis://user:pw@host`, or `?password=`), as written and decoded."""
    if not url:
        return ()
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return ()
    found = [*parse_qs(parts.query).get("password", [])]
    if password:
        found += [password, unquote(password)]
    return tuple(found)


def without_password(url: str) -> str:
    """A URL fit to print: the password (if any) replaced by the mask."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return MASK
    if not password:
        return url
    user = f"{parts.username}:" if parts.username else ":"
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{user}{MASK}@{host}").geturl()
