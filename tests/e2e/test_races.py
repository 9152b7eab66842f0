"""Races between refreshes of one ticket's card, on both runtimes."""

from __future__ import annotations

import asyncio

import pytest

from escalation.domain import Impact, Intent, Tier
from escalation.priority import assess
from escalation.ticket import Customer
from tests.e2e.conftest import AGENTS_CHAT, Desk

pytestmark = pytest.mark.cluster


async def test_two_refreshes_of_a_new_ticket_post_one_card(desk: Desk) -> None:
    store, policy = desk.bot.desk.store, desk.bot.desk.policy
    who = Customer(4321, "Rita", "pt", None, None)
    ticket = (
        await store.submit(
            who,
            "caiu tudo",
            assess(policy, Intent.OUTAGE, Impact.TOTAL, Tier.BASIC),
            Intent.OUTAGE,
            Impact.TOTAL,
        )
    ).ticket
    actions = desk.bot.dispatcher.customers.actions
    claimed = await store.claim(ticket.number, 2001)
    await asyncio.gather(actions.refresh_card(ticket), actions.refresh_card(claimed))
    card = await desk.card(ticket.number, where=lambda text: "With:" in text)
    cards = [m for m in await desk.bot_messages(AGENTS_CHAT) if f"#{ticket.number}" in m.get("text", "")]
    assert len(cards) == 1 and cards[0]["message_id"] == card["message_id"]
    assert (await store.get(ticket.number)).card_message_id == card["message_id"]


async def test_redis_failing_at_the_arrival_read_is_answered_once_it_is_back(desk: Desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from redis.exceptions import ConnectionError as RedisConnectionError

    store = desk.bot.desk.store
    arrival = store.arrival
    failures = []

    async def redis_down_twice(customer_id: int) -> object:
        if len(failures) < 2:
            failures.append(customer_id)
            raise RedisConnectionError("Redis is down")
        return await arrival(customer_id)

    monkeypatch.setattr(store, "arrival", redis_down_twice)
    await desk.say({"id": 4444, "first_name": "Bia", "language_code": "pt"}, "como pago com pix?")
    answer = await desk.expect(4444, "Pix")
    assert failures == [4444, 4444]  # not answered "something went wrong": handled again, then answered
    assert [m["text"] for m in await desk.bot_messages(4444)] == [answer["text"]]
