"""What every handler needs, bundled once at start-up by the application (`bot.app`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from escalation.clock import Clock
from escalation.desk_state import DeskState
from escalation.directory import CustomerDirectory
from escalation.policy import Policy
from escalation.store import TicketStore
from escalation.teams import DeskTeams, Team
from escalation.ticket import Ticket
from faq.triage import Triage
from handlers.callbacks import CallbackCodec
from handlers.canned import CannedReplies
from handlers.messenger import Sender


@dataclass(frozen=True, slots=True)
class DeskConfig:
    """The settings handlers act on (built from `bot.config.Settings`, which handlers never import).

    `bot_username` comes from getMe at start-up: commands addressed to another bot are ignored.
    `agents_topics`: the agents' group is a forum worked a topic per customer (AGENTS_TOPICS,
    `handlers.topics`).
    `team_setup` holds the desk's teams (None: one implicit team made of the agents' fields);
    `team` names the team this configuration acts for ("" for the desk as a whole, whose agents'
    fields are the default team's).
    """

    agents_chat_id: int | None
    agent_ids: frozenset[int]
    supervisor_ids: frozenset[int]
    manager_chat_ids: frozenset[int]
    default_language: str = "pt"
    agents_language: str = "pt"
    timezone: str = "America/Sao_Paulo"
    sla_tick_seconds: float = 15.0
    bot_username: str = ""
    agents_topics: bool = False
    team_setup: DeskTeams | None = None
    team: str = ""

    @property
    def teams(self) -> DeskTeams:
        """The desk's teams: the configured ones, or the one team of the agents' group."""
        if self.team_setup is not None:
            return self.team_setup
        return DeskTeams.single(
            self.agents_chat_id, self.agent_ids, self.supervisor_ids, self.agents_language
        )

    @property
    def own_team(self) -> Team:
        """The team this configuration acts for (the default team for the desk as a whole)."""
        return self.teams.of_ticket(self.team)


@dataclass(frozen=True, slots=True)
class HandlerContext:
    """The desk's services, shared by the customer, agent and manager handlers."""

    config: DeskConfig
    policy: Policy
    store: TicketStore
    state: DeskState
    triage: Triage
    directory: CustomerDirectory | None
    sender: Sender
    codec: CallbackCodec
    clock: Clock
    canned: CannedReplies = field(default_factory=CannedReplies.load)

    def for_team(self, team: Team) -> HandlerContext:
        """This context as one team sees it: its group, agents, supervisors and language.

        Handlers written for "the agents' group" act for that team through it unchanged.
        """
        config = replace(
            self.config,
            agents_chat_id=team.chat_id,
            agent_ids=team.agents,
            supervisor_ids=team.supervisors,
            agents_language=team.language,
            team_setup=self.config.teams,
            team=team.name,
        )
        return replace(self, config=config)

    def for_ticket(self, ticket: Ticket) -> HandlerContext:
        """This context as the ticket's team sees it (its card, relays and pings go to that group)."""
        if self.config.team_setup is None:
            return self  # one team: the desk's context is already its context
        return self.for_team(self.config.teams.of_ticket(ticket.team))
