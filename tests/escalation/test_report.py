"""Managers' summaries: exact figures over a seeded history, the text, the snapshots and the chart."""

from __future__ import annotations

import dataclasses
import json

import pytest
from redis.asyncio import Redis

from escalation import desk_state
from escalation.backlog import backlog_now
from escalation.backlog_snapshots import record_snapshot, snapshots
from escalation.clock import ManualClock
from escalation.desk_state import DeskState
from escalation.domain import Impact, Intent, Tier
from escalation.policy import Policy
from escalation.report import AgentSla, Late, build_report, changes_between, percentile
from escalation.report_chart import render_backlog_chart
from escalation.report_text import render_text
from escalation.stats import RETENTION_S, bucket_of
from escalation.store import TicketStore
from faq.gaps import gap_key
from sandbox.formatting import format_text
from tests.escalation.factories import customer, report

pytestmark = pytest.mark.cluster

ANA, BRUNO = 2001, 2002
TIMEZONE = "America/Sao_Paulo"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def state(redis: Redis, store: TicketStore) -> DeskState:
    """The desk's side state on the test's namespace."""
    return DeskState(redis, store.keys)


async def record_gap(state: DeskState, text: str, clock: ManualClock) -> None:
    await state.record_faq_gap(text, gap_key(text) or "", clock.now())


async def seed(store: TicketStore, policy: Policy, clock: ManualClock, state: DeskState) -> float:
    """Three hours of a desk from t0 (Wednesday 12:00 in São Paulo); returns t0.

    Before the period: one ticket created and withdrawn at 10:00 (must not count).
    In the period: six tickets created (#2..#7 plus #8 later), first responses at 300 s (Ana, met),
    600 s (Bruno, met), 1200 s (Ana, missed: a P1 is due in 900 s), 4000 s (Bruno, met: a P3 is due
    in 4 business hours); resolutions after 5000, 6000 and 7200 s; ratings 5, 4 and 2; one breach.
    """
    t0 = clock.now()
    clock.set(t0 - 7200)
    early = (await report(store, policy, customer(10, Tier.BASIC))).ticket
    await store.withdraw(early.number, 10)

    clock.set(t0)
    p1 = (await report(store, policy, customer(1, Tier.PREMIUM))).ticket
    p2 = (await report(store, policy, customer(2, Tier.BASIC))).ticket
    p3 = (await report(store, policy, customer(3, Tier.BASIC), impact=Impact.PARTIAL)).ticket
    p4 = (await report(store, policy, customer(4, Tier.BASIC), intent=Intent.HUMAN, impact=None)).ticket
    late_p1 = (await report(store, policy, customer(5, Tier.PREMIUM))).ticket
    assert [t.priority.name for t in (p1, p2, p3, p4, late_p1)] == ["P1", "P2", "P3", "P4", "P1"]
    assert await record_snapshot(store, clock.now())

    clock.advance(100)
    withdrawn = (await report(store, policy, customer(6), intent=Intent.HUMAN, impact=None)).ticket
    clock.advance(100)
    await store.withdraw(withdrawn.number, 6)

    clock.set(t0 + 300)
    await store.reply(p1.number, ANA, "olá")
    clock.set(t0 + 600)
    await store.reply(p2.number, BRUNO, "olá")
    assert await record_snapshot(store, clock.now())
    assert not await record_snapshot(store, clock.now() + 10), "one snapshot per 10-minute slot"

    events = await store.sla_tick(t0 + 1000)
    assert [(e.number, e.breached) for e in events if e.breached] == [(late_p1.number, True)]
    clock.set(t0 + 1200)
    await store.reply(late_p1.number, ANA, "desculpe a demora")
    clock.set(t0 + 4000)
    await store.reply(p3.number, BRUNO, "verificando")

    for number, agent, at, score, who in (
        (p1.number, ANA, 5000, 5, 1),
        (p2.number, BRUNO, 6000, 4, 2),
        (late_p1.number, ANA, 7200, 2, 5),
    ):
        clock.set(t0 + at)
        await store.resolve(number, agent)
        await store.rate(number, who, score)

    clock.set(t0 + 9000)
    await report(store, policy, customer(7, Tier.BASIC))
    await state.set_agent_name(ANA, "Ana <A>")
    await state.set_agent_name(BRUNO, "Bruno")
    clock.set(t0 - 3600)
    await record_gap(state, "qual o horário do suporte?", clock)
    clock.set(t0 + 9000)
    spam = "visite http://promo.site/x tg://resolve?domain=scam"
    for question in ("Como mudo a senha?", "como  mudo a SENHA?", "<b>sinal</b> & app?", spam, spam):
        await record_gap(state, question, clock)
    clock.set(t0 + 3 * 3600)
    return t0


