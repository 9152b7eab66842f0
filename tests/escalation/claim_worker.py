"""A separate OS process that races to claim tickets (used by the concurrency test)."""

from __future__ import annotations

import asyncio
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from bot.redis_connection import make_client
from escalation.policy import load_policy
from escalation.store import TicketStore
from escalation.store_errors import IllegalTransition

TIMEZONE = "America/Sao_Paulo"


def race(
    redis_url: str,
    namespace: str,
    numbers: list[int],
    claimers: int,
    agent_base: int,
    barrier: Barrier,
    results: Queue,
) -> None:
    """For each ticket, wait at the barrier, then fire `claimers` concurrent claims; put the winners."""

    async def main() -> list[list[int]]:
        client = make_client(redis_url)
        store = TicketStore.build(client, namespace, load_policy(), TIMEZONE)
        winners: list[list[int]] = []

        async def claim(number: int, agent: int) -> int | None:
            try:
                await store.claim(number, agent)
            except IllegalTransition:
                return None
            return agent

        try:
            await client.ping()
            for number in numbers:
                await asyncio.to_thread(barrier.wait)
                results = await asyncio.gather(*(claim(number, agent_base + i) for i in range(claimers)))
                winners.append([agent for agent in results if agent is not None])
        finally:
            await client.aclose()
        return winners

    results.put((agent_base, asyncio.run(main())))
