"""Telegram's flood limits as token buckets, so a bot that ignores 429s fails in the sandbox too.

Telegram documents its limits loosely: about 30 messages per second across all chats, at most 20
messages per minute in one group, and about one message per second in one private chat, with short
bursts tolerated. The sandbox models each as a token bucket (capacity = the allowed burst, refilled
continuously at the rate). A send needs a token from the overall bucket and from its chat's bucket;
when either is empty the call is refused with `retry_after` = whole seconds until both have one,
rounded up (at least 1), and nothing is consumed. Only sending methods are limited (sendMessage,
sendPhoto, sendDocument, sendVoice, sendAudio, sendVideoNote, sendMediaGroup (once per album),
copyMessage, forwardMessage); edits, answers and reads are not.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

GROUP_TYPES = frozenset({"group", "supergroup", "channel"})
EPSILON = 1e-9  # refills are float sums: 30 x (1/30 s x 30/s) must make a whole token


@dataclass(frozen=True)
class RateLimits:
    """Rates and bursts; tests scale them down (a burst of 2, say) to provoke 429s in a few calls."""

    overall_per_second: float = 30.0
    overall_burst: int = 30
    group_per_minute: float = 20.0
    group_burst: int = 20
    private_per_second: float = 1.0
    private_burst: int = 3


class TokenBucket:
    """`capacity` tokens, refilled at `rate` per second; one token per message."""

    def __init__(self, capacity: int, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = float(capacity)
        self.updated = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 when one is)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 - EPSILON else (1 - self.tokens) / self.rate

    def take(self) -> None:
        """Spend a token; call only after wait_time returned 0."""
        self.tokens -= 1


class RateLimiter:
    """The overall bucket plus one bucket per chat, created on first use; can be switched off."""

    def __init__(
        self, limits: RateLimits, *, enabled: bool = True, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self.enabled = enabled
        self._clock = clock
        self._overall = TokenBucket(limits.overall_burst, limits.overall_per_second, clock())
        self._chats: dict[int, TokenBucket] = {}

    def _chat_bucket(self, chat_id: int, chat_type: str, now: float) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if chat_type in GROUP_TYPES:
                bucket = TokenBucket(self.limits.group_burst, self.limits.group_per_minute / 60, now)
            else:
                bucket = TokenBucket(self.limits.private_burst, self.limits.private_per_second, now)
            self._chats[chat_id] = bucket
        return bucket

    def acquire(self, chat_id: int, chat_type: str) -> int | None:
        """Take a token for one message to the chat; None if sent, else the retry_after to answer."""
        if not self.enabled:
            return None
        now = self._clock()
        buckets = (self._overall, self._chat_bucket(chat_id, chat_type, now))
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.take()
        return None
