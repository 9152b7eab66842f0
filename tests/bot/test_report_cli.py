"""`supportbot report` as an operator runs it: a real process on the test's Redis, at the real time."""

from __future__ import annotations

import json
import time
from pathlib import Path

from escalation.backlog_snapshots import record_snapshot
from escalation.clock import ManualClock
from escalation.domain import Tier
from escalation.policy import Policy
from escalation.store import TicketStore
from tests.bot.test_tickets_cli import supportbot
from tests.escalation.factories import customer, report

DOCUMENTED = {
    "period",
    "open_by_priority",
    "open_by_age",
    "oldest",
    "oldest_wait_s",
    "created",
    "resolved",
    "withdrawn",
    "sla_met_pct",
    "sla_met_by_agent",
    "breaches",
    "first_response_p50_s",
    "first_response_p90_s",
    "resolution_p50_s",
    "resolution_p90_s",
    "csat_avg",
    "csat_count",
    "top_issues",
    "faq_gaps",
    "faq_gaps_not_kept",
    "incidents",
    "changes",
}


async def seed_last_hour(store: TicketStore, policy: Policy, clock: ManualClock) -> None:
    """Two tickets in the last hour of the real clock (the CLI reads the desk at the real time)."""
    start = time.time() - 1800
    clock.set(start)
    first = (await report(store, policy, customer(1, Tier.PREMIUM))).ticket
    await report(store, policy, customer(2, Tier.BASIC))
    await record_snapshot(store, start)
    clock.set(start + 600)
    await store.reply(first.number, 2001, "olá")
    await record_snapshot(store, start + 600)
    clock.set(start + 1200)
    await store.resolve(first.number, 2001)


async def test_json_is_one_document_with_the_documented_keys(
    redis_url: str, namespace: str, store: TicketStore, policy: Policy, clock: ManualClock
) -> None:
    await seed_last_hour(store, policy, clock)

    result = supportbot(redis_url, namespace, "report", "--json")

    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= DOCUMENTED
    assert (doc["created"], doc["resolved"], doc["sla_met_pct"]) == (2, 1, 100.0)
    assert (doc["first_response_p50_s"], doc["resolution_p50_s"]) == (600.0, 1200.0)
    assert doc["open_by_priority"] == {"P1": 0, "P2": 1, "P3": 0, "P4": 0}
    assert doc["sla_met_by_agent"] == {"2001": {"met": 1, "missed": 0, "pct": 100.0, "name": "2001"}}
    assert doc["incidents"] == [] and doc["changes"] == {}
    assert doc["period"]["until"] - doc["period"]["since"] == 24 * 3600


async def test_text_and_png(
    redis_url: str, namespace: str, store: TicketStore, policy: Policy, clock: ManualClock, tmp_path: Path
) -> None:
    await seed_last_hour(store, policy, clock)
    chart = tmp_path / "backlog.png"

    result = supportbot(redis_url, namespace, "report", "--since", "90m", "--png", str(chart))

    assert result.returncode == 0, result.stderr
    assert "Resumo — 1 h 30 min" in result.stdout and "P2: 1" in result.stdout
    assert "<b>" not in result.stdout
    png = chart.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_bad_since_is_an_argument_error_on_one_line(redis_url: str, namespace: str) -> None:
    for since in ("3x", "0h", "1000d"):
        result = supportbot(redis_url, namespace, "report", "--since", since)
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("supportbot report: error: argument --since:"), lines
        assert result.stdout == ""


async def test_unwritable_png_is_one_line(
    redis_url: str, namespace: str, store: TicketStore, tmp_path: Path
) -> None:
    await record_snapshot(store, time.time() - 600)  # something to draw
    result = supportbot(redis_url, namespace, "report", "--png", str(tmp_path / "missing" / "chart.png"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("supportbot: cannot write") and "\n" not in result.stderr.strip()
