"""The managers' summary of a period: backlog, volumes, SLA, response times, CSAT, recurring problems.

Managers need the figures of a day or a week without the desk reading every ticket of it, so the
period's figures come from the hourly rollups (`escalation.stats`): one pipeline reads, for every
hour bucket of the period, its counters (HGETALL) and both duration lists (LRANGE). The period is
therefore counted in whole hours: every bucket that overlaps [since, until] counts, so a period
starting at 12:40 includes what happened from 12:00 (`period.rollup_since` says so). Rollups are
kept 100 days (`RETENTION_S`), so a longer period reads (and reports) only those.

Percentiles are nearest-rank: p of n sorted values is the value at rank ceil(p/100 * n), always a
duration that really happened (the median of [1, 2, 3, 4] is 2).

The open backlog is "now" (`escalation.backlog.backlog_now`, totalled inside Redis a slice of
the indexes at a time: waiting + claimed per priority and age, the oldest waiting, who holds
what). The tickets late now and those past their last SLA warning (`pressing_now`) come first
in the text, with who holds them and how old they are: an average never hides them. Backlog
snapshots taken every 10 minutes (`record_snapshot`) give the chart of the backlog over the
period. The FAQ gaps are the unanswered questions asked in the period, grouped
(`escalation.gap_groups`), from a log bounded to its newest entries: a period older than that
log says how many questions it no longer holds. A group where the bot has posted
`FORUM_WARN_MESSAGES` messages (counted by the outbox on delivery, `Keys.posted`) is named first:
Telegram archives a forum's oldest messages near `FORUM_ARCHIVE_MESSAGES`, and moving the agents
to a new group takes planning.
"""

from __future__ import annotations

import asyncio
import html
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from redis.exceptions import ResponseError

from escalation.backlog import Oldest, backlog_now, pressing_now
from escalation.desk_state import DeskState
from escalation.domain import Priority
from escalation.durations import duration_words
from escalation.gap_groups import group_gaps
from escalation.incidents import IncidentStore
from escalation.inert_links import inert_links
from escalation.report_chart import render_backlog_chart
from escalation.stats import BUCKET_S, RETENTION_S, bucket_of
from escalation.store import TicketStore

TOP_ISSUES = 5
CSAT_SCORES = (1, 2, 3, 4, 5)
TOP_FAQ_GAPS = 5
SNAPSHOT_SLOT_S = 600
SNAPSHOT_MAXLEN = 20_000
ONCE_TTL_S = 86_400
PRIORITIES = tuple(p.name for p in Priority)
FORUM_ARCHIVE_MESSAGES = 1_000_000  # about where Telegram starts archiving a forum's oldest messages
FORUM_WARN_MESSAGES = 800_000

Snapshot = tuple[float, dict[str, int]]


@dataclass(frozen=True, slots=True)
class AgentSla:
    """One agent's first responses in the period: how many met their deadline, how many missed it."""

    met: int
    missed: int
    name: str

    @property
    def pct(self) -> float | None:
        """Share met, in percent; None without first responses."""
        return _pct(self.met, self.missed)


@dataclass(frozen=True, slots=True)
class Issue:
    """A kind of problem (intent and impact, from the `issue:` counters) and how often it was reported."""

    intent: str
    impact: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Late:
    """A ticket late now (`breached`) or about to be: who holds it (None: waiting), its age, and
    the seconds left to its deadline (negative once late)."""

    number: int
    priority: str
    breached: bool
    owner: str | None
    age_s: float
    left_s: float


