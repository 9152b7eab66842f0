"""Stop and restart the embedded Redis: every ticket, index and audit event is still there."""

from __future__ import annotations

from pathlib import Path

from bot.embedded_redis import EmbeddedRedis
from bot.redis_connection import make_client
from escalation.clock import ManualClock
from escalation.effects import effect_scope
from escalation.policy import Policy
from escalation.store import TicketStore
from tests.conftest import TIMEZONE
from tests.escalation.factories import customer, dump_namespace, report


async def test_restart_keeps_every_ticket_index_and_audit_event(tmp_path: Path, policy: Policy) -> None:
    clock = ManualClock(1_767_798_000.0)
    server = EmbeddedRedis(tmp_path / "redis").start()
    client = make_client(server.url)
    store = TicketStore.build(client, "durable", policy, TIMEZONE, clock)
    for cid in range(1, 31):
        number = (await report(store, policy, customer(cid))).ticket.number
        if cid % 3 == 0:
            await store.claim(number, 9001)
        if cid % 5 == 0:
            await store.resolve(number, 9001)
    with effect_scope("u123"):
        claimed = await store.claim(1, 9002)
    before = await dump_namespace(store.redis, store.keys.namespace)
    await client.aclose()
    server.stop()

    restarted = EmbeddedRedis(tmp_path / "redis").start()
    assert restarted.owned
    client = make_client(restarted.url)
    try:
        store = TicketStore.build(client, "durable", policy, TIMEZONE, clock)
        assert await dump_namespace(store.redis, store.keys.namespace) == before
        assert len(before) > 60
        with effect_scope("u123"):
            assert await store.claim(1, 9002) == claimed  # the effect's record survived too
        assert await dump_namespace(store.redis, store.keys.namespace) == before
        assert (await report(store, policy, customer(99))).ticket.number == 31
    finally:
        await client.aclose()
        restarted.stop()


async def test_second_process_shares_a_running_server(tmp_path: Path) -> None:
    first = EmbeddedRedis(tmp_path / "redis").start()
    try:
        second = EmbeddedRedis(tmp_path / "redis").start()
        assert first.owned and not second.owned
        second.stop()
        client = make_client(first.url)
        assert await client.ping()
        await client.aclose()
    finally:
        first.stop()
