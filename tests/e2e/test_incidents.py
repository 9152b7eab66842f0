"""Mass incidents end to end: a storm of outage reports becomes one incident, in the sandbox.

The storm runs with the sandbox enforcing (scaled-down) Telegram limits and the outbox looser on
purpose, so 429s happen and must be obeyed. The policy file and customer directory are the test's
own: incidents open at 5 reports within 10 minutes, the card throttled to one edit a second.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from redis.asyncio import Redis

import tests.e2e.conftest as harness
from escalation.clock import ManualClock
from escalation.domain import Priority, State
from escalation.policy import DEFAULT_POLICY_FILE
from sandbox.ratelimit import RateLimits
from tests.e2e.conftest import AGENT_ANA, AGENTS_CHAT, FAST, Desk, buttons, open_harness, user

pytestmark = pytest.mark.cluster

STORM = 30
PREMIUM = 9001
RECIFE = [9101 + i for i in range(5)]
MANAUS = [9201 + i for i in range(4)]
STORM_PEOPLE = [7000 + i for i in range(STORM - 1)]
SPREAD = [7500 + i for i in range(8)]
OUTAGE = "nenhum canal funciona, caiu tudo"
SANDBOX_LIMITS = RateLimits(
    overall_per_second=40,
    overall_burst=5,
    group_per_minute=20,
    group_burst=3,
    private_per_second=2,
    private_burst=1,
)


def acked(message: dict[str, Any]) -> bool:
    """A first answer to an outage report: a new ticket, or "we know about the problem"."""
    text = message.get("text", "")
    return "Abri o chamado" in text or "Já sabemos de um problema" in text


@pytest.fixture
def own_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A policy with a one-second card interval and a directory with a premium, two regions and
    the storm's subscribers (reports of strangers alone open no incident)."""
    policy = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    policy["incidents"]["card_interval"] = "1s"
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(policy, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("POLICY_FILE", str(policy_file))
    directory = tmp_path / "directory"
    directory.mkdir()
    rows = [(PREMIUM, "premium", "Porto Alegre")]
    rows += [(tid, "basico", "Recife") for tid in RECIFE] + [(tid, "basico", "Manaus") for tid in MANAUS]
    rows += [(tid, "basico", "") for tid in STORM_PEOPLE + SPREAD]
    with (directory / "customers.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subscriber_id", "name", "phone", "telegram_id", "plan", "region", "status"])
        for tid, plan, region in rows:
            writer.writerow([f"S{tid}", f"Cliente {tid}", f"+55 11 9{tid:08d}", tid, plan, region, "active"])
    monkeypatch.setattr(harness, "DEMO_DIR", directory)
    yield


@pytest.fixture
async def stormy(
    own_files: None,
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
) -> AsyncIterator[Desk]:
    async for desk in open_harness(
        redis_config,
        namespace,
        runtime_kind,
        tmp_path,
        sandbox_limits=True,
        outbox_limits=FAST,
        limits=SANDBOX_LIMITS,
    ):
        yield desk


@pytest.fixture
async def calm(
    own_files: None,
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
) -> AsyncIterator[Desk]:
    async for desk in open_harness(redis_config, namespace, runtime_kind, tmp_path):
        yield desk


async def texts(desk: Desk, chat_id: int, needle: str) -> list[dict[str, Any]]:
    return [m for m in await desk.bot_messages(chat_id) if needle in m.get("text", "")]


