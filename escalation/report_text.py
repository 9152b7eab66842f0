"""The summary in the agents' language (pt, en or es): its Telegram text and its chart's titles.

The tickets late now and those near their deadline come first, with who holds them and how old
they are. Before them, a group where the bot has posted `FORUM_WARN_MESSAGES` messages is named:
Telegram archives a forum's oldest messages near `FORUM_ARCHIVE_MESSAGES`, and moving the agents
to a new group takes planning. The figures come from `escalation.report`; the chart is drawn by
`escalation.report_chart`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from escalation.backlog_snapshots import Snapshot
from escalation.durations import duration_words
from escalation.inert_links import inert_links
from escalation.report import CSAT_SCORES, Issue, Late, Report
from escalation.report_chart import render_backlog_chart

FORUM_ARCHIVE_MESSAGES = 1_000_000  # about where Telegram starts archiving a forum's oldest messages
FORUM_WARN_MESSAGES = 800_000


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
