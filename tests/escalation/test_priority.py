"""The priority engine gives exactly the table of the default policy, with its reasons."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalation.domain import Impact, Intent, Priority, ReasonCode, Tier
from escalation.policy import Policy
from escalation.priority import assess

TABLE = [
    (Intent.OUTAGE, Impact.TOTAL, ("P2", "P2", "P1")),
    (Intent.OUTAGE, Impact.PARTIAL, ("P3", "P3", "P2")),
    (Intent.CANCEL, None, ("P2", "P2", "P1")),
    (Intent.BILLING, None, ("P3", "P3", "P2")),
    (Intent.HUMAN, None, ("P4", "P4", "P3")),
    (Intent.FAQ, None, ("P4", "P4", "P3")),
    (Intent.GREETING, None, ("P4", "P4", "P3")),
    (Intent.UNKNOWN, None, ("P4", "P4", "P3")),
]


@pytest.mark.parametrize(("intent", "impact", "expected"), TABLE)
def test_default_policy_table(
    policy: Policy, intent: Intent, impact: Impact | None, expected: tuple[str, str, str]
) -> None:
    got = tuple(
        assess(policy, intent, impact, tier).priority.name
        for tier in (Tier.BASIC, Tier.STANDARD, Tier.PREMIUM)
    )
    assert got == expected
    assert assess(policy, intent, impact, None).priority.name == expected[0]


def test_reasons_name_the_situation_the_plan_and_urgency(policy: Policy) -> None:
    result = assess(policy, Intent.OUTAGE, Impact.TOTAL, Tier.PREMIUM, urgent=True)
    assert [r.code for r in result.reasons] == [
        ReasonCode.OUTAGE_TOTAL,
        ReasonCode.PLAN_TIER,
        ReasonCode.URGENCY,
    ]
    unlinked = assess(policy, Intent.BILLING, None, None)
    assert [r.code for r in unlinked.reasons] == [ReasonCode.BILLING, ReasonCode.UNLINKED]


@given(
    intent=st.sampled_from(list(Intent)),
    impact=st.sampled_from([None, *Impact]),
    tier=st.sampled_from([None, *Tier]),
)
def test_urgency_raises_exactly_one_level_never_past_p1(
    intent: Intent, impact: Impact | None, tier: Tier | None
) -> None:
    from escalation.policy import load_policy

    policy = load_policy()
    calm = assess(policy, intent, impact, tier).priority
    urgent = assess(policy, intent, impact, tier, urgent=True).priority
    assert urgent == Priority(max(1, calm.value - 1))
