"""Inline button data: short, versioned and signed, so forged or foreign data changes nothing.

Format: `1|<action>|<arg>|<arg>...|<sig>` where sig is the first 10 characters of a base64url
HMAC-SHA256 over everything before it and the kind of chat the button is made for (a
subscriber's private chat, the agents' group, a manager's chat), keyed with the desk's secret
(kept in Redis, shared by all workers). The kind is signed, not written: a subscriber's own menu
button pressed on a message in the agents' group fails the check there, as forged data does.
Telegram caps callback data at 64 bytes; `encode` refuses longer data instead of letting
Telegram reject the message. Stale buttons (a Claim on a resolved ticket) decode fine and are
refused by the store's state checks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

VERSION = "1"
MAX_BYTES = 64
_SIG_CHARS = 10


class ButtonChat(StrEnum):
    """The kind of chat a button belongs to; its signature covers it."""

    CUSTOMER = "c"
    AGENTS = "a"
    MANAGERS = "m"


# Every action a button can carry, with the one kind of chat where it means something. An action
# missing here cannot be encoded: a new button must say where it may be pressed. (The names are
# written out, not imported: the modules that define them import this one.)
ACTION_CHATS: dict[str, ButtonChat] = {
    "menu": ButtonChat.CUSTOMER,
    "faq": ButtonChat.CUSTOMER,
    "helped": ButtonChat.CUSTOMER,
    "rate": ButtonChat.CUSTOMER,
    "claim": ButtonChat.AGENTS,
    "release": ButtonChat.AGENTS,
    "resolve": ButtonChat.AGENTS,
    "up": ButtonChat.AGENTS,
    "down": ButtonChat.AGENTS,
    "force": ButtonChat.AGENTS,
    "canned": ButtonChat.AGENTS,  # handlers.canned: open a card's canned replies, send one
    "cr": ButtonChat.AGENTS,
    "faqa": ButtonChat.AGENTS,  # handlers.cards.ANSWER_ACTION, on a card
    "iupd": ButtonChat.AGENTS,  # handlers.incidents.INCIDENT_ACTIONS, on an incident card
    "ires": ButtonChat.AGENTS,
    "iok": ButtonChat.AGENTS,
    "ino": ButtonChat.AGENTS,
    "fqok": ButtonChat.MANAGERS,  # handlers.faq_answers: approve or reject a phrasing
    "fqno": ButtonChat.MANAGERS,
}


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

    def _sign(self, payload: str, chat: ButtonChat) -> bytes:
        digest = hmac.new(
            self._secret, f"{chat}|{payload}".encode(errors="surrogatepass"), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest)[:_SIG_CHARS]

    def encode(self, action: str, *args: object) -> str:
        """Button data for an action, signed for the action's kind of chat.

        Raises ValueError for an action without a kind of chat in ACTION_CHATS, or data that
        would exceed Telegram's 64 bytes.
        """
        chat = ACTION_CHATS.get(action)
        if chat is None:
            raise ValueError(f"button action {action!r} has no kind of chat in ACTION_CHATS")
        parts = [VERSION, action, *(str(arg) for arg in args)]
        if any("|" in part for part in parts):
            raise ValueError("callback parts may not contain '|'")
        payload = "|".join(parts)
        data = f"{payload}|{self._sign(payload, chat).decode()}"
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data too long ({len(data.encode())} bytes)")
        return data

    def decode(self, data: str, chat: ButtonChat) -> Callback:
        """Check and split button data pressed in a `chat` kind of chat.

        InvalidCallback for anything this desk did not sign for that kind of chat, whatever the
        bytes (non-ASCII, no separators, too long): a button press is input like any other.
        """
        if len(data.encode(errors="replace")) > MAX_BYTES:
            raise InvalidCallback("longer than Telegram allows")
        payload, _, signature = data.rpartition("|")
        parts = payload.split("|")
        if len(parts) < 2 or parts[0] != VERSION:
            raise InvalidCallback("unknown format or version")
        if not hmac.compare_digest(signature.encode(errors="replace"), self._sign(payload, chat)):
            raise InvalidCallback(f"bad signature for a button of the {chat.name.lower()} chat")
        return Callback(parts[1], tuple(parts[2:]))
