"""The managers' `/report` end to end on both runtimes, in a Portuguese desk, with the clock moved.

The first report of a new desk has nothing to draw, so it comes without a chart; the report
lists the tickets late now and those near their deadline first, with who holds them and how old
they are (a P1 overdue is never hidden behind "the oldest waiting"), and gives CSAT as counts of
each score; once snapshots exist, the chart comes with it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from redis.asyncio import Redis

from escalation.clock import ManualClock
from tests.e2e.conftest import (
    AGENTS_CHAT,
    MANAGER_CHAT,
    MARY_STANDARD,
    Desk,
    buttons,
    open_harness,
    user,
)
from tests.e2e.test_scenarios import ANA, BRUNO, CARLA, JOAO, open_ticket

pytestmark = pytest.mark.cluster

SP = ZoneInfo("America/Sao_Paulo")
WEDNESDAY_NOON = datetime(2026, 1, 7, 12, 0, tzinfo=SP).timestamp()
MINUTE = 60.0
MANAGER = user(MANAGER_CHAT, "Gerente")
MARY = user(MARY_STANDARD, "Mary")


@pytest.fixture
async def desk_pt(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[tuple[Desk, ManualClock]]:
    clock = ManualClock(WEDNESDAY_NOON)
    async for desk in open_harness(
        redis_config, namespace, runtime_kind, tmp_path, agents_language="pt", clock=clock
    ):
        yield desk, clock


async def manager_report(desk: Desk, after: int | None = None) -> tuple[dict[str, Any], bool]:
    """Ask for `/report 24h`; the summary (after message `after`), and whether a chart followed it."""
    await desk.api.send_message(MANAGER, "/report 24h")
    summary = await desk.expect(MANAGER_CHAT, "Resumo", after=after)
    await desk.bot.outbox.stop(drain_timeout=5)  # everything the report sent has gone out
    desk.bot.outbox.start()
    later = [m for m in await desk.bot_messages(MANAGER_CHAT) if m["message_id"] > summary["message_id"]]
    return summary, any("photo" in m for m in later)


async def test_late_tickets_first_csat_as_counts_and_a_chart_only_with_something_to_draw(
    desk_pt: tuple[Desk, ManualClock],
) -> None:
    desk, clock = desk_pt
    first, chart = await manager_report(desk)
    assert "Resumo — 24 h" in first["text"] and not chart  # a new desk: nothing to draw, no blank chart

    await desk.bot.dispatcher.managers.record_snapshot()
    carla = await open_ticket(desk, CARLA)  # premium total outage: P1, 15 min
    joao = await open_ticket(desk, JOAO)  # basic total outage: P2, 1 h
    mary = await open_ticket(desk, MARY, "a globo está travando")
    card = await desk.card(carla)
    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Assumir"])
    await desk.card(carla, where=lambda t: "Com: Ana" in t)
    await desk.agent_says(BRUNO, f"/resolve {mary}")
    rating = await desk.expect(MARY_STANDARD, "resolvido")
    await desk.api.press(MARY, MARY_STANDARD, rating["message_id"], buttons(rating)["1⭐"])
    await desk.expect(AGENTS_CHAT, "Avaliação: ⭐", where=lambda m: f"#{mary}" in m["text"])
    clock.advance(50 * MINUTE)
    await desk.bot.dispatcher.managers.record_snapshot()
    clock.advance(1 * MINUTE)

    summary, chart = await manager_report(desk, after=first["message_id"])
    text = summary["text"]
    lines = text.splitlines()
    assert lines[1:5] == [
        "Atrasados agora: 1",
        f"  🔴 #{carla} P1 · Ana · aberto há 51 min · atrasado 36 min",
        "Perto do prazo: 1",
        f"  🟠 #{joao} P2 · na fila · aberto há 51 min · restam 9 min",
    ]
    assert "CSAT (1 avaliações): 1★ 1 · 2★ 0 · 3★ 0 · 4★ 0 · 5★ 0 · média 1" in text
    assert chart
