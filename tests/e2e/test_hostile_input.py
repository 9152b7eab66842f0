"""Hostile and careless input as people send it, on both runtimes: buttons out of place, malformed data."""

from __future__ import annotations

import asyncio
import logging

import pytest

from escalation.domain import State
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENTS_CHAT,
    CARLA_PREMIUM,
    JOAO_BASIC,
    MANAGER_CHAT,
    Desk,
    buttons,
    user,
)

pytestmark = pytest.mark.cluster

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


async def test_direction_and_zero_width_controls_never_reach_agents_or_managers(desk: Desk) -> None:
    rlo = "\u202e"
    mallory = user(1077, f"Mal{rlo}lory\u200b", "pt")
    await desk.say(mallory, f"nenhum canal funciona {rlo}1P odatnemom")
    card = await desk.card(1)
    await desk.say(mallory, f"ainda sem sinal{rlo} aqui")
    await desk.expect(AGENTS_CHAT, "ainda sem sinal")
    await desk.say(user(1078, f"Eve{rlo}"), f"qual é a capital{rlo} da França?")
    await desk.expect(1078, "")
    await desk.agent_says(ANA, "/queue")
    await desk.expect(AGENTS_CHAT, "Mallory", after=card["message_id"])
    await desk.api.send_message(user(MANAGER_CHAT, "Gerente"), "/report 24h")
    await desk.expect(MANAGER_CHAT, "Summary")

    seen = [m.get("text", "") for chat in (AGENTS_CHAT, MANAGER_CHAT) for m in await desk.bot_messages(chat)]
    assert "Mallory" in card["text"] and "nenhum canal funciona 1P odatnemom" in card["text"]
    assert any("capital da frança" in text.lower() for text in seen), seen
    assert [text for text in seen if rlo in text or "\u200b" in text] == []
    history = await desk.bot.desk.store.history(1)
    assert all(rlo not in str(entry) for entry in history)


async def test_texts_telegram_refuses_as_too_long_reach_the_other_side_whole(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    await desk.say(JOAO, "nenhum canal funciona desde ontem")
    card = await desk.card(1)
    customer_caption = "😀" * 510  # 1,020 UTF-16 units: a caption Telegram lets him send
    agent_caption = "🙂" * 510 + " fim"  # 1,024 units: the most an agent can type, before the header
    with caplog.at_level(logging.WARNING):
        await desk.api.send_message(JOAO, photo={"width": 64, "height": 48}, caption=customer_caption)
        await desk.expect(
            JOAO_BASIC, "#1", after=card["message_id"] - 1, where=lambda m: "adicionei" in m["text"]
        )
        await desk.api.send_message(
            ANA,
            chat=AGENTS_CHAT,
            photo={"width": 32, "height": 32},
            caption=agent_caption,
            reply_to_message_id=card["message_id"],
        )
        await desk.expect(JOAO_BASIC, "fim")

    def words(chat_messages: list[dict]) -> str:
        return "".join(m.get("text", "") + m.get("caption", "") for m in chat_messages)

    # the card quotes the latest message too (cut to an excerpt); the relayed photo carries it whole
    group = [m for m in await desk.bot_messages(AGENTS_CHAT) if m["message_id"] != card["message_id"]]
    joao = await desk.bot_messages(JOAO_BASIC)
    assert any("photo" in m for m in group) and words(group).count("😀") == 510
    assert any("photo" in m for m in joao) and words(joao).count("🙂") == 510
    assert any("refused as too long" in r.getMessage() for r in caplog.records)
