"""Many agents press Claim at once: exactly one wins, every time, in one process or across two."""

from __future__ import annotations

import asyncio
import multiprocessing

from escalation.domain import State
from escalation.policy import Policy
from escalation.store import TicketStore
from escalation.store_errors import IllegalTransition
from tests.escalation.claim_worker import race
from tests.escalation.factories import customer, report

ROUNDS = 20
CLAIMERS = 50


async def test_fifty_concurrent_claimers_in_one_process_one_winner(
    store: TicketStore, policy: Policy
) -> None:
    for round_number in range(ROUNDS):
        ticket = (await report(store, policy, customer(1000 + round_number))).ticket

        async def claim(agent: int, number: int = ticket.number) -> int | None:
            try:
                await store.claim(number, agent)
            except IllegalTransition:
                return None
            return agent

        winners = [a for a in await asyncio.gather(*(claim(9000 + i) for i in range(CLAIMERS))) if a]
        assert len(winners) == 1
        claimed = await store.get(ticket.number)
        assert claimed.state is State.CLAIMED and claimed.assignee == winners[0]
        assert [e["event"] for e in await store.history(ticket.number)] == ["created", "claimed"]


async def test_claimers_in_two_os_processes_one_winner(
    store: TicketStore, policy: Policy, redis_url: str, namespace: str
) -> None:
    numbers = [(await report(store, policy, customer(2000 + i))).ticket.number for i in range(ROUNDS)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    half = CLAIMERS // 2
    queue = context.Queue()
    processes = [
        context.Process(target=race, args=(redis_url, namespace, numbers, half, base, barrier, queue))
        for base in (10_000, 20_000)
    ]
    for process in processes:
        process.start()
    results = [queue.get(timeout=120)[1] for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    for index, number in enumerate(numbers):
        winners = results[0][index] + results[1][index]
        assert len(winners) == 1, f"ticket {number}: winners {winners}"
        assert (await store.get(number)).assignee == winners[0]
        claims = [e for e in await store.history(number) if e["event"] == "claimed"]
        assert len(claims) == 1


async def test_concurrent_messages_from_one_customer_make_one_ticket(
    store: TicketStore, policy: Policy
) -> None:
    who = customer(7)
    submissions = await asyncio.gather(*(report(store, policy, who, f"msg {i}") for i in range(30)))
    assert len({s.ticket.number for s in submissions}) == 1
    number = submissions[0].ticket.number
    assert len(await store.history(number)) == 30
    assert len(await store.list(State.OPEN)) == 1
