"""Bad input: unknown tickets and illegal transitions give a clear error and change nothing."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from escalation.domain import Priority
from escalation.policy import Policy
from escalation.store import TicketStore
from escalation.store_errors import IllegalTransition, NotAssignee, TicketNotFound
from tests.escalation.factories import customer, dump_namespace, report

pytestmark = pytest.mark.cluster

AGENT = 9001


@pytest.mark.parametrize("action", ["claim", "release", "resolve", "reply", "note", "priority", "get"])
async def test_unknown_ticket_is_a_clear_error(store: TicketStore, action: str) -> None:
    calls = {
        "claim": lambda: store.claim(404, AGENT),
        "release": lambda: store.release(404, AGENT),
        "resolve": lambda: store.resolve(404, AGENT),
        "reply": lambda: store.reply(404, AGENT, "x"),
        "note": lambda: store.note(404, AGENT, "x"),
        "priority": lambda: store.set_priority(404, AGENT, Priority.P1),
        "get": lambda: store.get(404),
    }
    with pytest.raises(TicketNotFound, match="ticket #404 does not exist"):
        await calls[action]()


async def test_illegal_transitions_change_nothing(
    store: TicketStore, policy: Policy, redis: Redis, namespace: str
) -> None:
    open_number = (await report(store, policy, customer(1))).ticket.number
    done = (await report(store, policy, customer(2))).ticket.number
    await store.resolve(done, AGENT)
    before = await dump_namespace(redis, namespace)

    with pytest.raises(IllegalTransition, match=rf"ticket #{done} is resolved; cannot claim it"):
        await store.claim(done, AGENT)
    with pytest.raises(IllegalTransition, match="is open; cannot release it"):
        await store.release(open_number, AGENT)
    with pytest.raises(IllegalTransition, match="cannot resolve"):
        await store.resolve(done, AGENT)
    with pytest.raises(IllegalTransition):
        await store.set_priority(done, AGENT, Priority.P1)
    with pytest.raises(IllegalTransition):
        await store.reply(done, AGENT, "late")

    assert await dump_namespace(redis, namespace) == before


async def test_release_by_non_assignee_changes_nothing(
    store: TicketStore, policy: Policy, redis: Redis, namespace: str
) -> None:
    number = (await report(store, policy, customer(1))).ticket.number
    await store.claim(number, AGENT)
    before = await dump_namespace(redis, namespace)
    with pytest.raises(NotAssignee):
        await store.release(number, AGENT + 1)
    assert await dump_namespace(redis, namespace) == before
    assert (await store.release(number, AGENT + 1, force=True)).assignee is None
