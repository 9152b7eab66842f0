"""The desk policy: SLA targets, business hours, plan tiers, priority rules and lexicons.

A manager edits `policy.yaml` (or the file named by POLICY_FILE) without touching code. Loading
validates everything strictly; a mistake fails with the key path and what was expected, e.g.
`policy.yaml: sla.P1.first_response: expected a duration like 90s, 15m, 4h or 1d`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from escalation.calendar import BusinessCalendar
from escalation.domain import Impact, Intent, Priority, Tier

DEFAULT_POLICY_FILE = Path(__file__).with_name("policy.yaml")
LANGUAGES = ("pt", "en", "es")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def parse_duration(value: object) -> float:
    """`90s`, `15m`, `4h`, `1d` (or a number of seconds) to seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if not match or float(match.group(1)) <= 0:
        raise ValueError("expected a duration like 90s, 15m, 4h or 1d")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


Duration = Annotated[float, BeforeValidator(parse_duration)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlaTarget(_Strict):
    """The three promises for one priority, and which clock measures them."""

    first_response: Duration
    next_response: Duration
    resolution: Duration
    clock: Literal["always", "business"] = "always"


class BusinessHours(_Strict):
    """Weekly opening hours (`mon: ["09:00-18:00"]`) and closed dates, in one time zone."""

    timezone: str | None = None
    weekly: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[str]]
    holidays: list[date] = Field(default_factory=list)

    @field_validator("weekly")
    @classmethod
    def _valid_hours(cls, weekly: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, spans in weekly.items():
            for span in spans:
                match = _HOURS.match(span)
                if not match:
                    raise ValueError(f"{day}: expected spans like 09:00-18:00, got {span!r}")
                opens, closes = parse_span(span)
                if closes != time(0) and closes <= opens:
                    raise ValueError(f"{day}: {span} closes before it opens")
        return weekly


def parse_span(text: str) -> tuple[time, time]:
    """`08:00-14:00` to opening and closing times (`24:00` closes at midnight)."""
    h1, m1, h2, m2 = (int(part) for part in _HOURS.match(text).groups())  # type: ignore[union-attr]
    return time(h1, m1), time(0) if (h2, m2) in ((24, 0), (0, 0)) else time(h2, m2)


class Escalation(_Strict):
    """What happens around a breach: the ladder of pings and the claim timeout."""

    warnings: list[Annotated[float, Field(gt=0, lt=1)]] = Field(default_factory=lambda: [0.5, 0.8])
    renotify: Duration = 600.0
    loops: int = Field(default=3, ge=0, le=100)
    claim_timeout: Duration = 900.0
    breach_raises_priority: bool = True


class Shift(_Strict):
    """One recurring on-call shift: these agents, on these weekdays, between these hours."""

    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    hours: str = "00:00-24:00"
    agents: list[int] = Field(min_length=1)

    @field_validator("hours")
    @classmethod
    def _valid_span(cls, value: str) -> str:
        if not _HOURS.match(value):
            raise ValueError(f"expected hours like 08:00-14:00, got {value!r}")
        return value


class OnCall(_Strict):
    """The weekly rotation (in TIMEZONE); empty means every agent is always on call."""

    rotation: list[Shift] = Field(default_factory=list)


class Summaries(_Strict):
    """When managers get the backlog summary: cron expressions in TIMEZONE."""

    cron: list[str] = Field(default_factory=lambda: ["0 9 * * *", "0 18 * * *"])


class Agents(_Strict):
    """How agents are named to colleagues, managers and customers.

    An alias (`2001: "Ana (N1)"`) wins over the name Telegram gives; without one, agents are called
    by their Telegram name, learned from what they send or from the group's member list.
    """

    aliases: dict[int, Annotated[str, Field(min_length=1, max_length=64)]] = Field(default_factory=dict)


class PriorityRules(_Strict):
    """Base priority per situation, and the raises on top of it."""

    base: dict[Literal["outage_total", "outage_partial", "cancel", "billing", "other"], Priority]
    tier_raise: dict[Tier, Annotated[int, Field(ge=0, le=3)]]
    urgency_raise: int = Field(default=1, ge=0, le=3)
    repeat_contact_count: int = Field(default=3, ge=2)
    repeat_contact_window: Duration = 86400.0
    repeat_contact_gap: Duration = 300.0

    @field_validator("base", mode="before")
    @classmethod
    def _parse_priorities(cls, value: object) -> object:
        if isinstance(value, dict):
            return {key: Priority.parse(str(raw)) for key, raw in value.items()}
        return value


class Incidents(_Strict):
    """When many subscribers report an outage at once, the desk handles it as one incident.

    `min_reports` distinct subscribers within `window` open one; `per_region` and `per_channel`
    also count reports per directory region and per channel named in the message (from
    `channels`), so a local or one-channel outage opens its own incident. The incident card is
    edited at most once per `card_interval` (plus one trailing edit), whatever the storm.
    Anyone can open a Telegram account, so reports from accounts the directory does not know
    count only once `min_known` of the window's reporters are known subscribers: five strangers
    open nothing, while a real outage reported mostly by unlinked subscribers still does.
    """

    min_reports: int = Field(default=5, ge=2)
    min_known: int = Field(default=2, ge=1)
    window: Duration = 600.0
    per_region: bool = True
    per_channel: bool = True
    card_interval: Duration = 30.0
    channels: list[str] = Field(default_factory=list)


TEAM_NAME = r"^[a-z0-9_-]{1,20}$"


class TeamGroup(_Strict):
    """One team: its agents' group, its people and the language of what they read.

    The default team may leave any field out: it then takes AGENTS_CHAT_ID, AGENT_IDS,
    SUPERVISOR_IDS and AGENTS_LANGUAGE, so a desk that adds a team keeps its first group as it is.
    Every other team names its group and its agents (only configured agents act as agents).
    """

    title: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    chat_id: Annotated[int, Field(lt=0)] | None = None
    language: Literal["pt", "en", "es"] | None = None
    agents: list[int] | None = None
    supervisors: list[int] | None = None


class Route(_Strict):
    """A routing rule: every condition it names must hold (a list matches any of its values).

    The plan tier and the region come from the customer directory, never from the customer's
    words; an unknown customer is basic and has no region.
    """

    team: str
    intent: list[Intent] = Field(default_factory=list)
    impact: list[Impact] = Field(default_factory=list)
    plan: list[Tier] = Field(default_factory=list)
    region: list[str] = Field(default_factory=list)

    def matches(self, intent: Intent, impact: Impact | None, tier: Tier, region: str | None) -> bool:
        """Whether a ticket of this situation and customer falls under the rule."""
        regions = {plan_key(name) for name in self.region}
        return (
            (not self.intent or intent in self.intent)
            and (not self.impact or impact in self.impact)
            and (not self.plan or tier in self.plan)
            and (not regions or (region is not None and plan_key(region) in regions))
        )


class Teams(_Strict):
    """Several agents' groups, each a team, and which tickets go to which (first matching route)."""

    default: str
    groups: dict[Annotated[str, Field(pattern=TEAM_NAME)], TeamGroup] = Field(min_length=1)
    routes: list[Route] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Teams:
        if self.default not in self.groups:
            raise ValueError(f"default: {self.default!r} is not one of groups ({', '.join(self.groups)})")
        for index, route in enumerate(self.routes):
            if route.team not in self.groups:
                raise ValueError(f"routes.{index}.team: unknown team {route.team!r}")
        seen: dict[int, str] = {}
        for name, group in self.groups.items():
            if name != self.default and (group.chat_id is None or not group.agents):
                raise ValueError(f"groups.{name}: a team other than the default needs its chat_id and agents")
            if group.chat_id is not None and seen.setdefault(group.chat_id, name) != name:
                raise ValueError(
                    f"groups.{name}.chat_id: {group.chat_id} is also team {seen[group.chat_id]}'s group"
                )
        return self

    def route(self, intent: Intent, impact: Impact | None, tier: Tier, region: str | None) -> str:
        """The team a new ticket goes to: the first route that matches, else the default team."""
        return next(
            (route.team for route in self.routes if route.matches(intent, impact, tier, region)), self.default
        )


class Policy(_Strict):
    """The whole policy file, validated."""

    sla: dict[Literal["P1", "P2", "P3", "P4"], SlaTarget]
    business_hours: BusinessHours
    escalation: Escalation = Field(default_factory=Escalation)
    reopen_window: Duration = 86400.0
    oncall: OnCall = Field(default_factory=OnCall)
    agents: Agents = Field(default_factory=Agents)
    teams: Teams | None = None
    summaries: Summaries = Field(default_factory=Summaries)
    plans: dict[str, Tier]
    priority: PriorityRules
    incidents: Incidents = Field(default_factory=Incidents)
    lexicons: dict[Literal["pt", "en", "es"], dict[str, list[str]]] = Field(default_factory=dict)
    _plan_index: dict[str, Tier] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Policy:
        missing = [p.name for p in Priority if p.name not in self.sla]
        if missing:
            raise ValueError(f"sla: missing {', '.join(missing)}")
        if set(self.priority.base) != {"outage_total", "outage_partial", "cancel", "billing", "other"}:
            raise ValueError("priority.base: needs outage_total, outage_partial, cancel, billing and other")
        for name, tier in self.plans.items():
            key = plan_key(name)
            if self._plan_index.setdefault(key, tier) is not tier:
                raise ValueError(f"plans: {name!r} is another spelling of a plan mapped to another tier")
        return self

    def route_team(self, intent: Intent, impact: Impact | None, tier: Tier, region: str | None) -> str:
        """The team a new ticket goes to ("" on a desk of one team, the agents' group)."""
        return self.teams.route(intent, impact, tier, region) if self.teams is not None else ""

    def target(self, priority: Priority) -> SlaTarget:
        """The SLA promises for a priority (keys stay `P1`..`P4` as written, for clear error paths)."""
        return self.sla[priority.name]  # type: ignore[index]

    def tier_of(self, plan: str | None) -> Tier | None:
        """The tier a directory plan name maps to, or None when the policy does not name it.

        Case, accents and spacing are ignored ("PREMIUM", "Padrao", "básico" match "premium",
        "padrão", "basico"), nothing more: a plan that is not listed ("Premium Anual") is not
        guessed at, since the tier decides priority; the directory warns and counts it as basic.
        """
        return self._plan_index.get(plan_key(plan)) if plan else None

    def calendar(self, default_timezone: str) -> BusinessCalendar:
        """The business calendar, in the policy's time zone or else `default_timezone`."""
        hours = self.business_hours
        weekly = {WEEKDAYS.index(day): [parse_span(s) for s in spans] for day, spans in hours.weekly.items()}
        return BusinessCalendar(hours.timezone or default_timezone, weekly, frozenset(hours.holidays))


def plan_key(name: str) -> str:
    """A plan name as the policy compares it: case, accents and runs of spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


class PolicyError(Exception):
    """The policy file is invalid; the message names the file, the key path and the problem."""


def load_policy(path: Path | str | None = None) -> Policy:
    """Read and validate a policy file (the packaged default when `path` is None)."""
    source = Path(path) if path else DEFAULT_POLICY_FILE
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"{source}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise PolicyError(f"{source}: not UTF-8 text (line {line}); save POLICY_FILE as UTF-8") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: expected a mapping at the top level")
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        raise PolicyError(f"{source.name}: {where}: {message}") from None
    uses_business = any(target.clock == "business" for target in policy.sla.values())
    if uses_business and not any(policy.business_hours.weekly.values()):
        raise PolicyError(f"{source.name}: business_hours.weekly: empty, but an SLA uses the business clock")
    return policy
