"""`supportbot tickets list|show` as an operator runs it: a real process on the test's Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from escalation.domain import Tier
from escalation.policy import Policy
from escalation.store import TicketStore
from tests.escalation.factories import customer, report

REPO = Path(__file__).resolve().parents[2]
DOCUMENTED = {"number", "state", "priority", "reasons", "assignee", "intent", "impact", "customer"}


def supportbot(redis_url: str, namespace: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the console script against the test's Redis and namespace."""
    env = {**os.environ, "REDIS_URL": redis_url, "REDIS_NAMESPACE": namespace}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )


async def test_empty_desk_lists_an_empty_json_array(
    redis_url: str, namespace: str, store: TicketStore
) -> None:
    result = supportbot(redis_url, namespace, "tickets", "list", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


async def test_list_and_show_print_the_documented_documents(
    redis_url: str, namespace: str, store: TicketStore, policy: Policy
) -> None:
    first = (await report(store, policy, customer(1, Tier.PREMIUM))).ticket
    second = (await report(store, policy, customer(2, Tier.BASIC))).ticket
    await store.claim(second.number, 9001)

    listed = json.loads(supportbot(redis_url, namespace, "tickets", "list", "--json").stdout)
    assert [item["number"] for item in listed] == [second.number, first.number]
    assert all(set(item) >= DOCUMENTED for item in listed)
    assert listed[0]["assignee"] == 9001 and listed[1]["assignee"] is None

    claimed = json.loads(
        supportbot(redis_url, namespace, "tickets", "list", "--state", "claimed", "--json").stdout
    )
    assert [item["number"] for item in claimed] == [second.number]

    shown = json.loads(
        supportbot(redis_url, namespace, "tickets", "show", f"#{first.number}", "--json").stdout
    )
    assert set(shown) >= DOCUMENTED
    assert (shown["priority"], shown["state"], shown["intent"], shown["impact"]) == (
        "P1",
        "open",
        "outage",
        "total",
    )
    assert shown["customer"]["tier"] == "premium"
    assert shown["reason_codes"] == [["outage_total"], ["plan_tier", "premium"]]
    assert [event["event"] for event in shown["history"]] == ["created"]

    text = supportbot(redis_url, namespace, "tickets", "show", str(second.number))
    assert text.returncode == 0 and "claimed" in text.stdout and "history:" in text.stdout


async def test_unknown_ticket_is_one_line_on_stderr_and_non_zero(
    redis_url: str, namespace: str, store: TicketStore
) -> None:
    result = supportbot(redis_url, namespace, "tickets", "show", "404")
    assert result.returncode != 0
    assert result.stderr.strip() == "supportbot: ticket #404 does not exist"
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_bad_setting_is_one_line_naming_the_variable(redis_url: str, namespace: str) -> None:
    env_namespace = "has spaces"
    result = supportbot(redis_url, env_namespace, "tickets", "list")
    assert result.returncode != 0
    assert result.stderr.strip().startswith("supportbot: REDIS_NAMESPACE: expected")
    assert len(result.stderr.strip().splitlines()) == 1
