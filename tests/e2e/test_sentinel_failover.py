"""The desk on Redis Sentinel: the primary dies (SIGKILL) mid-shift, a replica takes over, nothing is lost.

Real servers (Debian's redis-server): a primary, a replica and three sentinels on loopback ports,
down-after-milliseconds 1000 so the failover takes seconds. The bot reaches Redis only through
the sentinels (`REDIS_SENTINELS`), as in production.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from escalation.domain import State
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENTS_CHAT,
    CARLA_PREMIUM,
    JOAO_BASIC,
    Desk,
    buttons,
    open_harness,
    user,
)
from tests.redis_servers import SentinelGroup, sentinel_group

CARLA = user(CARLA_PREMIUM, "Carla")
JOAO = user(JOAO_BASIC, "João")
ANA = user(AGENT_ANA, "Ana")
FAILOVER_TIMEOUT_S = 30.0


@pytest.fixture
def group(tmp_path: Path) -> Iterator[SentinelGroup]:
    with sentinel_group(tmp_path / "redis") as started:
        yield started


@pytest.fixture
async def desk(
    group: SentinelGroup, namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    target = {
        "redis_url": None,
        "redis_sentinels": [sentinel.address for sentinel in group.sentinels],
        "redis_sentinel_service": group.service,
    }
    async for harness in open_harness(target, namespace, runtime_kind, tmp_path):
        yield harness


async def wait_for_failover(group: SentinelGroup) -> None:
    deadline = time.monotonic() + FAILOVER_TIMEOUT_S
    while group.current_primary_port() == group.primary.port:
        assert time.monotonic() < deadline, "the sentinels did not promote the replica"
        await asyncio.sleep(0.2)


async def test_a_conversation_survives_the_primary_being_killed(desk: Desk, group: SentinelGroup) -> None:
    store = desk.bot.desk.store
    # More commands at once than the pool has connections: they wait for one instead of failing.
    assert (
        await asyncio.gather(*(store.redis.exists(f"{store.keys.prefix}x{i}") for i in range(300)))
        == [0] * 300
    )
    await desk.say(CARLA, "nenhum canal funciona desde ontem")
    card = await desk.card(1)
    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Claim"])
    await desk.expect(CARLA_PREMIUM, "Ana")
    await desk.agent_says(ANA, "Reinicie o app, por favor", reply_to_message_id=card["message_id"])
    await desk.expect(CARLA_PREMIUM, "Reinicie o app")
    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Resolve"])
    rating = await desk.expect(CARLA_PREMIUM, "resolvido")
    acknowledged = await store.get(1)
    history = await store.history(1)
    assert acknowledged.state is State.RESOLVED

    # Everything above was shown to someone; now the primary dies without a chance to save.
    group.primary.kill()
    await wait_for_failover(group)
    assert group.current_primary_port() == group.replica.port

    after = await store.get(1)
    assert (after.state, after.assignee, after.first_response_at, after.resolved_at) == (
        State.RESOLVED,
        AGENT_ANA,
        acknowledged.first_response_at,
        acknowledged.resolved_at,
    )
    assert await store.history(1) == history

    # The desk goes on, on the promoted replica: Carla rates, João opens the next ticket, Ana claims it.
    await desk.api.press(CARLA, CARLA_PREMIUM, rating["message_id"], buttons(rating)["5⭐"])
    await desk.expect(CARLA_PREMIUM, "Obrigado pela avaliação", within=20)
    await desk.say(JOAO, "a imagem trava no canal de esportes")
    second = await desk.card(2, within=20)
    await desk.api.press(ANA, AGENTS_CHAT, second["message_id"], buttons(second)["Claim"])
    await desk.card(2, where=lambda text: "With: Ana" in text)
    assert (await store.get(1)).csat == 5
    assert (await store.get(2)).state is State.CLAIMED
    assert await store.queue_length() == 0
