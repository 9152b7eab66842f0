"""Inline button data: short, versioned and signed, so forged or foreign data changes nothing.

Format: `1|<action>|<arg>|<arg>...|<sig>` where sig is the first 10 characters of a base64url
HMAC-SHA256 over everything before it, keyed with the desk's secret (kept in Redis, shared by
all workers). Telegram caps callback data at 64 bytes; `encode` refuses longer data instead of
letting Telegram reject the message. Stale buttons (a Claim on a resolved ticket) decode fine
and are refused by the store's state checks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

VERSION = "1"
MAX_BYTES = 64
_SIG_CHARS = 10


class InvalidCallback(Exception):
    """The data was not made by this desk (or was altered, or is of an old version)."""


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button: what to do, with which arguments."""

    action: str
    args: tuple[str, ...]


class CallbackCodec:
    """Signs and checks button data with one secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    async def for_desk(cls, redis: Redis, key: str) -> CallbackCodec:
        """The desk's codec: the secret is created once (SET NX) and shared by every worker."""
        await redis.set(key, secrets.token_hex(32), nx=True)
        value = await redis.get(key)
        return cls(str(value).encode())

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._secret, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_SIG_CHARS]

    def encode(self, action: str, *args: object) -> str:
        """Button data for an action; raises ValueError if it would exceed Telegram's 64 bytes."""
        parts = [VERSION, action, *(str(arg) for arg in args)]
        if any("|" in part for part in parts):
            raise ValueError("callback parts may not contain '|'")
        payload = "|".join(parts)
        data = f"{payload}|{self._sign(payload)}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data too long ({len(data.encode())} bytes)")
        return data

    def decode(self, data: str) -> Callback:
        """Check and split button data; InvalidCallback for anything this desk did not sign."""
        payload, _, signature = data.rpartition("|")
        parts = payload.split("|")
        if len(parts) < 2 or parts[0] != VERSION:
            raise InvalidCallback("unknown format or version")
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidCallback("bad signature")
        return Callback(parts[1], tuple(parts[2:]))
