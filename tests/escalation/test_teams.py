"""Teams: the policy's groups and routes, the settings' group as the default team's, and transfers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from escalation.clock import ManualClock
from escalation.domain import Impact, Intent, State, Tier
from escalation.policy import DEFAULT_POLICY_FILE, Policy, PolicyError, load_policy
from escalation.store import TicketStore
from escalation.store_errors import IllegalTransition
from escalation.teams import IMPLICIT_TEAM, DeskTeams, TeamsError
from tests.escalation.factories import customer, report

SUPPORT_CHAT, BILLING_CHAT, PREMIUM_CHAT = -1001, -1002, -1003
TEAMS: dict[str, Any] = {
    "default": "support",
    "groups": {
        "support": {},
        "billing": {"title": "Financeiro", "chat_id": BILLING_CHAT, "agents": [21], "supervisors": [23]},
        "premium": {"chat_id": PREMIUM_CHAT, "language": "en", "agents": [31, 11]},
    },
    "routes": [
        {"team": "billing", "intent": ["billing", "cancel"]},
        {"team": "premium", "intent": ["outage"], "plan": ["premium"]},
        {"team": "premium", "region": ["São Paulo"]},
    ],
}


def policy_with(teams: dict[str, Any] | None, tmp_path: Path) -> Path:
    """The default policy file with a `teams` section."""
    raw = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    raw["teams"] = teams
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def teams_policy(tmp_path: Path) -> Policy:
    return load_policy(policy_with(TEAMS, tmp_path))


def test_routes_first_match_wins_and_unmatched_tickets_go_to_the_default_team(teams_policy: Policy) -> None:
    route = teams_policy.route_team
    assert route(Intent.BILLING, None, Tier.PREMIUM, None) == "billing"  # before the premium route
    assert route(Intent.CANCEL, None, Tier.BASIC, None) == "billing"
    assert route(Intent.OUTAGE, Impact.TOTAL, Tier.PREMIUM, None) == "premium"
    assert route(Intent.OUTAGE, Impact.TOTAL, Tier.BASIC, None) == "support"
    assert route(Intent.HUMAN, None, Tier.BASIC, "sao  paulo") == "premium"  # accents, case, spaces
    assert route(Intent.HUMAN, None, Tier.BASIC, None) == "support"


def test_an_impact_condition_never_matches_a_ticket_without_impact(tmp_path: Path) -> None:
    teams = {**TEAMS, "routes": [{"team": "premium", "impact": ["total"]}]}
    policy = load_policy(policy_with(teams, tmp_path))
    assert policy.route_team(Intent.OUTAGE, Impact.TOTAL, Tier.BASIC, None) == "premium"
    assert policy.route_team(Intent.BILLING, None, Tier.BASIC, None) == "support"


def test_a_policy_without_teams_routes_nowhere() -> None:
    assert load_policy().teams is None
    assert load_policy().route_team(Intent.BILLING, None, Tier.PREMIUM, None) == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"routes": [{"team": "sales"}]}, "teams: routes.0.team: unknown team 'sales'"),
        ({"default": "sales"}, "teams: default: 'sales' is not one of groups (support, billing, premium)"),
        (
            {"groups": {**TEAMS["groups"], "premium": {"chat_id": BILLING_CHAT, "agents": [31]}}},
            "teams: groups.premium.chat_id: -1002 is also team billing's group",
        ),
        (
            {"groups": {**TEAMS["groups"], "premium": {"agents": [31]}}},
            "teams: groups.premium: a team other than the default needs its chat_id and agents",
        ),
        (
            {"groups": {**TEAMS["groups"], "premium": {"chat_id": PREMIUM_CHAT, "agents": []}}},
            "teams: groups.premium: a team other than the default needs its chat_id and agents",
        ),
        ({"groups": {"Sales Team": {}}, "default": "Sales Team"}, "teams.groups.Sales Team.[key]"),
        ({"routes": [{"team": "billing", "plan": ["gold"]}]}, "teams.routes.0.plan.0"),
        (
            {"groups": {**TEAMS["groups"], "billing": {"chat_id": 5, "agents": [1]}}},
            "teams.groups.billing.chat_id: Input should be less than 0",
        ),
    ],
)
def test_teams_that_do_not_hold_together_are_refused_with_the_key_and_the_problem(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(PolicyError) as refused:
        load_policy(policy_with({**TEAMS, **change}, tmp_path))
    assert str(refused.value).startswith(f"policy.yaml: {message}")


def test_the_default_team_takes_the_settings_for_what_it_leaves_out(teams_policy: Policy) -> None:
    teams = DeskTeams.resolve(teams_policy.teams, SUPPORT_CHAT, [11, 12], [13], "pt")
    support, billing, premium = (teams.named(name) for name in ("support", "billing", "premium"))
    assert teams.default is support and [team.name for team in teams] == ["support", "billing", "premium"]
    assert support is not None and (
        support.chat_id,
        support.agents,
        support.supervisors,
        support.language,
    ) == (
        SUPPORT_CHAT,
        {11, 12},
        {13},
        "pt",
    )
    assert billing is not None and (billing.title, billing.language, billing.agents) == (
        "Financeiro",
        "pt",
        {21},
    )
    assert premium is not None and (premium.title, premium.language, premium.supervisors) == (
        "premium",
        "en",
        set(),
    )
    assert teams.by_chat(BILLING_CHAT) is billing and teams.by_chat(-1) is None
    assert teams.of_ticket("") is support and teams.of_ticket("gone") is support  # a team removed since
    assert teams.of_ticket("premium") is premium and teams.named(" Billing ") is billing
    assert teams.of_user(11) == [support, premium]  # an agent of two teams
    assert teams.of_user(99) == []  # configured nowhere: an agent of no team is not an error
    assert teams.agents == {11, 12, 21, 31} and teams.supervisors == {13, 23}


def test_a_team_sharing_the_settings_group_is_refused(teams_policy: Policy) -> None:
    with pytest.raises(TeamsError, match="billing and support share the agents' group -1002"):
        DeskTeams.resolve(teams_policy.teams, BILLING_CHAT, [11], [], "pt")


def test_without_teams_the_desk_is_one_implicit_team_in_its_group() -> None:
    teams = DeskTeams.resolve(None, SUPPORT_CHAT, [11], [13], "es")
    assert len(teams) == 1 and teams.default.name == IMPLICIT_TEAM
    assert (teams.default.chat_id, teams.default.language, teams.of_ticket("").agents) == (
        SUPPORT_CHAT,
        "es",
        {11},
    )


@pytest.fixture
def team_store(store: TicketStore, teams_policy: Policy) -> TicketStore:
    """The test's store on the policy with teams."""
    return TicketStore(store.redis, store.keys, teams_policy, store.sla, store.clock)


