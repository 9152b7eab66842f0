"""The desk's vocabulary: intents, impacts, plan tiers, priorities, states and reasons.

Plain value types with no I/O, shared by triage (`faq`), the store and the handlers, so each
layer speaks of the same things with the same names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class Intent(StrEnum):
    """What a subscriber's message is about."""

    OUTAGE = "outage"
    FAQ = "faq"
    BILLING = "billing"
    CANCEL = "cancel"
    HUMAN = "human"
    GREETING = "greeting"
    UNKNOWN = "unknown"


class Impact(StrEnum):
    """How much of the service an outage takes away."""

    TOTAL = "total"
    PARTIAL = "partial"


class Tier(StrEnum):
    """Customer value, always from the directory; an unknown or unlinked customer is basic."""

    BASIC = "basic"
    STANDARD = "standard"
    PREMIUM = "premium"


class Priority(IntEnum):
    """P1 (urgent) .. P4 (low); a smaller number is more urgent."""

    P1 = 1
    P2 = 2
    P3 = 3
    P4 = 4

    def __str__(self) -> str:
        return self.name

    def raised(self, levels: int = 1) -> Priority:
        """This priority moved `levels` towards P1, never past it."""
        return Priority(max(Priority.P1, self.value - levels))

    def lowered(self, levels: int = 1) -> Priority:
        """This priority moved `levels` towards P4, never past it."""
        return Priority(min(Priority.P4, self.value + levels))

    @classmethod
    def parse(cls, text: str) -> Priority:
        """`P1`..`P4` (any case) to a Priority; ValueError otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"expected P1, P2, P3 or P4, got {text!r}") from None


class State(StrEnum):
    """A ticket's lifecycle: open (in the queue) -> claimed -> resolved."""

    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


# Directory statuses under which a subscription is not in force: no plan priority, and a report
# that nothing works is answered with the account's state first.
INACTIVE_STATUSES = frozenset({"suspended", "cancelled", "expired"})


class ReasonCode(StrEnum):
    """Why a ticket has its priority; rendered per language by `escalation.reasons`."""

    OUTAGE_TOTAL = "outage_total"
    OUTAGE_PARTIAL = "outage_partial"
    CANCEL = "cancel"
    BILLING = "billing"
    HUMAN = "human"
    INFORMATION = "information"
    PLAN_TIER = "plan_tier"
    UNLINKED = "unlinked"
    ACCOUNT_INACTIVE = "account_inactive"
    URGENCY = "urgency"
    REPEAT_CONTACT = "repeat_contact"
    SLA_BREACH = "sla_breach"
    AGENT_SET = "agent_set"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason behind a priority; `detail` carries a value such as the plan tier."""

    code: ReasonCode
    detail: str | None = None

    def to_json(self) -> list[str]:
        """Compact form stored in Redis: `[code]` or `[code, detail]`."""
        return [self.code.value] if self.detail is None else [self.code.value, self.detail]

    @classmethod
    def from_json(cls, raw: list[str]) -> Reason:
        """Inverse of `to_json`."""
        return cls(ReasonCode(raw[0]), raw[1] if len(raw) > 1 else None)


@dataclass(frozen=True, slots=True)
class Assessment:
    """A priority together with every reason that produced it."""

    priority: Priority
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    def raised(self, reason: Reason, levels: int = 1) -> Assessment:
        """One level more urgent, with the reason appended."""
        return Assessment(self.priority.raised(levels), (*self.reasons, reason))