async def test_summary_of_a_seeded_history_has_exact_figures(
    store: TicketStore, policy: Policy, clock: ManualClock, state: DeskState
) -> None:
    t0 = await seed(store, policy, clock, state)
    now = clock.now()

    summary = await build_report(store, state, t0, now)
    doc = summary.to_json()

    assert doc["period"] == {"since": t0, "until": now, "rollup_since": t0}
    assert (doc["created"], doc["resolved"], doc["withdrawn"]) == (7, 3, 1)
    assert doc["sla_met_pct"] == 75.0
    assert doc["sla_met_by_agent"] == {
        str(ANA): {"met": 1, "missed": 1, "pct": 50.0, "name": "Ana <A>"},
        str(BRUNO): {"met": 2, "missed": 0, "pct": 100.0, "name": "Bruno"},
    }
    assert doc["breaches"] == 1
    # nearest rank: of [300, 600, 1200, 4000] p50 is rank 2 and p90 rank 4; of [5000, 6000, 7200], 2 and 3
    assert (doc["first_response_p50_s"], doc["first_response_p90_s"]) == (600.0, 4000.0)
    assert (doc["resolution_p50_s"], doc["resolution_p90_s"]) == (6000.0, 7200.0)
    assert (doc["csat_avg"], doc["csat_count"]) == (3.67, 3)
    assert doc["csat_scores"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert doc["top_issues"] == [
        {"intent": "outage", "impact": "total", "count": 4},
        {"intent": "human", "impact": None, "count": 2},
        {"intent": "outage", "impact": "partial", "count": 1},
    ]
    # open now: #4 (P4, waiting since t0), #3 (P3, claimed by Bruno), #8 (P2, created at t0 + 9000)
    assert doc["open_by_priority"] == {"P1": 0, "P2": 1, "P3": 1, "P4": 1}
    assert doc["open_total"] == 3
    assert doc["open_by_age"] == {"<1h": 1, "1-4h": 2, "4-24h": 0, ">24h": 0}
    assert doc["oldest"] == {"number": 5, "priority": "P4"}
    assert doc["oldest_wait_s"] == 3 * 3600
    backlog = await backlog_now(store, now)
    assert backlog.open_by_priority == doc["open_by_priority"], "the same definitions as /report"
    assert backlog.oldest is not None and backlog.oldest.number == doc["oldest"]["number"]
    assert doc["faq_gaps"] == [
        {"question": "Como mudo a senha?", "count": 2},
        {"question": "visite http://promo.site/x tg://resolve?domain=scam", "count": 2},
        {"question": "<b>sinal</b> & app?", "count": 1},
    ]
    assert doc["faq_gaps_not_kept"] == 0
    assert doc["incidents"] == []
    assert doc["changes"] == {}
    assert json.loads(json.dumps(doc)) == doc


async def test_the_period_counts_whole_hours_and_excludes_what_came_before(
    store: TicketStore, policy: Policy, clock: ManualClock, state: DeskState
) -> None:
    t0 = await seed(store, policy, clock, state)

    first_hour = await build_report(store, state, t0 + 1800, t0 + 3599)
    assert first_hour.to_json()["period"]["rollup_since"] == t0
    assert (first_hour.created, first_hour.withdrawn, first_hour.fr_met, first_hour.fr_missed) == (6, 1, 2, 1)
    assert first_hour.first_response_p90_s == 1200.0 and first_hour.resolution_p50_s is None

    everything = await build_report(store, state, t0 - 7200, clock.now())
    assert (everything.created, everything.withdrawn) == (8, 2)

    since_ever = await build_report(store, state, 0.0, clock.now())
    assert since_ever.created == 8
    assert since_ever.to_json()["period"]["rollup_since"] == bucket_of(clock.now() - RETENTION_S) * 3600

    with pytest.raises(ValueError):
        await build_report(store, state, clock.now(), t0)


async def test_faq_gaps_are_those_of_the_period(
    store: TicketStore, policy: Policy, clock: ManualClock, state: DeskState
) -> None:
    t0 = await seed(store, policy, clock, state)
    before = await build_report(store, state, t0 - 7200, t0)
    assert before.faq_gaps == (("qual o horário do suporte?", 1),)
    whole = await build_report(store, state, t0 - 7200, clock.now())
    assert ("qual o horário do suporte?", 1) in whole.faq_gaps and len(whole.faq_gaps) == 4


async def test_the_gap_log_is_bounded_oldest_first_and_says_what_it_dropped(
    state: DeskState, clock: ManualClock, store: TicketStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(desk_state, "FAQ_GAP_LOG_CAP", 5)
    start = clock.now()
    for n in range(8):
        clock.set(start + n)
        await record_gap(state, f"spam número {n} http://promo.site", clock)
    assert await state.redis.zcard(state.keys.faq_gaps) == 5
    kept = await build_report(store, state, start + 3, clock.now())
    assert (kept.faq_gaps, kept.faq_gaps_not_kept) == ((("spam número 3 http://promo.site", 5),), 0)
    older = await build_report(store, state, start - 60, clock.now())
    assert older.faq_gaps_not_kept == 3
    assert "(e 3 mais antigas que já não são guardadas)" in render_text(older, "pt", TIMEZONE)


async def test_an_empty_desk_has_nulls_not_zeros_where_nothing_was_measured(
    store: TicketStore, state: DeskState, clock: ManualClock
) -> None:
    summary = await build_report(store, state, clock.now() - 86400, clock.now())
    doc = summary.to_json()
    assert doc["sla_met_pct"] is None and doc["csat_avg"] is None and doc["first_response_p50_s"] is None
    assert doc["oldest"] is None and doc["oldest_wait_s"] == 0.0
    assert (doc["created"], doc["top_issues"], doc["faq_gaps"], doc["sla_met_by_agent"]) == (0, [], [], {})
    for language in ("pt", "en", "es"):
        assert format_text(render_text(summary, language), "HTML", None)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.created = 1  # type: ignore[misc]


async def test_changes_are_the_differences_from_the_previous_summary(
    store: TicketStore, policy: Policy, clock: ManualClock, state: DeskState
) -> None:
    t0 = await seed(store, policy, clock, state)
    previous = {
        "created": 4,
        "sla_met_pct": 50.0,
        "breaches": 1,
        "csat_avg": None,
        "first_response_p50_s": 900.0,
        "open_by_priority": {"P1": 1, "P2": 0, "P3": 1, "P4": 1},
    }

    summary = await build_report(store, state, t0, clock.now(), previous)

    assert summary.changes == {
        "created": 3,
        "sla_met_pct": 25.0,
        "breaches": 0,
        "first_response_p50_s": -300.0,
        "open_by_priority.P1": -1,
        "open_by_priority.P2": 1,
        "open_by_priority.P3": 0,
        "open_by_priority.P4": 0,
    }
    same = await build_report(store, state, t0, clock.now(), json.loads(json.dumps(summary.to_json())))
    assert same.changes and not any(same.changes.values())
    assert changes_between(summary.to_json(), None) == {}


async def test_the_text_is_escaped_telegram_html_in_each_language(
    store: TicketStore, policy: Policy, clock: ManualClock, state: DeskState
) -> None:
    t0 = await seed(store, policy, clock, state)
    summary = await build_report(store, state, t0, clock.now(), {"created": 4, "sla_met_pct": 50.0})

    pt = render_text(summary, "pt", TIMEZONE)
    assert "Ana &lt;A&gt;: 50% (1/2)" in pt
    assert "&lt;b&gt;sinal&lt;/b&gt; &amp; app? ×1" in pt
    assert "visite hxxp[:]//promo[.]site/x tg[:]//resolve?domain=scam ×2" in pt
    assert "SLA 1ª resposta: 75% (3/4) · violações: 1" in pt
    assert "mediana 10 min · p90 1 h 6 min" in pt
    assert "CSAT (3 avaliações): 1★ 0 · 2★ 1 · 3★ 0 · 4★ 1 · 5★ 1 · média 3,7" in pt
    assert "1. Queda total: 4" in pt
    assert "(07/01 12:00 → 07/01 15:00)" in pt
    assert "Desde o último resumo</b>: criados +3 · SLA +25 pp" in pt
    plain, entities = format_text(pt, "HTML", None)
    assert "Ana <A>" in plain and {e["type"] for e in entities} == {"bold"}

    en = render_text(summary, "en")
    assert (
        "CSAT (3 ratings): 1★ 0 · 2★ 1 · 3★ 0 · 4★ 1 · 5★ 1 · mean 3.7" in en
        and "Since the last summary</b>: created +3 · SLA +25 pp" in en
    )
    es = render_text(summary, "es")
    assert (
        "CSAT (3 valoraciones): 1★ 0 · 2★ 1 · 3★ 0 · 4★ 1 · 5★ 1 · media 3,7" in es
        and "1. Caída total: 4" in es
    )
    assert all(len(text) < 4096 for text in (pt, en, es))


async def test_snapshots_are_read_back_by_the_desk_clock(
    store: TicketStore, policy: Policy, clock: ManualClock, state: DeskState
) -> None:
    t0 = await seed(store, policy, clock, state)

    points = await snapshots(store, t0, clock.now())

    assert points == [
        (t0, {"P1": 2, "P2": 1, "P3": 1, "P4": 1}),
        (t0 + 600, {"P1": 2, "P2": 1, "P3": 1, "P4": 1}),
    ]
    assert await snapshots(store, t0 + 1, t0 + 599) == []
    assert not await record_snapshot(store, t0 - 600), "an older snapshot than the newest is dropped"


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 90) == 7.0
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.0
    assert percentile([float(n) for n in range(1, 11)], 90) == 9.0
    assert percentile([float(n) for n in range(1, 12)], 90) == 10.0


@pytest.mark.parametrize("count", [0, 1])
def test_a_chart_with_fewer_than_two_readings_is_not_drawn(count: int) -> None:
    points = [(1_767_798_000.0, {"P1": 1, "P2": 2, "P3": 0, "P4": 0})][:count]
    assert render_backlog_chart(points, "x", ylabel="y", now_label="agora", timezone=TIMEZONE) is None


@pytest.mark.parametrize("count", [2, 144])
def test_the_chart_is_a_png_for_any_number_of_points(count: int) -> None:
    start = 1_767_798_000.0
    points = [(start + i * 600, {"P1": i % 3, "P2": i % 5, "P3": 4, "P4": i // 10}) for i in range(count)]

    png = render_backlog_chart(
        points, "Backlog por prioridade", ylabel="chamados abertos", now_label="agora", timezone=TIMEZONE
    )

    assert png is not None and png.startswith(PNG) and len(png) > 5000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (800, 400)


def test_the_backlog_is_drawn_in_steps_held_until_the_next_reading() -> None:
    """Twenty tickets that arrived just before the last reading are no ramp over the ten minutes."""
    from io import BytesIO

    from PIL import Image

    start = 1_767_798_000.0
    points = [
        (start, {"P1": 0, "P2": 0, "P3": 0, "P4": 0}),
        (start + 600, {"P1": 0, "P2": 20, "P3": 0, "P4": 0}),
    ]
    png = render_backlog_chart(points, "Backlog", ylabel="chamados", now_label="agora", timezone=TIMEZONE)
    assert png is not None
    image = Image.open(BytesIO(png)).convert("RGB")
    orange = [
        (x, y)
        for x in range(0, 800, 4)
        for y in range(110, 340, 4)  # the plot area, below the legend
        if image.getpixel((x, y))[0] > 200
        and 100 < image.getpixel((x, y))[1] < 180
        and image.getpixel((x, y))[2] < 90
    ]
    assert orange == [], "a ramp would fill the plot with P2 before the reading that saw it"


async def test_late_tickets_come_first_p1_before_an_older_p2(
    store: TicketStore, policy: Policy, clock: ManualClock, state: DeskState
) -> None:
    t0 = clock.now()
    older_p2 = (await report(store, policy, customer(1, Tier.BASIC))).ticket
    clock.advance(50 * 60)
    p1 = (await report(store, policy, customer(2, Tier.PREMIUM))).ticket
    clock.advance(20 * 60)

    summary = await build_report(store, state, t0, clock.now())

    assert [(late.number, late.priority, late.breached) for late in summary.pressing] == [
        (p1.number, "P1", True),
        (older_p2.number, "P2", True),
    ]
    lines = render_text(summary, "en").splitlines()
    assert lines[1:4] == [
        "<b>Late now</b>: 2",
        f"  🔴 #{p1.number} P1 · waiting · opened 20 min ago · late by 5 min",
        f"  🔴 #{older_p2.number} P2 · waiting · opened 1 h 10 min ago · late by 10 min",
    ]


async def test_a_summary_fits_telegram_whatever_the_period_held(
    store: TicketStore, clock: ManualClock, state: DeskState
) -> None:
    empty = await build_report(store, state, clock.now() - 86400, clock.now())
    name = "N" * 200
    crowded = dataclasses.replace(
        empty,
        claimed_by=tuple((agent, name, 1) for agent in range(30)),
        sla_met_by_agent={agent: AgentSla(1, 0, f"{agent}{name}") for agent in range(30)},
        pressing=tuple(Late(n, "P1", True, name, 3600, -60) for n in range(1, 31)),
        incidents=tuple(
            {
                "id": n,
                "title": "T" * 4050,
                "scope": "global",
                "status": "resolved",
                "duration_s": 60,
                "affected": 1,
                "premium": 0,
                "first_status_s": None,
            }
            for n in range(1, 31)
        ),
    )
    for language in ("pt", "en", "es"):
        text = render_text(crowded, language, TIMEZONE)
        assert len(text) < 4096, (language, len(text))
    assert text.count("y 20 más") == 4  # holders, agents' SLA, late tickets, incidents


async def test_a_group_near_telegrams_forum_archive_limit_is_warned_of_with_its_count(
    store: TicketStore, state: DeskState, redis: Redis, clock: ManualClock
) -> None:
    # The outbox counts each message it delivers to a group (tests/bot/test_outbox.py); a busy
    # forum reaches these counts after a few years.
    await redis.hset(store.keys.posted, mapping={"-1001": 799_999, "-1002": 812_345})
    summary = await build_report(store, state, clock.now() - 3600, clock.now())

    assert summary.to_json()["group_messages"] == {"-1001": 799_999, "-1002": 812_345}
    pt, en, es = (render_text(summary, language) for language in ("pt", "en", "es"))
    assert "O grupo -1002 já tem 812.345 mensagens do bot</b>: o Telegram arquiva" in pt
    assert "perto de 1.000.000" in pt and "-1001" not in pt
    assert "The group -1002 holds 812,345 messages from the bot</b>" in en and "near 1,000,000" in en
    assert "El grupo -1002 ya tiene 812.345 mensajes del bot" in es
    assert pt.splitlines()[1].startswith("⚠️")  # before anything else: it takes planning

    await redis.hset(store.keys.posted, "-1002", 10)
    quiet = await build_report(store, state, clock.now() - 3600, clock.now())
    assert "⚠️" not in render_text(quiet, "en")
