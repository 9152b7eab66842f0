"""Races between refreshes of one ticket's card, on both runtimes."""

from __future__ import annotations

import asyncio

from escalation.domain import Impact, Intent, Tier
from escalation.priority import assess
from escalation.ticket import Customer
from tests.e2e.conftest import AGENTS_CHAT, Desk


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
