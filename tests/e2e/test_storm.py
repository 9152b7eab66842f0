"""A 429 storm: the sandbox enforces (scaled-down) Telegram limits, the bot's outbox is set looser
on purpose, so Telegram answers 429 often; the outbox must obey retry_after and lose nothing.
Twenty subscribers reporting one outage at once are also a mass incident (tests/e2e/test_incidents.py):
the first reports get their own ticket card, the rest are told the problem is known."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

import tests.e2e.conftest as e2e_harness
from sandbox.ratelimit import RateLimits
from tests.e2e.conftest import AGENTS_CHAT, FAST, Desk, open_harness, user

pytestmark = pytest.mark.cluster

SUBSCRIBERS = 20
PEOPLE = [7000 + i for i in range(SUBSCRIBERS)]
SANDBOX_LIMITS = RateLimits(
    overall_per_second=20,
    overall_burst=4,
    group_per_minute=600,
    group_burst=3,
    private_per_second=2,
    private_burst=1,
)


@pytest.fixture
def storm_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The storm's subscribers are in the directory: reports of strangers alone open no incident."""
    folder = tmp_path / "directory"
    folder.mkdir()
    with (folder / "customers.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subscriber_id", "name", "phone", "telegram_id", "plan", "region", "status"])
        for tid in PEOPLE:
            writer.writerow([f"S{tid}", f"Cliente {tid}", "", tid, "basico", "", "active"])
    monkeypatch.setattr(e2e_harness, "DEMO_DIR", folder)


@pytest.fixture
async def stormy_desk(
    storm_directory: None,
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
) -> AsyncIterator[Desk]:
    """Sandbox limits on and tight; the outbox deliberately looser, so 429s happen."""
    async for harness in open_harness(
        redis_config,
        namespace,
        runtime_kind,
        tmp_path,
        sandbox_limits=True,
        outbox_limits=FAST,
        limits=SANDBOX_LIMITS,
    ):
        yield harness


def acked(message: dict[str, Any]) -> bool:
    """The one answer an outage report gets: a new ticket, or (once it is an incident) "we know"."""
    text = message.get("text", "")
    return "Abri o chamado" in text or "Já sabemos de um problema" in text


async def test_429_storm_loses_and_duplicates_nothing(stormy_desk: Desk) -> None:
    desk = stormy_desk
    people = [user(tid, f"Cliente {tid}") for tid in PEOPLE]
    await asyncio.gather(*(desk.say(person, "nenhum canal funciona, caiu tudo") for person in people))

    for person in people:
        await desk.api.wait_for(person["id"], acked, 60)
    await desk.expect(AGENTS_CHAT, "Incident I1", within=60)

    stats = await desk.api.stats()
    assert stats["throttled_429"] > 0, "the storm should have provoked 429s"
    for person in people:
        assert len([m for m in await desk.bot_messages(person["id"]) if acked(m)]) == 1
    cards = [
        m
        for m in await desk.bot_messages(AGENTS_CHAT)
        if "reply_markup" in m and "Incident I1" not in m["text"]
    ]
    carded = {int(m["text"].split("#", 1)[1].split()[0].rstrip("<")) for m in cards}
    tickets = await desk.bot.desk.store.list(limit=SUBSCRIBERS + 5)
    assert len(tickets) == SUBSCRIBERS
    assert all(t.number in carded or t.incident == "1" for t in tickets), (
        "every report has a card or its incident"
    )
    assert len(cards) == len(carded) < SUBSCRIBERS, "one incident, not a card per report"
