"""Per-hour rollups of desk activity, written atomically with the transitions that cause them.

A summary over 100,000 tickets must not read 100,000 hashes. Each transition that matters to a
summary adds its increments (created, first response met or missed per agent, resolved, CSAT)
to an hourly hash, and its durations to an hourly list, in the same Lua call as the transition:
a refused or retried transition never counts twice. A summary then reads one hash and two lists
per hour of its period. Buckets expire after `RETENTION_S`.
"""

from __future__ import annotations

from escalation.domain import Impact, Intent
from escalation.keys import Keys

BUCKET_S = 3600
RETENTION_S = 100 * 86400

StatOp = list[str | int | float]


def bucket_of(instant: float) -> int:
    """The hour bucket an instant falls in (hours since the epoch)."""
    return int(instant // BUCKET_S)


class StatOps:
    """Builds the increments a transition adds to the rollups."""

    def __init__(self, keys: Keys) -> None:
        self.keys = keys

    def created(self, now: float, intent: Intent, impact: Impact | None) -> list[StatOp]:
        """A new ticket, counted with its kind of problem (for "top recurring problems")."""
        key = self.keys.stats(bucket_of(now))
        return [
            ["hincrby", key, "created", 1],
            ["hincrby", key, f"issue:{intent.value}:{impact.value if impact else '-'}", 1],
        ]

    def first_response(self, now: float, created_at: float, due: float, agent: int) -> list[StatOp]:
        """The first answer to a customer: met or missed, overall and for the agent, and how long it took."""
        bucket = bucket_of(now)
        key, outcome = self.keys.stats(bucket), "fr_met" if now <= due else "fr_missed"
        return [
            ["hincrby", key, outcome, 1],
            ["hincrby", key, f"agent:{agent}:{outcome}", 1],
            ["rpush", self.keys.stats_durations(bucket, "frt"), round(now - created_at, 1)],
        ]

    def resolved(self, now: float, withdrawn: bool) -> list[StatOp]:
        """A resolution (or a withdrawal by the customer, counted apart).

        The resolution time is pushed as `rpush_age`: the script computes it from the ticket's own
        `created_at`, so resolving needs no read before the transition.
        """
        bucket = bucket_of(now)
        key = self.keys.stats(bucket)
        if withdrawn:
            return [["hincrby", key, "withdrawn", 1]]
        return [["hincrby", key, "resolved", 1], ["rpush_age", self.keys.stats_durations(bucket, "rt"), 0]]

    def rated(self, now: float, score: int) -> list[StatOp]:
        """A CSAT rating."""
        key = self.keys.stats(bucket_of(now))
        return [
            ["hincrby", key, "csat_sum", score],
            ["hincrby", key, "csat_n", 1],
            ["hincrby", key, f"csat:{score}", 1],
        ]