@dataclass(frozen=True, slots=True)
class Report:
    """The figures of one summary; `to_json` is the documented shape (CLI, last-summary memory)."""

    since: float
    until: float
    open_by_priority: dict[str, int]
    open_by_age: dict[str, int]
    oldest: Oldest | None
    created: int
    resolved: int
    withdrawn: int
    fr_met: int
    fr_missed: int
    sla_met_by_agent: dict[int, AgentSla]
    breaches: int
    first_response_p50_s: float | None
    first_response_p90_s: float | None
    resolution_p50_s: float | None
    resolution_p90_s: float | None
    csat_avg: float | None
    csat_count: int
    top_issues: tuple[Issue, ...]
    faq_gaps: tuple[tuple[str, int], ...]
    faq_gaps_not_kept: int = 0
    claimed_by: tuple[tuple[int, str, int], ...] = ()
    pressing: tuple[Late, ...] = ()
    csat_scores: dict[int, int] = field(default_factory=dict)
    incidents: tuple[dict[str, Any], ...] = ()
    changes: dict[str, float] = field(default_factory=dict)
    group_messages: dict[int, int] = field(default_factory=dict)

    @property
    def open_total(self) -> int:
        """Every open ticket, waiting or claimed."""
        return sum(self.open_by_priority.values())

    @property
    def sla_met_pct(self) -> float | None:
        """First responses within their deadline, in percent; None when there was none."""
        return _pct(self.fr_met, self.fr_missed)

    def to_json(self) -> dict[str, Any]:
        """The summary as one JSON-ready document: what `supportbot report --json` prints and what
        the scheduler keeps as the last summary (the `previous` of the next one).

        Durations are seconds, percentages 0-100, null where nothing was measured; agent ids are
        strings (JSON keys); `changes` maps a numeric figure (or `open_by_priority.P1`..) to its delta.
        """
        return {
            "period": {
                "since": self.since,
                "until": self.until,
                "rollup_since": _first_bucket(self.since, self.until) * BUCKET_S,
            },
            "open_total": self.open_total,
            "open_by_priority": dict(self.open_by_priority),
            "open_by_age": dict(self.open_by_age),
            "oldest": None
            if self.oldest is None
            else {"number": self.oldest.number, "priority": self.oldest.priority},
            "oldest_wait_s": self.oldest.wait_s if self.oldest else 0.0,
            "created": self.created,
            "resolved": self.resolved,
            "withdrawn": self.withdrawn,
            "sla_met_pct": self.sla_met_pct,
            "sla_met_by_agent": {
                str(agent): {"met": s.met, "missed": s.missed, "pct": s.pct, "name": s.name}
                for agent, s in self.sla_met_by_agent.items()
            },
            "breaches": self.breaches,
            "first_response_p50_s": self.first_response_p50_s,
            "first_response_p90_s": self.first_response_p90_s,
            "resolution_p50_s": self.resolution_p50_s,
            "resolution_p90_s": self.resolution_p90_s,
            "csat_avg": self.csat_avg,
            "csat_count": self.csat_count,
            "csat_scores": {str(score): n for score, n in self.csat_scores.items()},
            "late": [
                {
                    "number": late.number,
                    "priority": late.priority,
                    "breached": late.breached,
                    "owner": late.owner,
                    "age_s": round(late.age_s, 1),
                    "left_s": round(late.left_s, 1),
                }
                for late in self.pressing
            ],
            "top_issues": [
                {"intent": issue.intent, "impact": issue.impact, "count": issue.count}
                for issue in self.top_issues
            ],
            "faq_gaps": [{"question": q, "count": n} for q, n in self.faq_gaps],
            "faq_gaps_not_kept": self.faq_gaps_not_kept,
            "claimed_by": [{"agent": agent, "name": name, "count": n} for agent, name, n in self.claimed_by],
            "incidents": list(self.incidents),
            "changes": dict(self.changes),
            "group_messages": {str(chat): count for chat, count in self.group_messages.items()},
        }


@dataclass(slots=True)
class _Rollup:
    """The period's hourly rollups added up."""

    counters: Counter[str] = field(default_factory=Counter)
    frt: list[float] = field(default_factory=list)
    rt: list[float] = field(default_factory=list)


