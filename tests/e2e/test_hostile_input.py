"""Hostile and careless input as people send it, on both runtimes: buttons out of place, malformed data."""

from __future__ import annotations

import asyncio
import logging

import pytest

from escalation.domain import State
from tests.e2e.conftest import AGENT_ANA, AGENTS_CHAT, CARLA_PREMIUM, JOAO_BASIC, Desk, buttons, user

CARLA = user(CARLA_PREMIUM, "Carla")
JOAO = user(JOAO_BASIC, "João")
ANA = user(AGENT_ANA, "Ana")
INVALID_EN = "This button is not valid"
INVALID_PT = "Este botão não vale mais"


async def quiet(desk: Desk, chat_id: int, seconds: float = 1.0) -> list[dict]:
    """The bot's messages in a chat after letting the desk work for a moment."""
    await asyncio.sleep(seconds)
    return await desk.bot_messages(chat_id)


async def test_a_customers_menu_buttons_pressed_in_the_agents_group_do_nothing(desk: Desk) -> None:
    await desk.say(CARLA, "/start")
    menu = buttons(await desk.expect(CARLA_PREMIUM, "", where=lambda m: "reply_markup" in m))
    await desk.say(JOAO, "nenhum canal funciona desde ontem")
    card = await desk.card(1)
    before = await desk.bot_messages(AGENTS_CHAT)

    for presser in (CARLA, ANA):
        for data in menu.values():
            press = await desk.api.press(presser, AGENTS_CHAT, card["message_id"], data)
            answer = await desk.api.callback(press)
            assert answer["show_alert"] and INVALID_EN in answer["text"], answer

    assert await quiet(desk, AGENTS_CHAT) == before
    assert [ticket.number for ticket in await desk.bot.desk.store.list()] == [1]


async def test_an_agents_claim_pressed_in_a_private_chat_does_nothing(desk: Desk) -> None:
    await desk.say(JOAO, "nenhum canal funciona desde ontem")
    claim = buttons(await desk.card(1))["Claim"]
    reply = await desk.expect(JOAO_BASIC, "#1")
    press = await desk.api.press(JOAO, JOAO_BASIC, reply["message_id"], claim)
    answer = await desk.api.callback(press)
    assert answer["show_alert"] and INVALID_PT in answer["text"], answer
    assert (await desk.bot.desk.store.get(1)).state is State.OPEN


@pytest.mark.parametrize(
    "data", ["1|menu|status|ééééééééé", "1|rate|1|5|日本語", "1|faq|\u202e|x", "||||", "é" * 40]
)
async def test_malformed_button_data_is_an_invalid_button_in_the_customers_language(
    desk: Desk, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    await desk.say(CARLA, "/start")
    menu_message = await desk.expect(CARLA_PREMIUM, "", where=lambda m: "reply_markup" in m)
    with caplog.at_level(logging.WARNING):
        press = await desk.api.press(CARLA, CARLA_PREMIUM, menu_message["message_id"], data)
        answer = await desk.api.callback(press)
    assert answer["show_alert"] and INVALID_PT in answer["text"], answer
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "Traceback" not in caplog.text