@pytest.mark.cluster
async def test_a_new_ticket_records_the_team_its_route_chose_and_a_reopen_keeps_it(
    team_store: TicketStore, teams_policy: Policy, clock: ManualClock
) -> None:
    billing = await report(team_store, teams_policy, customer(1), "cobrança duplicada", Intent.BILLING, None)
    outage = await report(team_store, teams_policy, customer(2, Tier.PREMIUM))
    basic = await report(team_store, teams_policy, customer(3, Tier.BASIC))
    assert (billing.ticket.team, outage.ticket.team, basic.ticket.team) == ("billing", "premium", "support")
    assert (await team_store.get(outage.ticket.number)).to_json()["team"] == "premium"
    await team_store.transfer(billing.ticket.number, 7, "support")
    await team_store.resolve(billing.ticket.number, 7)
    clock.advance(60)
    again = await report(team_store, teams_policy, customer(1), "ainda cobrado", Intent.BILLING, None)
    assert again.ticket.number == billing.ticket.number and again.ticket.team == "support"


@pytest.mark.cluster
async def test_a_transfer_releases_the_holder_drops_the_card_keeps_the_wait_and_is_audited(
    team_store: TicketStore, teams_policy: Policy
) -> None:
    ticket = (await report(team_store, teams_policy, customer(2, Tier.PREMIUM))).ticket
    await team_store.set_card(ticket.number, 555)
    await team_store.claim(ticket.number, 31)
    moved = await team_store.transfer(ticket.number, 31, "support")

    assert (moved.before.team, moved.before.card_message_id, moved.before.assignee) == ("premium", 555, 31)
    after = moved.after
    assert (after.team, after.state, after.assignee, after.card_message_id) == (
        "support",
        State.OPEN,
        None,
        None,
    )
    assert (after.due_at, after.priority, after.created_at) == (
        ticket.due_at,
        ticket.priority,
        ticket.created_at,
    )
    assert await team_store.queue_position(ticket.number) == 1
    logged = (await team_store.log(ticket.number))[-1]
    assert (logged["event"], logged["actor"], logged["from"], logged["to"]) == (
        "transferred",
        "agent:31",
        "premium",
        "support",
    )
    audit = await team_store.redis.xrange(team_store.keys.audit)
    assert audit[-1][1]["event"] == "transferred" and audit[-1][1]["actor"] == "agent:31"


@pytest.mark.cluster
async def test_a_transfer_to_its_own_team_or_of_a_resolved_ticket_is_refused(
    team_store: TicketStore, teams_policy: Policy
) -> None:
    ticket = (await report(team_store, teams_policy, customer(2, Tier.PREMIUM))).ticket
    with pytest.raises(IllegalTransition) as same:
        await team_store.transfer(ticket.number, 31, "premium")
    assert same.value.state == "same_team"
    await team_store.resolve(ticket.number, 31)
    with pytest.raises(IllegalTransition) as resolved:
        await team_store.transfer(ticket.number, 31, "support")
    assert resolved.value.state == State.RESOLVED.value