async def build_report(
    store: TicketStore, state: DeskState, since: float, now: float, previous: Mapping[str, Any] | None = None
) -> Report:
    """The summary of [since, now], with what changed since `previous` (an earlier `to_json()`)."""
    if since > now:
        raise ValueError("a summary period cannot start after it ends")
    incident_store = IncidentStore(store.redis, store.keys, store.policy.incidents, store.clock)
    rollup, backlog, gaps, incidents, pressing, posted = await asyncio.gather(
        _read_rollups(store, since, now),
        backlog_now(store, now),
        state.faq_gaps(since, now),
        incident_store.between(since, now),
        pressing_now(store, now),
        store.redis.hgetall(store.keys.posted),
    )
    counters = rollup.counters
    agents = _agent_counts(counters)
    holders = sorted({p.ticket.assignee for p in pressing if p.ticket.assignee is not None})
    holder_names = dict(zip(holders, await asyncio.gather(*map(state.agent_name, holders)), strict=True))
    names = await asyncio.gather(*(state.agent_name(agent) for agent in agents))
    report = Report(
        since=since,
        until=now,
        open_by_priority=backlog.open_by_priority,
        open_by_age=backlog.open_by_age,
        oldest=backlog.oldest,
        claimed_by=tuple(
            [
                (agent, await state.agent_name(agent), count)
                for agent, count in sorted(backlog.claimed_by_agent.items(), key=lambda item: -item[1])
            ]
        ),
        created=counters["created"],
        resolved=counters["resolved"],
        withdrawn=counters["withdrawn"],
        fr_met=counters["fr_met"],
        fr_missed=counters["fr_missed"],
        sla_met_by_agent={
            agent: AgentSla(met, missed, name)
            for (agent, (met, missed)), name in zip(agents.items(), names, strict=True)
        },
        breaches=counters["breaches"],
        first_response_p50_s=percentile(rollup.frt, 50),
        first_response_p90_s=percentile(rollup.frt, 90),
        resolution_p50_s=percentile(rollup.rt, 50),
        resolution_p90_s=percentile(rollup.rt, 90),
        csat_avg=round(counters["csat_sum"] / counters["csat_n"], 2) if counters["csat_n"] else None,
        csat_count=counters["csat_n"],
        csat_scores={score: counters[f"csat:{score}"] for score in CSAT_SCORES},
        pressing=tuple(
            Late(
                p.ticket.number,
                p.ticket.priority.name,
                p.breached,
                holder_names.get(p.ticket.assignee) if p.ticket.assignee is not None else None,
                now - p.ticket.created_at,
                p.ticket.due_at - now,
            )
            for p in pressing
        ),
        top_issues=_top_issues(counters),
        faq_gaps=tuple(group_gaps(gaps.questions, TOP_FAQ_GAPS)),
        faq_gaps_not_kept=gaps.trimmed if gaps.oldest_kept is None or since < gaps.oldest_kept else 0,
        incidents=tuple(incident.to_json(now) for incident in incidents),
        group_messages={int(chat): int(count) for chat, count in sorted(posted.items())},
    )
    return replace(report, changes=changes_between(report.to_json(), previous))


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile: the value at rank ceil(pct/100 * n) of the sorted values; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def changes_between(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> dict[str, float]:
    """Figure -> current minus previous, for every numeric figure both summaries have.

    Open tickets per priority appear as `open_by_priority.P1` ..; figures that were null on either
    side (no first responses, no ratings) are left out rather than guessed.
    """
    if not previous:
        return {}
    before, after = _numeric_figures(previous), _numeric_figures(current)
    return {name: _delta(value, before[name]) for name, value in after.items() if name in before}


async def previous_figures(store: TicketStore) -> dict[str, Any] | None:
    """The last scheduled summary's `to_json()` (stored under `Keys.last_report`), if readable."""
    raw = await store.redis.get(store.keys.last_report)
    try:
        figures = json.loads(raw) if raw else None
    except ValueError:
        return None
    return figures if isinstance(figures, dict) else None


async def record_snapshot(store: TicketStore, now: float) -> bool:
    """Append the backlog per priority to the snapshot stream, once per 10-minute slot across workers.

    The entry id is derived from `now` (not the server's clock), so snapshots can be read back by
    time with the desk's clock. Returns False when another worker already took this slot, or when
    a newer snapshot exists (a worker whose clock lags behind): the chart keeps time order.
    """
    slot = int(now // SNAPSHOT_SLOT_S)
    if not await store.redis.set(store.keys.once(f"snapshot:{slot}"), "1", nx=True, ex=ONCE_TTL_S):
        return False
    entry: dict[str, str | int | float] = {"at": now, **(await backlog_now(store, now)).open_by_priority}
    try:
        await store.redis.xadd(
            store.keys.backlog_snapshots, entry, id=f"{_ms(now)}-0", maxlen=SNAPSHOT_MAXLEN, approximate=True
        )
    except ResponseError:
        return False
    return True


async def snapshots(store: TicketStore, since: float, now: float) -> list[Snapshot]:
    """The backlog snapshots taken in [since, now], oldest first: (at, {P1..P4: open tickets})."""
    rows = await store.redis.xrange(store.keys.backlog_snapshots, min=_ms(since), max=_ms(now))
    return [(float(values["at"]), {p: int(values.get(p, 0)) for p in PRIORITIES}) for _, values in rows]


def render_text(report: Report, language: str, timezone: str | None = None) -> str:
    """The summary as a short Telegram HTML message in the agents' language (pt, en or es).

    Everything that comes from outside the code (agent names, FAQ questions) is escaped. With a
    `timezone`, the title also shows the period's dates in it.
    """
    lang = language if language in _TEXTS else "pt"
    w = _TEXTS[lang]
    title = f"📊 <b>{w['title']} — {_period_words(report.until - report.since)}</b>"
    if timezone:
        tz = ZoneInfo(timezone)
        title += f" ({_stamp(report.since, tz)} → {_stamp(report.until, tz)})"
    per_priority = " · ".join(f"{p}: {n}" for p, n in report.open_by_priority.items())
    lines = [title, *_forums_filling(report.group_messages, w, lang), *_pressing(report.pressing, w)]
    lines += [
        f"<b>{w['backlog']}</b>: {report.open_total} — {per_priority}",
        f"{w['age']}: " + " · ".join(f"{html.escape(k)}: {n}" for k, n in report.open_by_age.items()),
        f"{w['oldest']}: "
        + (
            f"#{report.oldest.number} ({report.oldest.priority}, {duration_words(report.oldest.wait_s)})"
            if report.oldest
            else w["none"]
        ),
        f"{w['claimed_by']}: " + _holders(report.claimed_by, w),
        f"<b>{w['period']}</b>: {w['created']} {report.created} · {w['resolved']} {report.resolved}"
        f" · {w['withdrawn']} {report.withdrawn}",
        f"{w['sla']}: {_pct_text(report.sla_met_pct, report.fr_met, report.fr_missed, lang)}"
        f" · {w['breaches']}: {report.breaches}",
    ]
    by_agent = sorted(report.sla_met_by_agent.values(), key=lambda s: (-(s.met + s.missed), s.name))
    lines += _trimmed(
        [
            f"  👤 {html.escape(_cut(agent.name, _MAX_NAME))}: "
            f"{_pct_text(agent.pct, agent.met, agent.missed, lang)}"
            for agent in by_agent
        ],
        w,
    )
    lines += [
        f"{w['frt']}: {_spread(report.first_response_p50_s, report.first_response_p90_s, w)}",
        f"{w['rt']}: {_spread(report.resolution_p50_s, report.resolution_p90_s, w)}",
        _csat(report, w, lang),
    ]
    if report.top_issues:
        lines.append(f"<b>{w['issues']}</b>")
        lines += [
            f"  {rank}. {_issue(issue, lang)}: {issue.count}"
            for rank, issue in enumerate(report.top_issues, 1)
        ]
    if report.faq_gaps:
        lines.append(f"<b>{w['gaps']}</b>")
        lines += [
            f"  • {html.escape(_cut(inert_links(question)))} ×{count}" for question, count in report.faq_gaps
        ]
        if report.faq_gaps_not_kept:
            lines.append(f"  {w['gaps_not_kept'].format(count=report.faq_gaps_not_kept)}")
    if report.incidents:
        lines.append(f"<b>{w['incidents']}</b>: {len(report.incidents)}")
        lines += _trimmed([_incident(incident, w) for incident in report.incidents], w)
    changed = _change_words(report.changes, lang)
    if changed:
        lines.append(f"<b>{w['changes']}</b>: {changed}")
    return "\n".join(lines)


def backlog_chart(report: Report, points: Sequence[Snapshot], language: str, timezone: str) -> bytes | None:
    """The summary's chart: the period's snapshots and then the backlog at its end, titled with
    the period, in the agents' language; None when no snapshot fell in the period (nothing to draw)."""
    w = _TEXTS.get(language, _TEXTS["pt"])
    tz = ZoneInfo(timezone)
    title = (
        f"{w['chart_title']} — {_period_words(report.until - report.since)} "
        f"({_stamp(report.since, tz)} → {_stamp(report.until, tz)})"
    )
    readings = [point for point in points if point[0] < report.until]
    readings.append((report.until, dict(report.open_by_priority)))
    return render_backlog_chart(
        readings, title, ylabel=w["chart_tickets"], now_label=w["chart_now"], timezone=timezone
    )


# ------------------------------------------------------------------ reading


async def _read_rollups(store: TicketStore, since: float, now: float) -> _Rollup:
    """Every hour bucket of the period in one pipeline: counters and both duration lists."""
    keys = store.keys
    buckets = range(_first_bucket(since, now), bucket_of(now) + 1)
    async with store.redis.pipeline(transaction=False) as pipe:
        for bucket in buckets:
            pipe.hgetall(keys.stats(bucket))
            pipe.lrange(keys.stats_durations(bucket, "frt"), 0, -1)
            pipe.lrange(keys.stats_durations(bucket, "rt"), 0, -1)
        rows = await pipe.execute()
    rollup = _Rollup()
    for i in range(0, len(rows), 3):
        rollup.counters.update({name: int(value) for name, value in rows[i].items()})
        rollup.frt.extend(map(float, rows[i + 1]))
        rollup.rt.extend(map(float, rows[i + 2]))
    return rollup


def _first_bucket(since: float, until: float) -> int:
    """The period's first hour bucket; buckets older than the retention have expired, so none is read."""
    return max(bucket_of(since), bucket_of(until - RETENTION_S))


def _agent_counts(counters: Counter[str]) -> dict[int, tuple[int, int]]:
    """`agent:<id>:fr_met|fr_missed` counters -> {agent: (met, missed)}, by agent id."""
    agents: dict[int, list[int]] = {}
    for name, value in counters.items():
        kind, _, rest = name.partition(":")
        if kind != "agent":
            continue
        agent, _, outcome = rest.partition(":")
        pair = agents.setdefault(int(agent), [0, 0])
        pair[0 if outcome == "fr_met" else 1] += value
    return {agent: (met, missed) for agent, (met, missed) in sorted(agents.items())}


def _top_issues(counters: Counter[str]) -> tuple[Issue, ...]:
    """The most reported kinds of problem, most frequent first (ties by name, so the order is stable)."""
    issues = []
    for name, count in counters.items():
        kind, _, rest = name.partition(":")
        if kind == "issue" and count > 0:
            intent, _, impact = rest.partition(":")
            issues.append(Issue(intent, None if impact in ("", "-") else impact, count))
    issues.sort(key=lambda i: (-i.count, i.intent, i.impact or ""))
    return tuple(issues[:TOP_ISSUES])


def _pct(met: int, missed: int) -> float | None:
    return round(met / (met + missed) * 100, 1) if met + missed else None


def _ms(instant: float) -> int:
    return int(instant * 1000)


def _numeric_figures(figures: Mapping[str, Any]) -> dict[str, float]:
    flat = {
        name: value
        for name, value in figures.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    by_priority = figures.get("open_by_priority")
    if isinstance(by_priority, Mapping):
        flat.update(
            (f"open_by_priority.{p}", n)
            for p, n in by_priority.items()
            if isinstance(n, int | float) and not isinstance(n, bool)
        )
    return flat


def _delta(after: float, before: float) -> float:
    difference = after - before
    return difference if isinstance(difference, int) else round(difference, 2)


# ------------------------------------------------------------------ words

_TEXTS: dict[str, dict[str, str]] = {
    "pt": {
        "title": "Resumo",
        "chart_title": "Backlog por prioridade",
        "chart_tickets": "chamados abertos",
        "chart_now": "agora",
        "backlog": "Abertos",
        "age": "Idade",
        "oldest": "Mais antigo esperando",
        "late": "Atrasados agora",
        "at_risk": "Perto do prazo",
        "waiting": "na fila",
        "late_by": "atrasado {time}",
        "left": "restam {time}",
        "age_words": "aberto há {time}",
        "mean": "média",
        "claimed_by": "Em atendimento com",
        "none": "nenhum",
        "period": "No período",
        "created": "criados",
        "resolved": "resolvidos",
        "withdrawn": "desistências",
        "sla": "SLA 1ª resposta",
        "breaches": "violações",
        "frt": "1ª resposta",
        "rt": "Resolução",
        "median": "mediana",
        "ratings": "avaliações",
        "issues": "Problemas mais frequentes",
        "gaps": "Perguntas sem resposta no FAQ",
        "gaps_not_kept": "(e {count} mais antigas que já não são guardadas)",
        "incidents": "Incidentes",
        "inc_affected": "afetados",
        "inc_scope_global": "todos",
        "inc_scope_channel": "canal {name}",
        "inc_scope_region": "região {name}",
        "inc_first_status": "1º status",
        "more": "… e mais {count}",
        "changes": "Desde o último resumo",
        "forum_filling": (
            "⚠️ <b>O grupo {chat} já tem {count} mensagens do bot</b>: o Telegram arquiva as mais "
            "antigas de um fórum perto de {limit}. Prepare um novo grupo de atendentes."
        ),
        "open_total": "abertos",
        "sla_met_pct": "SLA",
        "first_response_p50_s": "1ª resposta",
        "resolution_p50_s": "resolução",
        "csat_avg": "CSAT",
        "outage:total": "Queda total",
        "outage:partial": "Falha parcial",
        "outage": "Falha",
        "billing": "Cobrança",
        "cancel": "Cancelamento",
        "human": "Pedido de atendente",
        "faq": "Dúvida",
        "greeting": "Saudação",
        "unknown": "Outros",
    },
    "en": {
        "title": "Summary",
        "chart_title": "Backlog by priority",
        "chart_tickets": "open tickets",
        "chart_now": "now",
        "backlog": "Open",
        "age": "Age",
        "oldest": "Oldest waiting",
        "late": "Late now",
        "at_risk": "Near the deadline",
        "waiting": "waiting",
        "late_by": "late by {time}",
        "left": "{time} left",
        "age_words": "opened {time} ago",
        "mean": "mean",
        "claimed_by": "Being handled by",
        "none": "none",
        "period": "In the period",
        "created": "created",
        "resolved": "resolved",
        "withdrawn": "withdrawn",
        "sla": "First-response SLA",
        "breaches": "breaches",
        "frt": "First response",
        "rt": "Resolution",
        "median": "median",
        "ratings": "ratings",
        "issues": "Top recurring problems",
        "gaps": "Unanswered FAQ questions",
        "gaps_not_kept": "(and {count} older ones no longer kept)",
        "incidents": "Incidents",
        "inc_affected": "affected",
        "inc_scope_global": "everyone",
        "inc_scope_channel": "channel {name}",
        "inc_scope_region": "region {name}",
        "inc_first_status": "first status",
        "more": "… and {count} more",
        "changes": "Since the last summary",
        "forum_filling": (
            "⚠️ <b>The group {chat} holds {count} messages from the bot</b>: Telegram archives a "
            "forum's oldest messages near {limit}. Prepare a new agents' group."
        ),
        "open_total": "open",
        "sla_met_pct": "SLA",
        "first_response_p50_s": "first response",
        "resolution_p50_s": "resolution",
        "csat_avg": "CSAT",
        "outage:total": "Total outage",
        "outage:partial": "Partial failure",
        "outage": "Outage",
        "billing": "Billing",
        "cancel": "Cancellation",
        "human": "Asked for a person",
        "faq": "Question",
        "greeting": "Greeting",
        "unknown": "Other",
    },
    "es": {
        "title": "Resumen",
        "chart_title": "Backlog por prioridad",
        "chart_tickets": "tickets abiertos",
        "chart_now": "ahora",
        "backlog": "Abiertos",
        "age": "Antigüedad",
        "oldest": "El más antiguo esperando",
        "late": "Atrasados ahora",
        "at_risk": "Cerca del plazo",
        "waiting": "en fila",
        "late_by": "atrasado {time}",
        "left": "quedan {time}",
        "age_words": "abierto hace {time}",
        "mean": "media",
        "claimed_by": "En atención con",
        "none": "ninguno",
        "period": "En el período",
        "created": "creados",
        "resolved": "resueltos",
        "withdrawn": "desistidos",
        "sla": "SLA 1.ª respuesta",
        "breaches": "incumplimientos",
        "frt": "1.ª respuesta",
        "rt": "Resolución",
        "median": "mediana",
        "ratings": "valoraciones",
        "issues": "Problemas más frecuentes",
        "gaps": "Preguntas sin respuesta en el FAQ",
        "gaps_not_kept": "(y {count} más antiguas que ya no se guardan)",
        "incidents": "Incidentes",
        "inc_affected": "afectados",
        "inc_scope_global": "todos",
        "inc_scope_channel": "canal {name}",
        "inc_scope_region": "región {name}",
        "inc_first_status": "1er estado",
        "more": "… y {count} más",
        "changes": "Desde el último resumen",
        "forum_filling": (
            "⚠️ <b>El grupo {chat} ya tiene {count} mensajes del bot</b>: Telegram archiva los más "
            "antiguos de un foro cerca de {limit}. Prepare un nuevo grupo de agentes."
        ),
        "open_total": "abiertos",
        "sla_met_pct": "SLA",
        "first_response_p50_s": "1.ª respuesta",
        "resolution_p50_s": "resolución",
        "csat_avg": "CSAT",
        "outage:total": "Caída total",
        "outage:partial": "Falla parcial",
        "outage": "Falla",
        "billing": "Facturación",
        "cancel": "Cancelación",
        "human": "Pidió un agente",
        "faq": "Consulta",
        "greeting": "Saludo",
        "unknown": "Otros",
    },
}
_CHANGE_LINES = (
    "open_total",
    "created",
    "resolved",
    "breaches",
    "sla_met_pct",
    "first_response_p50_s",
    "resolution_p50_s",
    "csat_avg",
)
_DURATION_FIGURES = frozenset({"first_response_p50_s", "resolution_p50_s"})
_MAX_QUESTION = 80
_MAX_TITLE = 60
_MAX_NAME = 40
_MAX_LINES = 10


def _period_words(seconds: float) -> str:
    """A period's length as people say it: `9 h`, `24 h`, `7 d` (`_duration` for odd lengths)."""
    if seconds >= 2 * 86400 and seconds % 86400 == 0:
        return f"{int(seconds // 86400)} d"
    if seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    return duration_words(seconds)


def _number(value: float | None, lang: str) -> str:
    """One decimal at most, with the language's decimal mark (`87,5` in pt and es)."""
    if value is None:
        return "—"
    text = f"{value:.1f}".removesuffix(".0")
    return text if lang == "en" else text.replace(".", ",")


def _pct_text(pct: float | None, met: int, missed: int, lang: str) -> str:
    return "—" if pct is None else f"{_number(pct, lang)}% ({met}/{met + missed})"


def _spread(p50: float | None, p90: float | None, w: Mapping[str, str]) -> str:
    if p50 is None or p90 is None:
        return "—"
    return f"{w['median']} {duration_words(p50)} · p90 {duration_words(p90)}"


def _issue(issue: Issue, lang: str) -> str:
    words = _TEXTS[lang]
    label = words.get(f"{issue.intent}:{issue.impact}") or words.get(issue.intent) or issue.intent
    return html.escape(label)


def _incident(incident: Mapping[str, Any], w: Mapping[str, str]) -> str:
    """ "  🚨 I3 Globo fora do ar: 2 h 5 min, 812 affected (40 premium), first status after 4 min"."""
    mark = "✅" if incident["status"] == "resolved" else "🚨"
    title = f" {html.escape(_cut(incident['title'], _MAX_TITLE))}" if incident["title"] else ""
    first = incident["first_status_s"]
    status = duration_words(first) if first is not None else w["none"]
    return (
        f"  {mark} I{incident['id']}{title} ({_scope(incident['scope'], w)}): "
        f"{duration_words(incident['duration_s'])}, {incident['affected']} {w['inc_affected']} "
        f"({incident['premium']} premium), {w['inc_first_status']}: {status}"
    )


def _scope(scope: str, w: Mapping[str, str]) -> str:
    """ "canal globo", "região Recife", "todos": as the incident's card says it, never the stored id."""
    kind, _, name = scope.partition(":")
    if kind not in ("channel", "region") or not name:
        return w["inc_scope_global"]
    return w[f"inc_scope_{kind}"].format(name=html.escape(_cut(name, 60)))


def _forums_filling(group_messages: Mapping[int, int], w: Mapping[str, str], lang: str) -> list[str]:
    """A warning for each group near the count where Telegram archives a forum's oldest messages."""
    return [
        w["forum_filling"].format(
            chat=chat, count=_whole(count, lang), limit=_whole(FORUM_ARCHIVE_MESSAGES, lang)
        )
        for chat, count in group_messages.items()
        if count >= FORUM_WARN_MESSAGES
    ]


def _whole(count: int, lang: str) -> str:
    """A large count with thousands grouped as the language writes them: 812,345 or 812.345."""
    grouped = f"{count:,}"
    return grouped if lang == "en" else grouped.replace(",", ".")


def _pressing(pressing: Sequence[Late], w: Mapping[str, str]) -> list[str]:
    """ "Late now: 2" then "  🔴 #7 P1 · Ana · opened 2 h ago · late by 45 min", then at risk."""
    lines = []
    for breached, heading in ((True, "late"), (False, "at_risk")):
        group = [late for late in pressing if late.breached is breached]
        if not group:
            continue
        lines.append(f"<b>{w[heading]}</b>: {len(group)}")
        lines += _trimmed([_late(late, w) for late in group], w)
    return lines


def _holders(claimed_by: Sequence[tuple[int, str, int]], w: Mapping[str, str]) -> str:
    """ "Ana 3 · Bruno 1", the first `_MAX_LINES` agents, then "and N more"."""
    if not claimed_by:
        return w["none"]
    names = [f"{html.escape(_cut(name, _MAX_NAME))} {n}" for _, name, n in claimed_by[:_MAX_LINES]]
    if len(claimed_by) > _MAX_LINES:
        names.append(w["more"].format(count=len(claimed_by) - _MAX_LINES))
    return " · ".join(names)


def _late(late: Late, w: Mapping[str, str]) -> str:
    owner = html.escape(_cut(late.owner, _MAX_NAME)) if late.owner else w["waiting"]
    when = (
        w["late_by"].format(time=duration_words(-late.left_s))
        if late.breached
        else w["left"].format(time=duration_words(late.left_s))
    )
    mark = "🔴" if late.breached else "🟠"
    age = w["age_words"].format(time=duration_words(late.age_s))
    return f"  {mark} #{late.number} {late.priority} · {owner} · {age} · {when}"


def _csat(report: Report, w: Mapping[str, str], lang: str) -> str:
    """ "CSAT (8 ratings): 1★ 1 · 2★ 0 · 3★ 0 · 4★ 2 · 5★ 5 · mean 4,3": a mean alone hides the ones."""
    if not report.csat_count:
        return f"CSAT: {w['none']}"
    scores = " · ".join(f"{score}★ {report.csat_scores.get(score, 0)}" for score in CSAT_SCORES)
    return (
        f"CSAT ({report.csat_count} {w['ratings']}): {scores} · {w['mean']} {_number(report.csat_avg, lang)}"
    )


def _cut(text: str, limit: int = _MAX_QUESTION) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _trimmed(lines: list[str], w: Mapping[str, str]) -> list[str]:
    """At most `_MAX_LINES` lines of a section, then "and N more": a summary must fit Telegram's
    4,096 characters whatever happened in the period."""
    if len(lines) <= _MAX_LINES:
        return lines
    return [*lines[:_MAX_LINES], "  " + w["more"].format(count=len(lines) - _MAX_LINES)]


def _stamp(instant: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(instant, tz).strftime("%d/%m %H:%M")


def _change_words(changes: Mapping[str, float], lang: str) -> str:
    """The headline differences, `abertos +3 · SLA −5 pp · 1ª resposta +4 min`; unchanged ones left out."""
    words = _TEXTS[lang]
    parts = []
    for name in _CHANGE_LINES:
        delta = changes.get(name)
        if not delta:
            continue
        sign = "+" if delta > 0 else "−"
        if name in _DURATION_FIGURES:
            amount = duration_words(delta)
        elif name == "sla_met_pct":
            amount = f"{_number(abs(delta), lang)} pp"
        else:
            amount = _number(abs(delta), lang)
        parts.append(f"{words.get(name, name)} {sign}{amount}")
    return " · ".join(parts)
