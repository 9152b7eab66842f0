"""Mass incidents: many subscribers reporting the same outage become one incident.

In IPTV an outage is rarely one customer's: a source goes down and hundreds write within minutes.
Every outage report is counted (`lua/incident.lua`) in a sliding window per scope of its kind:
a channel named in the message (`channel:<c>`, with `per_channel`); for a total outage, also the
subscriber's directory region (`region:<r>`, with `per_region`) and `global`. A partial fault
naming no channel (buffering, one device) counts nowhere: such reports are too unlike each other
to be one outage. When `incidents.min_reports` distinct subscribers with a ticket still
unresolved reported within `incidents.window`, `incidents.min_known` of them known to the
directory (anyone can open Telegram accounts), exactly one incident opens, however many workers
count at once; later reports of its scope and kind join it. Only tickets still waiting for an
agent are linked: a claimed ticket stays with its holder. Linking a ticket to its incident is a
ticket transition (`TicketStore.link_incident`), so the audit log stays complete; this module
keeps only the incident's own state, all in Redis.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from escalation.clock import Clock, SystemClock, seconds_text
from escalation.domain import Impact, Tier
from escalation.effects import EFFECTS_TTL_S, current_scope, effect_name
from escalation.keys import Keys
from escalation.policy import Incidents as IncidentRules
from escalation.ticket import Ticket

_SCRIPT = (Path(__file__).with_name("lua") / "incident.lua").read_text()
GLOBAL = "global"
OPEN, RESOLVED = "open", "resolved"


@dataclass(frozen=True, slots=True)
class ResolveAsked:
    """A resolution asked for and not yet confirmed: who asked, the text for subscribers, and how
    many waiting tickets it would close when it was asked."""

    agent: int
    text: str
    closes: int


@dataclass(frozen=True, slots=True)
class Incident:
    """A snapshot of one incident's hash.

    `card_shown` is the affected count the card showed at its last delivered post or edit
    (None before any): the card is behind when it differs from `affected`.
    """

    id: int
    title: str
    scope: str
    status: str
    opened_at: float
    first_status_at: float | None
    resolved_at: float | None
    affected: int
    premium: int
    regions: dict[str, int]
    channels: dict[str, int]
    card_message_id: int | None
    status_text: str | None
    resolve_asked: ResolveAsked | None = None
    card_shown: int | None = None

    @property
    def card_behind(self) -> bool:
        """Posted, and its last delivered version counted fewer (or more) reports than there are."""
        return self.card_message_id is not None and self.card_shown != self.affected

    @property
    def label(self) -> str:
        """The human incident id, `I<n>` (distinct from ticket numbers `#<n>`)."""
        return f"I{self.id}"

    @property
    def is_open(self) -> bool:
        """Still being worked on."""
        return self.status == OPEN

    def duration(self, now: float) -> float:
        """Seconds from opening to resolution (or to `now` while open)."""
        return (self.resolved_at or now) - self.opened_at

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> Incident:
        """Parse the Redis hash; `region:<r>` and `channel:<c>` fields count what reports named."""

        def named(kind: str) -> dict[str, int]:
            return {k.split(":", 1)[1]: int(v) for k, v in raw.items() if k.startswith(f"{kind}:")}

        def moment(field: str) -> float | None:
            value = raw.get(field)
            return float(value) if value else None

        card = raw.get("card_message_id")
        shown = raw.get("card_shown")
        return cls(
            id=int(raw["id"]),
            title=raw.get("title", ""),
            scope=raw.get("scope", GLOBAL),
            status=raw.get("status", OPEN),
            opened_at=float(raw["opened_at"]),
            first_status_at=moment("first_status_at"),
            resolved_at=moment("resolved_at"),
            affected=int(raw.get("affected", "0")),
            premium=int(raw.get("premium", "0")),
            regions=named("region"),
            channels=named("channel"),
            card_message_id=int(card) if card else None,
            status_text=raw.get("status_text") or None,
            resolve_asked=ResolveAsked(
                int(raw["resolve_by"]), raw.get("resolve_text", ""), int(raw.get("resolve_count", "0"))
            )
            if raw.get("resolve_by")
            else None,
            card_shown=int(shown) if shown else None,
        )

    def to_json(self, now: float) -> dict[str, Any]:
        """The summary's shape of an incident (`Report.incidents`)."""
        return {
            "id": self.id,
            "title": self.title,
            "scope": self.scope,
            "status": self.status,
            "opened_at": self.opened_at,
            "resolved_at": self.resolved_at,
            "duration_s": round(self.duration(now), 1),
            "affected": self.affected,
            "premium": self.premium,
            "first_status_s": None
            if self.first_status_at is None
            else round(self.first_status_at - self.opened_at, 1),
        }


@dataclass(frozen=True, slots=True)
class Detection:
    """What one outage report did: the incident it belongs to (if any) and the tickets newly linked.

    `incident` is as the report left it (read in the same script, so a flood of reports costs
    no extra read each). `opened` is True for exactly one report per incident: the one that
    crossed the threshold.
    """

    incident: Incident | None
    opened: bool
    linked: tuple[int, ...]

    @property
    def incident_id(self) -> int | None:
        """The incident's id, or None when the report opened or joined none."""
        return self.incident.id if self.incident is not None else None


