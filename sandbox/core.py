"""The sandbox's parts in one object, handed to every Bot API method and control route.

Keeping them together (rather than in module globals) lets tests run several independent
sandboxes in one process, each with its own users, updates, files and limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox import types
from sandbox.entities import Chat
from sandbox.errors import too_many_requests
from sandbox.files import FileStore
from sandbox.params import Params
from sandbox.ratelimit import RateLimiter
from sandbox.state import World
from sandbox.updates import UpdateQueue
from sandbox.webhook import WebhookDelivery


@dataclass
class Stats:
    """Calls per Bot API method and 429s returned, for benches and rate-limit tests."""

    calls: Counter[str] = field(default_factory=Counter)
    throttled_429: int = 0

    def as_json(self) -> dict[str, Any]:
        """The control API's view: `{"calls": {...}, "throttled_429": N}`."""
        return {"calls": dict(self.calls), "throttled_429": self.throttled_429}

    def reset(self) -> None:
        """Start counting afresh (between bench phases)."""
        self.calls.clear()
        self.throttled_429 = 0


@dataclass
class Core:
    """World state, update queue, files, limiter, webhook delivery and stats of one sandbox."""

    world: World
    queue: UpdateQueue
    files: FileStore
    limiter: RateLimiter
    webhook: WebhookDelivery
    stats: Stats = field(default_factory=Stats)
    poll_generation: int = 0
    closing: bool = False

    def lookup_user(self, user_id: int) -> dict[str, Any] | None:
        """A known user's User JSON, for `tg://user?id=` links in HTML."""
        user = self.world.user(user_id)
        return types.user_json(user) if user else None

    def throttle(self, chat: Chat) -> None:
        """Spend a send token for the chat or answer Telegram's 429."""
        retry_after = self.limiter.acquire(chat.id, chat.type)
        if retry_after is not None:
            raise too_many_requests(retry_after)


MethodHandler = Callable[[Core, Params], Awaitable[Any]]


@dataclass(frozen=True)
class Described:
    """A result Telegram sends with a `description` next to it (setWebhook: "Webhook was set")."""

    result: Any
    description: str
