"""Business time: opening hours, holidays, DST-free zones and zones with DST."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalation.calendar import BusinessCalendar
from escalation.policy import Policy
from escalation.sla import SlaClock

SP = ZoneInfo("America/Sao_Paulo")


def at(*parts: int, tz: ZoneInfo = SP) -> float:
    return datetime(*parts, tzinfo=tz).timestamp()


def local(instant: float, tz: ZoneInfo = SP) -> datetime:
    return datetime.fromtimestamp(instant, tz).replace(tzinfo=None)


@pytest.fixture
def calendar(policy: Policy) -> BusinessCalendar:
    return policy.calendar("America/Sao_Paulo")


def test_p4_opened_friday_night_is_due_in_business_time(policy: Policy, calendar: BusinessCalendar) -> None:
    sla = SlaClock(policy, calendar)
    friday_22h = at(2026, 11, 27, 22, 0)
    due = sla.deadline(policy.priority.base["other"], friday_22h, "first_response")
    # Sat 09-13 (4 h) + Mon 08-20 (12 h) + Tue 08-16 (8 h) = 24 business hours
    assert local(due) == datetime(2026, 12, 1, 16, 0)


def test_p1_runs_on_the_wall_clock(policy: Policy, calendar: BusinessCalendar) -> None:
    from escalation.domain import Priority

    sla = SlaClock(policy, calendar)
    friday_22h = at(2026, 11, 27, 22, 0)
    assert sla.deadline(Priority.P1, friday_22h, "first_response") == friday_22h + 15 * 60


def test_holidays_are_closed(calendar: BusinessCalendar) -> None:
    christmas_eve_19h = at(2026, 12, 24, 19, 0)
    due = calendar.add(christmas_eve_19h, 2 * 3600)
    assert local(due) == datetime(2026, 12, 26, 10, 0)  # 1 h on the 24th, closed 25th, Sat 09:00 + 1 h
    assert not calendar.is_open(at(2026, 12, 25, 12, 0))
    assert calendar.is_open(at(2026, 12, 24, 12, 0))


def test_elapsed_counts_only_open_time(calendar: BusinessCalendar) -> None:
    assert calendar.elapsed(at(2026, 11, 27, 19, 0), at(2026, 11, 28, 10, 0)) == 2 * 3600
    assert calendar.elapsed(at(2026, 11, 28, 10, 0), at(2026, 11, 27, 19, 0)) == 0


def test_dst_day_is_measured_in_real_seconds() -> None:
    new_york = ZoneInfo("America/New_York")
    calendar = BusinessCalendar("America/New_York", {d: [(time(0), time(0))] for d in range(7)})
    before_spring_forward = at(2026, 3, 8, 0, 0, tz=new_york)
    after = calendar.add(before_spring_forward, 3 * 3600)
    assert after - before_spring_forward == 3 * 3600
    assert local(after, new_york) == datetime(2026, 3, 8, 4, 0)


def test_empty_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="business hours are empty"):
        BusinessCalendar("UTC", {})


@given(
    start=st.floats(min_value=1_767_225_600, max_value=1_830_000_000),
    hours=st.floats(min_value=0, max_value=200),
)
def test_add_and_elapsed_agree(start: float, hours: float) -> None:
    calendar = BusinessCalendar(
        "America/Sao_Paulo", {d: [(time(8), time(20))] for d in range(5)}, frozenset({date(2026, 12, 25)})
    )
    due = calendar.add(start, hours * 3600)
    assert due >= start
    assert calendar.elapsed(start, due) == pytest.approx(hours * 3600, abs=1e-3)
