"""The ticket as the desk sees it, parsed from its Redis hash.

The hash is the source of truth; `Ticket` is an immutable snapshot of it. Optional timestamps
are None until the event happened. `to_json` is the documented shape printed by
`supportbot tickets ... --json` and used by reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from escalation.domain import INACTIVE_STATUSES, Impact, Intent, Priority, Reason, State, Tier
from escalation.reasons import describe


@dataclass(frozen=True, slots=True)
class Customer:
    """A subscriber as the desk knows them; `subscriber_id` is None until linked via the directory.

    `account_status` is the directory's (active, suspended, cancelled, expired); "active" for a
    customer the directory does not know.
    """

    telegram_id: int
    name: str
    language: str = "pt"
    subscriber_id: str | None = None
    tier: Tier | None = None
    region: str | None = None
    account_status: str = "active"

    @property
    def account_active(self) -> bool:
        """Whether the subscription is in force (see `escalation.directory.Subscriber.active`)."""
        return self.account_status not in INACTIVE_STATUSES

    @property
    def effective_tier(self) -> Tier:
        """The tier priority uses: basic when the customer is not in the directory."""
        return self.tier or Tier.BASIC


def _float(raw: Mapping[str, str], key: str) -> float | None:
    value = raw.get(key)
    return float(value) if value else None


@dataclass(frozen=True, slots=True)
class Ticket:
    """A snapshot of one ticket."""

    number: int
    version: int
    state: State
    customer: Customer
    intent: Intent
    impact: Impact | None
    priority: Priority
    reasons: tuple[Reason, ...]
    assignee: int | None
    created_at: float
    due_kind: str
    due_at: float
    first_response_due: float
    resolution_due: float
    first_response_at: float | None
    claimed_at: float | None
    last_customer_at: float | None
    last_agent_at: float | None
    resolved_at: float | None
    contacts: tuple[float, ...]
    csat: int | None
    incident: str | None
    card_message_id: int | None
    unreachable: bool
    resolution: str | None
    sla_stage: int = 0
    breached_at: float | None = None
    log_dropped: int = 0
    team: str = ""

    @property
    def label(self) -> str:
        """The human ticket number, `#<n>`."""
        return f"#{self.number}"

    @classmethod
    def from_hash(cls, raw: Mapping[str, str]) -> Ticket:
        """Parse the Redis hash (decoded strings) into a snapshot."""
        tier = raw.get("tier")
        customer = Customer(
            telegram_id=int(raw["customer_id"]),
            name=raw.get("customer_name", ""),
            language=raw.get("language", "pt"),
            subscriber_id=raw.get("subscriber_id") or None,
            tier=Tier(tier) if tier else None,
            region=raw.get("region") or None,
            account_status=raw.get("account_status") or "active",
        )
        assignee = raw.get("assignee")
        csat = raw.get("csat")
        card = raw.get("card_message_id")
        return cls(
            number=int(raw["number"]),
            version=int(raw.get("version", "0")),
            state=State(raw["state"]),
            customer=customer,
            intent=Intent(raw.get("intent", Intent.UNKNOWN.value)),
            impact=Impact(raw["impact"]) if raw.get("impact") else None,
            priority=Priority[raw.get("priority", "P4")],
            reasons=tuple(Reason.from_json(item) for item in json.loads(raw.get("reasons", "[]"))),
            assignee=int(assignee) if assignee else None,
            created_at=float(raw["created_at"]),
            due_kind=raw.get("due_kind", "first_response"),
            due_at=float(raw["due_at"]),
            first_response_due=float(raw["first_response_due"]),
            resolution_due=float(raw.get("resolution_due", raw["due_at"])),
            first_response_at=_float(raw, "first_response_at"),
            claimed_at=_float(raw, "claimed_at"),
            last_customer_at=_float(raw, "last_customer_at"),
            last_agent_at=_float(raw, "last_agent_at"),
            resolved_at=_float(raw, "resolved_at"),
            contacts=tuple(json.loads(raw.get("contacts", "[]"))),
            csat=int(csat) if csat else None,
            incident=raw.get("incident") or None,
            card_message_id=int(card) if card else None,
            unreachable=raw.get("unreachable") == "1",
            resolution=raw.get("resolution") or None,
            sla_stage=int(raw.get("sla_stage") or 0),
            breached_at=_float(raw, "breached_at"),
            log_dropped=int(raw.get("log_dropped") or 0),
            team=raw.get("team", ""),
        )

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of a ticket (CLI `--json`, reports).

        `reasons` are phrases in the customer's language, as the customer was told them;
        `reason_codes` are the stable codes behind them, for tools.
        """
        return {
            "number": self.number,
            "state": self.state.value,
            "priority": self.priority.name,
            "reasons": describe(self.reasons, self.customer.language),
            "reason_codes": [reason.to_json() for reason in self.reasons],
            "assignee": self.assignee,
            "intent": self.intent.value,
            "impact": self.impact.value if self.impact else None,
            "customer": {
                "telegram_id": self.customer.telegram_id,
                "name": self.customer.name,
                "language": self.customer.language,
                "subscriber_id": self.customer.subscriber_id,
                "tier": self.customer.effective_tier.value,
                "linked": self.customer.tier is not None,
                "region": self.customer.region,
                "account_status": self.customer.account_status,
            },
            "created_at": self.created_at,
            "due_kind": self.due_kind,
            "due_at": self.due_at,
            "first_response_due": self.first_response_due,
            "first_response_at": self.first_response_at,
            "claimed_at": self.claimed_at,
            "last_customer_at": self.last_customer_at,
            "last_agent_at": self.last_agent_at,
            "resolved_at": self.resolved_at,
            "resolution": self.resolution,
            "csat": self.csat,
            "incident": self.incident,
            "unreachable": self.unreachable,
            "breached_at": self.breached_at,
            "log_dropped": self.log_dropped,
            "team": self.team or None,
        }
