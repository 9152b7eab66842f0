"""The wait estimate: the earlier of the deadline and the queue's guess, on the priority's clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from escalation.domain import Priority
from escalation.policy import load_policy
from escalation.sla import SlaClock
from escalation.waits import estimate_wait

SP = ZoneInfo("America/Sao_Paulo")
POLICY = load_policy()
SLA = SlaClock(POLICY, POLICY.calendar("America/Sao_Paulo"))
FRIDAY_EVENING = datetime(2026, 1, 9, 20, 6, tzinfo=SP).timestamp()
SATURDAY_NINE = datetime(2026, 1, 10, 9, 0, tzinfo=SP).timestamp()


def test_closed_desk_business_priority_waits_for_the_opening() -> None:
    due = SLA.deadline(Priority.P3, FRIDAY_EVENING, "first_response")
    estimate = estimate_wait(
        SLA, Priority.P3, due, FRIDAY_EVENING, position=1, typical_first_response=40, agents=2
    )
    assert estimate.back_at == SATURDAY_NINE
    assert estimate.answer_by == SATURDAY_NINE + 40


def test_no_history_means_the_deadline() -> None:
    due = SLA.deadline(Priority.P4, FRIDAY_EVENING, "first_response")
    estimate = estimate_wait(
        SLA, Priority.P4, due, FRIDAY_EVENING, position=3, typical_first_response=None, agents=2
    )
    assert estimate.answer_by == due == datetime(2026, 1, 13, 16, 0, tzinfo=SP).timestamp()


def test_the_queue_never_outruns_the_deadline_and_wall_clock_priorities_have_no_back_at() -> None:
    due = FRIDAY_EVENING + 900
    estimate = estimate_wait(
        SLA, Priority.P1, due, FRIDAY_EVENING, position=40, typical_first_response=600, agents=2
    )
    assert (estimate.answer_by, estimate.back_at) == (due, None)


def test_a_passed_deadline_promises_only_what_the_queue_says() -> None:
    past = FRIDAY_EVENING - 60
    assert (
        estimate_wait(
            SLA, Priority.P1, past, FRIDAY_EVENING, position=1, typical_first_response=None, agents=2
        ).answer_by
        is None
    )
    assert (
        estimate_wait(
            SLA, Priority.P1, past, FRIDAY_EVENING, position=3, typical_first_response=60, agents=2
        ).answer_by
        == FRIDAY_EVENING + 120
    )
