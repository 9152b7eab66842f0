"""Where domain code gets the time, so tests move time instead of sleeping."""

from __future__ import annotations

import time
from typing import Protocol


def seconds_text(value: float) -> str:
    """Seconds (an instant or a length) as the desk stores them in Redis and hands them to Lua:
    millisecond precision, trailing zeros dropped, so whole seconds store as integers."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


class Clock(Protocol):
    """Anything that tells the current time as epoch seconds."""

    def now(self) -> float:
        """Current time, epoch seconds (UTC)."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        """Current time from `time.time()`."""
        return time.time()


class ManualClock:
    """A clock that only moves when told to: tests and benchmarks set the scene with it."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:
        self._now = start

    def now(self) -> float:
        """The time last set."""
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward and return the new time."""
        self._now += seconds
        return self._now

    def set(self, instant: float) -> None:
        """Jump to an instant."""
        self._now = instant
