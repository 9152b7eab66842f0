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
what). The tickets late now and those past their last SLA warning (`pressing_now`) are listed
with who holds them and how old they are: an average never hides them. The FAQ gaps are the
unanswered questions asked in the period, grouped (`escalation.gap_groups`), from a log bounded
to its newest entries: a period older than that log says how many questions it no longer holds.
The bot's messages per agents' group (counted by the outbox on delivery, `Keys.posted`) are read
too, for the warning before Telegram archives a forum's oldest messages.

This module gathers the figures; `escalation.report_text` says them in the agents' language, and
the backlog snapshots behind the summary's chart are `escalation.backlog_snapshots`.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from escalation.backlog import Oldest, backlog_now, pressing_now
from escalation.desk_state import DeskState
from escalation.gap_groups import group_gaps
from escalation.incidents import IncidentStore
from escalation.stats import BUCKET_S, RETENTION_S, bucket_of
from escalation.store import TicketStore

TOP_ISSUES = 5
CSAT_SCORES = (1, 2, 3, 4, 5)
TOP_FAQ_GAPS = 5


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
