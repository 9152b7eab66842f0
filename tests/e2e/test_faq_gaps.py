"""Unanswered FAQ questions as managers read them: grouped, noise left out, links not tappable."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import MANAGER_CHAT, Desk, user

pytestmark = pytest.mark.cluster

SPAM = "visite http://promo.site/x tg://resolve?domain=scam ou @golpista_bot"
MANAGER = user(MANAGER_CHAT, "Gerente")


async def replies(desk: Desk, chat_id: int, count: int, within: float = 10.0) -> None:
    """Wait until the bot has answered `count` messages in the chat (each answer is one message)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while len(await desk.bot_messages(chat_id)) < count:
        assert loop.time() < deadline, await desk.bot_messages(chat_id)
        await desk.api.changes(chat_id, wait=0.5)


async def test_the_summary_groups_gaps_leaves_noise_out_and_shows_links_as_text(desk: Desk) -> None:
    customers = [user(1100 + n, f"Cliente{n}") for n in range(3)]
    for who in customers:
        await desk.say(who, SPAM)
    await desk.say(customers[0], "aceitam vale refeição?")
    await desk.say(customers[1], "vcs aceitam VALE REFEICAO")
    await desk.say(customers[2], "hmm")
    await desk.say(customers[2], "kkkkk")
    for who, sent in zip(customers, (2, 2, 3), strict=True):
        await replies(desk, who["id"], sent)

    await desk.api.send_message(MANAGER, "/report 24h")
    summary = await desk.expect(MANAGER_CHAT, "Unanswered FAQ questions")
    text = summary["text"]
    assert "visite hxxp[:]//promo[.]site/x tg[:]//resolve?domain=scam ou ＠golpista_bot ×3" in text
    assert "vale refeição? ×2" in text
    assert "hmm" not in text and "kkkkk" not in text
    tappable = {"url", "text_link", "mention", "email"}
    assert not [e for e in summary.get("entities", []) if e["type"] in tappable], summary.get("entities")
