"""The desk's teams as they run: each team's group, agents, supervisors and language.

The policy's `teams` section (`escalation.policy.Teams`) says which teams exist and which tickets
go where; the settings give the first group (AGENTS_CHAT_ID, AGENT_IDS, SUPERVISOR_IDS,
AGENTS_LANGUAGE), which the default team takes for what it leaves out. A desk without a `teams`
section is one implicit team in that group, as it always was. A ticket records its team's name;
a name the policy no longer has (a team removed) is the default team's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from escalation.policy import Teams as TeamsPolicy

IMPLICIT_TEAM = "default"


def _given(value: list[int] | None, fallback: Iterable[int]) -> Iterable[int]:
    """The policy's list when it gives one (even empty), else the fallback."""
    return value if value is not None else fallback


class TeamsError(Exception):
    """The teams of the policy and the settings disagree; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class Team:
    """One team: its agents' group (None: no group configured), its people and their language."""

    name: str
    title: str
    chat_id: int | None
    language: str
    agents: frozenset[int]
    supervisors: frozenset[int]

    def is_staff(self, user_id: int) -> bool:
        """A configured agent or supervisor of this team."""
        return user_id in self.agents or user_id in self.supervisors


class DeskTeams:
    """Every team of the desk; the first is the default team (where unrouted tickets go)."""

    def __init__(self, teams: Iterable[Team]) -> None:
        self.teams = tuple(teams)
        self._by_name = {team.name: team for team in self.teams}
        self._by_chat = {team.chat_id: team for team in self.teams if team.chat_id is not None}

    @classmethod
    def single(
        cls, chat_id: int | None, agents: Iterable[int], supervisors: Iterable[int], language: str
    ) -> DeskTeams:
        """The implicit team of a desk with one agents' group."""
        return cls(
            [Team(IMPLICIT_TEAM, IMPLICIT_TEAM, chat_id, language, frozenset(agents), frozenset(supervisors))]
        )

    @classmethod
    def resolve(
        cls,
        policy: TeamsPolicy | None,
        chat_id: int | None,
        agents: Iterable[int],
        supervisors: Iterable[int],
        language: str,
    ) -> DeskTeams:
        """The policy's teams with the settings filled in for the default team; TeamsError if they clash."""
        if policy is None:
            return cls.single(chat_id, agents, supervisors, language)
        built = []
        for name, group in policy.groups.items():
            default = name == policy.default  # the default team falls back on the settings
            built.append(
                Team(
                    name=name,
                    title=group.title or name,
                    chat_id=group.chat_id if group.chat_id is not None or not default else chat_id,
                    language=group.language or language,
                    agents=frozenset(_given(group.agents, agents if default else ())),
                    supervisors=frozenset(_given(group.supervisors, supervisors if default else ())),
                )
            )
        built.sort(key=lambda team: team.name != policy.default)
        chats: dict[int, str] = {}
        for team in built:
            if team.chat_id is not None and chats.setdefault(team.chat_id, team.name) != team.name:
                raise TeamsError(
                    f"teams: {team.name} and {chats[team.chat_id]} share the agents' group {team.chat_id} "
                    "(AGENTS_CHAT_ID is the default team's group); give each team its own group"
                )
        return cls(built)

    def __iter__(self) -> Iterator[Team]:
        return iter(self.teams)

    def __len__(self) -> int:
        return len(self.teams)

    @property
    def default(self) -> Team:
        """The team unrouted tickets go to; incidents, handovers and FAQ proposals live in its group."""
        return self.teams[0]

    def named(self, name: str) -> Team | None:
        """The team called `name` (as `/transfer` names it), or None."""
        return self._by_name.get(name.strip().lower())

    def of_ticket(self, team: str) -> Team:
        """A ticket's team from the name it records ("" or a name gone from the policy: the default)."""
        return self._by_name.get(team, self.default)

    def by_chat(self, chat_id: int) -> Team | None:
        """The team whose agents' group this chat is."""
        return self._by_chat.get(chat_id)

    def of_user(self, user_id: int) -> list[Team]:
        """The teams a person is configured in (agent or supervisor)."""
        return [team for team in self.teams if team.is_staff(user_id)]

    @property
    def agents(self) -> frozenset[int]:
        """Every configured agent of every team."""
        return frozenset().union(*(team.agents for team in self.teams))

    @property
    def supervisors(self) -> frozenset[int]:
        """Every configured supervisor of every team."""
        return frozenset().union(*(team.supervisors for team in self.teams))
