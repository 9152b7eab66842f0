"""SLA deadlines and warning times for a priority, on the right clock.

P1/P2 run on the wall clock by default; P3/P4 on business time (the policy decides). Warnings
fall at fractions of a target measured on the same clock, so a P4's 80% warning is never sent
at night while the desk is closed.
"""

from __future__ import annotations

import math
from typing import Literal

from escalation.calendar import BusinessCalendar
from escalation.domain import Priority
from escalation.policy import Policy

Target = Literal["first_response", "next_response", "resolution"]


class SlaClock:
    """Deadlines per priority and target, honouring each priority's clock."""

    def __init__(self, policy: Policy, calendar: BusinessCalendar) -> None:
        self.policy = policy
        self.calendar = calendar

    def _seconds(self, priority: Priority, target: Target) -> float:
        return float(getattr(self.policy.target(priority), target))

    def business(self, priority: Priority) -> bool:
        """Whether the priority's clock only runs in business hours (so nobody answers it at night)."""
        return self.policy.target(priority).clock == "business"

    def after(self, priority: Priority, start: float, seconds: float) -> float:
        """`start` plus `seconds` measured on the priority's clock."""
        return self.calendar.add(start, seconds) if self.business(priority) else start + seconds

    def deadline(self, priority: Priority, start: float, target: Target) -> float:
        """When the target is due, for a clock started at `start`."""
        return self.after(priority, start, self._seconds(priority, target))

    def warning_times(self, priority: Priority, start: float, target: Target) -> list[float]:
        """The warning instants (policy fractions) before the deadline, in order."""
        seconds = self._seconds(priority, target)
        return [self.after(priority, start, seconds * f) for f in sorted(self.policy.escalation.warnings)]

    def plan(self, priority: Priority, start: float, target: Target) -> list[int]:
        """The SLA steps of a clock that need the calendar: warning instants, then the deadline.

        Warnings fall at the policy's fractions on the priority's clock (so never at night for a
        business-hours priority). Computed once when a clock starts and stored with the ticket
        (`t1,t2,deadline`), so an SLA tick does no calendar arithmetic; the steps after the breach
        (renotify every `renotify`, `loops` times, then the managers) run on the wall clock from
        the deadline and are derived by the tick itself.
        """
        steps = [*self.warning_times(priority, start, target), self.deadline(priority, start, target)]
        return [math.ceil(at) for at in steps]

    def elapsed(self, priority: Priority, start: float, end: float) -> float:
        """Seconds between two instants on the priority's clock."""
        return self.calendar.elapsed(start, end) if self.business(priority) else max(0.0, end - start)