class IncidentError(Exception):
    """An incident action was refused: `reason` is `missing` or `not_open`, `label` the incident.

    The agents' handler words it in their language; the message is for logs.
    """

    def __init__(self, reason: str, label: str) -> None:
        super().__init__(f"incident {label}: {reason}")
        self.reason = reason
        self.label = label


def _fold(text: str) -> str:
    """Lower case without accents, so "Globo" and "glóbo" name the same channel."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class IncidentStore:
    """Detection, incidents and their linked tickets, for one desk namespace."""

    def __init__(self, redis: Redis, keys: Keys, rules: IncidentRules, clock: Clock | None = None) -> None:
        self.redis = redis
        self.keys = keys
        self.rules = rules
        self.clock = clock or SystemClock()
        self._script = redis.register_script(_SCRIPT)
        names = sorted({_fold(name) for name in rules.channels}, key=len, reverse=True)
        self._channels = (
            re.compile(r"\b(" + "|".join(re.escape(name) for name in names) + r")\b") if names else None
        )

    def channel_in(self, text: str) -> str | None:
        """The first channel of the policy's list named in a message (whole words), if any."""
        if self._channels is None:
            return None
        match = self._channels.search(_fold(text))
        return match.group(1) if match else None

    def scopes(self, region: str | None, channel: str | None, impact: Impact | None) -> list[str]:
        """The scopes a report counts in, most specific first; `global` last when it counts there.

        Only reports of one kind count together: a channel named counts for that channel, and
        only a total outage counts for its region and for everyone, so a burst about one
        channel plus an unrelated "app won't open" is no outage of everyone. The script checks
        the most specific scope first, so five reports from one city open that city's
        incident, and those reports leave the global window: a later report from elsewhere
        does not turn them into an outage of everyone.
        """
        scopes = []
        if channel and self.rules.per_channel:
            scopes.append(f"channel:{channel}")
        if impact is Impact.TOTAL:
            if region and self.rules.per_region:
                scopes.append(f"region:{region}")
            scopes.append(GLOBAL)
        return scopes

    async def report(self, ticket: Ticket, channel: str | None) -> Detection:
        """Count an outage report; join or open an incident. One script, so exactly one opens."""
        customer = ticket.customer
        region = (customer.region or "").replace("|", "/")
        scopes = self.scopes(region or None, channel, ticket.impact)
        if not scopes:
            return Detection(None, False, ())
        record = "|".join(
            (
                str(ticket.number),
                str(int(ticket.priority)),
                "1" if customer.tier is Tier.PREMIUM else "0",
                region,
                channel or "",
                "1" if customer.subscriber_id else "0",
            )
        )
        raw = await self._script(
            keys=[self.keys.route],
            args=[
                "report",
                self.keys.prefix,
                seconds_text(self.clock.now()),
                seconds_text(self.rules.window),
                self.rules.min_reports,
                customer.telegram_id,
                record,
                json.dumps(scopes),
                self.rules.min_known,
                *self._effect(),
            ],
        )
        status = raw[0]
        if status == "none":
            return Detection(None, False, ())
        fields = iter(raw[3])
        incident = Incident.from_hash(dict(zip(fields, fields, strict=True)))
        return Detection(incident, status == "opened", tuple(int(n) for n in raw[2]))

    async def open(self, title: str, scope: str = GLOBAL) -> tuple[Incident, bool, tuple[int, ...]]:
        """Open an incident by hand: (it, True, the waiting tickets of the scope's window, linked
        as when reports open it), or (the scope's open incident, False, ()) if there already is one.
        """
        status, incident_id, linked = await self._script(
            keys=[self.keys.route],
            args=["open", self.keys.prefix, seconds_text(self.clock.now()), scope, title, *self._effect()],
        )
        return await self.get(int(incident_id)), status == "opened", tuple(int(n) for n in linked)

    async def get(self, incident_id: int) -> Incident:
        """The incident, or IncidentError."""
        raw = await self.redis.hgetall(self.keys.incident(incident_id))
        if not raw:
            raise IncidentError("missing", f"I{incident_id}")
        return Incident.from_hash(raw)

    async def get_many(self, ids: Sequence[int]) -> list[Incident]:
        """Several incidents in one round trip (missing ones skipped)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for incident_id in ids:
                pipe.hgetall(self.keys.incident(incident_id))
            rows = await pipe.execute()
        return [Incident.from_hash(row) for row in rows if row]

    async def list_open(self) -> list[Incident]:
        """Open incidents, newest first."""
        ids = {int(i) for i in (await self.redis.hgetall(self.keys.incidents_open)).values()}
        return sorted(await self.get_many(sorted(ids)), key=lambda inc: -inc.id)

    async def recent(self, limit: int = 10) -> list[Incident]:
        """The latest incidents, open or resolved, newest first."""
        ids = await self.redis.zrevrange(self.keys.incidents, 0, limit - 1)
        return await self.get_many([int(i) for i in ids])

    async def between(self, since: float, until: float, limit: int = 50) -> list[Incident]:
        """Incidents opened before `until` and not resolved before `since` (open or active in it)."""
        ids = await self.redis.zrevrangebyscore(self.keys.incidents, until, "-inf", start=0, num=limit)
        found = await self.get_many([int(i) for i in ids])
        return sorted(
            (inc for inc in found if inc.resolved_at is None or inc.resolved_at >= since),
            key=lambda inc: inc.opened_at,
        )

    async def tickets(self, incident_id: int) -> list[int]:
        """Linked ticket numbers, highest priority first (the order updates go out)."""
        return [int(n) for n in await self.redis.zrange(self.keys.incident_tickets(incident_id), 0, -1)]

    async def premium_named(self, incident_id: int) -> list[int]:
        """The first premium tickets linked (a few, in linking order): the card names them."""
        return [int(n) for n in await self.redis.lrange(self.keys.incident_premium(incident_id), 0, -1)]

    async def set_status(self, incident_id: int, text: str) -> Incident:
        """The latest status for subscribers; the first one is what "time to first status" measures."""
        incident = await self.get(incident_id)
        if not incident.is_open:
            raise IncidentError("not_open", incident.label)
        now = seconds_text(self.clock.now())
        key = self.keys.incident(incident_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"status_text": text, "status_at": now})
            pipe.hsetnx(key, "first_status_at", now)
            await pipe.execute()
        return await self.get(incident_id)

    async def ask_resolve(self, incident_id: int, agent: int, text: str, closes: int) -> Incident:
        """Remember a resolution waiting for its confirmation (shown on the card until then)."""
        incident = await self.get(incident_id)
        if not incident.is_open:
            raise IncidentError("not_open", incident.label)
        fields = {"resolve_by": str(agent), "resolve_text": text, "resolve_count": str(closes)}
        await self.redis.hset(self.keys.incident(incident_id), mapping=fields)
        return await self.get(incident_id)

    async def cancel_resolve(self, incident_id: int) -> Incident:
        """Forget a resolution that was asked for (the agent pressed Cancel)."""
        key = self.keys.incident(incident_id)
        await self.redis.hdel(key, "resolve_by", "resolve_text", "resolve_count")
        return await self.get(incident_id)

    async def resolve(self, incident_id: int, text: str = "") -> Incident:
        """Close the incident: its scope may open a new one afterwards, from an empty window."""
        status, detail = await self._script(
            keys=[self.keys.route],
            args=[
                "resolve",
                self.keys.prefix,
                seconds_text(self.clock.now()),
                incident_id,
                text,
                *self._effect(),
            ],
        )
        if status != "ok":
            raise IncidentError("missing" if detail == "missing" else "not_open", f"I{incident_id}")
        return await self.get(incident_id)

    def _effect(self) -> tuple[str, str, int]:
        """The script's effect arguments: the next incident effect of the update being handled."""
        scope = current_scope()
        if scope is None:
            return "", self.keys.effects("-"), EFFECTS_TTL_S
        return scope.take("i"), self.keys.effects(scope.update), EFFECTS_TTL_S

    async def set_card(self, incident_id: int, message_id: int, shown: int) -> None:
        """Remember the incident's card in the agents' group, so it is edited, never re-posted,
        and the affected count it was posted with."""
        fields = {"card_message_id": str(message_id), "card_shown": str(shown)}
        await self.redis.hset(self.keys.incident(incident_id), mapping=fields)

    async def card_shown(self, incident_id: int, shown: int) -> None:
        """Record the affected count an edit of the card delivered, so any worker's SLA tick can
        tell a card left behind (its trailing edit lost with a killed worker) and catch it up."""
        await self.redis.hset(self.keys.incident(incident_id), "card_shown", str(shown))

    async def claim_card_post(self, incident_id: int) -> bool:
        """True for exactly one caller, the one who posts the card, and for the replay of its handling.

        The placeholder holds the claimer's effect name: a handling that died before posting the
        card finds its own name when it runs again, and posts it then.
        """
        owner = effect_name("m")
        key = self.keys.incident(incident_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(key, "card_claimed", owner)
            pipe.hget(key, "card_claimed")
            _, holder = await pipe.execute()
        return bool(holder == owner)

    async def card_slot(self, incident_id: int, kind: str, seconds: float) -> bool:
        """Take a throttle slot (`now` or `later`) for `seconds`; False when someone holds it."""
        key = self.keys.incident_card_lock(incident_id, kind)
        return bool(await self.redis.set(key, "1", nx=True, px=max(1, int(seconds * 1000))))

    async def catch_up_slot(self, incident_id: int, seconds: float) -> bool:
        """The `now` slot for a catch-up edit, only while no trailing edit is planned (a live
        worker's trailing edit will show the card's state; one lost with its worker expires with
        its slot). The SET NX makes one worker of many the one that edits."""
        if await self.redis.exists(self.keys.incident_card_lock(incident_id, "later")):
            return False
        return await self.card_slot(incident_id, "now", seconds)
