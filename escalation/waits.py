"""How long a customer will wait for an answer, as far as the desk can truthfully say.

Three things bound a wait: the ticket's own deadline (what the desk promised, on its priority's
clock), the business hours (nobody answers a business-hours ticket while the desk is closed) and
the queue ahead of it (recent first-response times, shared among the agents). The estimate is
the earlier of the deadline and the queue's guess; the queue's guess runs on the priority's
clock, so on a Friday night a P3 is never "about 1 min" away. A deadline that has passed
promises nothing: the queue's guess then stands alone, or nothing can be promised at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from escalation.domain import Priority
from escalation.sla import SlaClock


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    """`answer_by`: the instant an answer is expected by (None: nothing can be promised);
    `back_at`: when the people who answer this priority are back, if they are away now."""

    answer_by: float | None
    back_at: float | None


def estimate_wait(
    sla: SlaClock,
    priority: Priority,
    due_at: float,
    now: float,
    *,
    position: int,
    typical_first_response: float | None,
    agents: int,
) -> WaitEstimate:
    """The wait of a ticket `position`-th in the queue whose current deadline is `due_at`."""
    back_at = None
    if sla.business(priority):
        opening = sla.calendar.next_opening(now)
        back_at = opening if opening > now else None
    guesses = [due_at] if due_at > now else []
    if typical_first_response is not None:
        rounds = math.ceil(position / max(1, agents))
        guesses.append(sla.after(priority, now, typical_first_response * rounds))
    return WaitEstimate(min(guesses) if guesses else None, back_at)
