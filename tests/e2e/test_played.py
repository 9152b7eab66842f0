"""What a person noticed playing the desk end to end, on both runtimes through the sandbox.

Each test replays what was played and reads what the customer or the agents were shown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from escalation.domain import Impact, Priority
from tests.e2e.conftest import AGENT_ANA, AGENTS_CHAT, JOAO_BASIC, MANAGER_CHAT, Desk, open_harness, user

pytestmark = pytest.mark.cluster

JOAO = user(JOAO_BASIC, "João", "pt")
ANA = user(AGENT_ANA, "Ana")
MANAGER = user(MANAGER_CHAT, "Gerente")


@pytest.fixture
async def desk_pt(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    async for desk in open_harness(redis_config, namespace, runtime_kind, tmp_path, agents_language="pt"):
        yield desk


async def test_an_urgent_follow_up_to_a_partial_fault_stays_partial(desk: Desk) -> None:
    """ "é urgente, o jogo já começou" names no impact: the fault stays partial (P3 -> P2), never a
    total outage jumping to P1."""
    await desk.say(JOAO, "a globo está travando")
    await desk.expect(JOAO_BASIC, "#1")
    await desk.card(1)
    await desk.say(JOAO, "é urgente, o jogo já começou")
    news = await desk.expect(JOAO_BASIC, "mudou para")
    assert "mudou para alta" in news["text"]
    ticket = await desk.bot.desk.store.get(1)
    assert (ticket.impact, ticket.priority) == (Impact.PARTIAL, Priority.P2)
    card = await desk.card(1, where=lambda text: "P2" in text)
    assert "P1" not in card["text"]


async def test_the_managers_report_names_an_incident_scope_in_portuguese(desk_pt: Desk) -> None:
    """The summary said "I1 Globo fora (global)": the stored id, in English, in a Portuguese report."""
    desk = desk_pt
    await desk.agent_says(ANA, "/incident open Globo fora")
    await desk.expect(AGENTS_CHAT, "Incidente I1")
    await desk.api.send_message(MANAGER, "/report 24h")
    summary = await desk.expect(MANAGER_CHAT, "Resumo")
    assert "🚨 I1 Globo fora (todos): " in summary["text"]
    assert "global" not in summary["text"]
