"""The priority engine: one place that turns a situation into a priority with its reasons.

Inputs are what triage detected (intent, impact, urgency) and the plan tier from the customer
directory, never what a customer says about their own plan. Triage and the store both call
`assess`, so the CLI's `priority` and a real ticket's priority cannot drift apart.
"""

from __future__ import annotations

from escalation.domain import Assessment, Impact, Intent, Reason, ReasonCode, Tier
from escalation.policy import Policy

_SITUATION_REASON = {
    "outage_total": ReasonCode.OUTAGE_TOTAL,
    "outage_partial": ReasonCode.OUTAGE_PARTIAL,
    "cancel": ReasonCode.CANCEL,
    "billing": ReasonCode.BILLING,
}


def situation(intent: Intent, impact: Impact | None) -> str:
    """The policy's situation key for an intent and impact (`other` for everything non-urgent)."""
    if intent is Intent.OUTAGE:
        return "outage_partial" if impact is Impact.PARTIAL else "outage_total"
    if intent is Intent.CANCEL:
        return "cancel"
    if intent is Intent.BILLING:
        return "billing"
    return "other"


def assess(
    policy: Policy,
    intent: Intent,
    impact: Impact | None,
    tier: Tier | None,
    *,
    urgent: bool = False,
    account_active: bool = True,
) -> Assessment:
    """Priority and reasons for a message; `tier=None` means the customer is not in the directory.

    A subscriber whose account is not active (suspended, cancelled, expired) counts as basic,
    whatever `tier` says, and the reasons say why.
    """
    rules = policy.priority
    key = situation(intent, impact)
    reason = _SITUATION_REASON.get(key) or (
        ReasonCode.HUMAN if intent is Intent.HUMAN else ReasonCode.INFORMATION
    )
    result = Assessment(rules.base[key], (Reason(reason),))
    effective_tier = tier if tier and account_active else Tier.BASIC
    if tier is None:
        result = Assessment(result.priority, (*result.reasons, Reason(ReasonCode.UNLINKED)))
    elif not account_active:
        result = Assessment(result.priority, (*result.reasons, Reason(ReasonCode.ACCOUNT_INACTIVE)))
    raise_by = rules.tier_raise.get(effective_tier, 0)
    if raise_by:
        result = result.raised(Reason(ReasonCode.PLAN_TIER, effective_tier.value), raise_by)
    if urgent and rules.urgency_raise:
        result = result.raised(Reason(ReasonCode.URGENCY), rules.urgency_raise)
    return result
