"""Business time: weekly opening hours and holidays in one time zone.

SLA targets of low priorities only run while the desk is open, so a P4 opened on Friday at 22:00
is due in business time, not at 22:00 + 24 h. Times are epoch seconds (UTC); wall-clock hours
are turned into instants day by day, so DST changes are handled by `zoneinfo`, not by arithmetic
on local times.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_SCAN_DAYS = 3 * 366


class BusinessCalendar:
    """Opening hours per weekday (0 = Monday) and closed dates, in `timezone`."""

    def __init__(
        self,
        timezone: str,
        weekly: Mapping[int, Sequence[tuple[time, time]]],
        holidays: frozenset[date] = frozenset(),
    ) -> None:
        self.tz = ZoneInfo(timezone)
        self.weekly = {day: sorted(weekly.get(day, ())) for day in range(7)}
        self.holidays = holidays
        if not any(self.weekly.values()):
            raise ValueError("business hours are empty: at least one weekday needs opening hours")

    def _intervals_from(self, start: float) -> Iterator[tuple[float, float]]:
        """Open intervals (epoch seconds) that end after `start`, in order."""
        day = datetime.fromtimestamp(start, self.tz).date()
        for _ in range(MAX_SCAN_DAYS):
            if day not in self.holidays:
                for opens, closes in self.weekly[day.weekday()]:
                    begin = datetime.combine(day, opens, self.tz).timestamp()
                    end = (
                        datetime.combine(day + timedelta(days=1), time(0), self.tz).timestamp()
                        if closes == time(0)
                        else datetime.combine(day, closes, self.tz).timestamp()
                    )
                    if end > start:
                        yield max(begin, start), end
            day += timedelta(days=1)
        raise ValueError("no business hours within three years; check the holidays")

    def add(self, start: float, seconds: float) -> float:
        """The instant when `seconds` of business time have passed since `start`."""
        remaining = seconds
        for begin, end in self._intervals_from(start):
            if remaining <= end - begin:
                return begin + remaining
            remaining -= end - begin
        raise AssertionError("unreachable: _intervals_from raises when it runs out")

    def elapsed(self, start: float, end: float) -> float:
        """Business seconds between two instants (0 when `end` is not after `start`)."""
        total = 0.0
        if end <= start:
            return total
        for begin, close in self._intervals_from(start):
            if begin >= end:
                break
            total += min(close, end) - begin
        return total

    def is_open(self, instant: float) -> bool:
        """Whether the desk is open at `instant`."""
        return self.next_opening(instant) <= instant

    def next_opening(self, instant: float) -> float:
        """When the desk is next open: `instant` itself while it is open, else the next opening."""
        begin, _ = next(self._intervals_from(instant))
        return begin