async def test_storm_is_one_incident_acked_once_linked_updated_and_resolved(stormy: Desk) -> None:
    desk = stormy
    people = [user(PREMIUM, "Premium")] + [user(tid, f"Cliente {tid}") for tid in STORM_PEOPLE]
    await asyncio.gather(*(desk.say(person, OUTAGE) for person in people))

    for person in people:
        await desk.api.wait_for(person["id"], acked, 60)
    for person in people:
        assert len([m for m in await desk.bot_messages(person["id"]) if acked(m)]) == 1

    store = desk.bot.desk.store
    tickets = await store.list(limit=STORM + 5)
    assert len(tickets) == STORM
    assert {ticket.incident for ticket in tickets} == {"1"}
    premium = next(t for t in tickets if t.customer.telegram_id == PREMIUM)
    assert premium.priority is Priority.P1

    card = await desk.expect(AGENTS_CHAT, "Incident I1", within=30, where=lambda m: f"{STORM}" in m["text"])
    assert f"Affected: {STORM} (premium: 1)" in card["text"]
    group = await desk.bot_messages(AGENTS_CHAT)
    assert len([m for m in group if "Incident I1" in m.get("text", "")]) == 1
    cards = [m for m in group if "reply_markup" in m and "Incident I1" not in m["text"]]
    assert len(cards) <= 4  # the reports before detection only
    # Named on the incident's card whether they reported before detection (a card of their own,
    # kept) or after (none).
    assert f"⭐ Premium: #{premium.number} Cliente {PREMIUM} (S{PREMIUM} · Porto Alegre)" in card["text"]

    await desk.agent_says(user(AGENT_ANA, "Ana"), "/queue")
    queue = await desk.expect(AGENTS_CHAT, "Queue (")
    assert "🚨I1" in queue["text"] and queue["text"].index("P1") < queue["text"].index("P2")

    await desk.agent_says(user(AGENT_ANA, "Ana"), "/incident update Servidor <b>reiniciando</b>")
    await desk.expect(AGENTS_CHAT, f"on its way to {STORM} subscribers")
    for person in people:
        await desk.expect(person["id"], "Servidor <b>reiniciando</b>", within=60)

    await desk.agent_says(user(AGENT_ANA, "Ana"), "/incident resolve I1 Normalizado")
    await desk.expect(AGENTS_CHAT, f"tells their subscribers ({STORM})")
    card = await desk.expect(AGENTS_CHAT, "Incident I1", where=lambda m: "Confirm" in str(m))
    await desk.api.press(
        user(AGENT_ANA, "Ana"), AGENTS_CHAT, card["message_id"], buttons(card)[f"✔️ Confirm: close {STORM}"]
    )
    for person in people:
        message = await desk.expect(person["id"], "foi resolvido", within=60)
        assert "Normalizado" in message["text"] and "reply_markup" in message
    await desk.bot.dispatcher.incidents.drain()
    assert {t.state for t in await store.list(limit=STORM + 5)} == {State.RESOLVED}
    await desk.expect(AGENTS_CHAT, "Resolved after", within=30)
    await desk.expect(
        AGENTS_CHAT, f"I1 resolved by Ana. Tickets closed, subscribers told: {STORM}.", within=30
    )

    for person in people:
        assert len(await texts(desk, person["id"], "reiniciando")) == 1
        assert len(await texts(desk, person["id"], "foi resolvido")) == 1
    assert (await desk.api.stats())["throttled_429"] > 0, "the storm should have provoked 429s"


async def test_detection_per_region(calm: Desk) -> None:
    desk = calm
    for tid in RECIFE:
        await desk.say(user(tid), OUTAGE)
        await desk.api.wait_for(tid, acked, 10)
    for tid in MANAUS:  # with the five from Recife they would be nine in the window: still apart
        await desk.say(user(tid), OUTAGE)
        await desk.expect(tid, "Abri o chamado")

    card = await desk.expect(AGENTS_CHAT, "Incident I1", where=lambda m: "Affected: 5" in m["text"])
    assert "Scope: region Recife" in card["text"] and "Recife 5" in card["text"]
    tickets = await desk.bot.desk.store.list(limit=20)
    linked = {t.customer.telegram_id for t in tickets if t.incident == "1"}
    assert linked == set(RECIFE)
    assert [i.scope for i in await desk.bot.dispatcher.incidents.store.list_open()] == ["region:Recife"]
    await desk.bot.dispatcher.incidents.drain()


@pytest.fixture
async def slow_clock_desk(
    own_files: None,
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
) -> AsyncIterator[tuple[Desk, ManualClock]]:
    clock = ManualClock(1_767_798_000.0)
    async for desk in open_harness(redis_config, namespace, runtime_kind, tmp_path, clock=clock):
        yield desk, clock


async def test_reports_spread_over_hours_are_no_incident(slow_clock_desk: tuple[Desk, ManualClock]) -> None:
    desk, clock = slow_clock_desk
    for tid in SPREAD:
        await desk.say(user(tid), OUTAGE)
        await desk.expect(tid, "Abri o chamado")
        clock.advance(40 * 60)
    assert await desk.bot.dispatcher.incidents.store.recent() == []
    for number in range(1, 9):  # each card follows its customer's acknowledgement
        await desk.card(number)
    assert await texts(desk, AGENTS_CHAT, "Incident") == []
    assert len([m for m in await desk.bot_messages(AGENTS_CHAT) if "reply_markup" in m]) == 8
