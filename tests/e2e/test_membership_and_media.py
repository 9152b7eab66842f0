"""Agents by group membership (no AGENT_IDS), and photos relayed both ways."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from escalation.domain import State
from handlers.events import ButtonPress, Chat, ChatKind, User
from handlers.texts import a
from tests.e2e.conftest import AGENT_ANA, AGENTS_CHAT, JOAO_BASIC, STRANGER, Desk, buttons, open_harness, user
from tests.e2e.test_scenarios import ANA, JOAO, open_ticket

pytestmark = pytest.mark.cluster


@pytest.fixture
async def open_desk(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    """No AGENT_IDS: any member of the agents' group is an agent."""
    async for harness in open_harness(redis_config, namespace, runtime_kind, tmp_path, agent_ids=()):
        yield harness


async def test_group_members_are_agents_when_no_ids_are_configured(open_desk: Desk) -> None:
    desk = open_desk
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    # Telegram shows group buttons only to members, so a former member is the outsider who can
    # still hold an old button; their press reaches the bot, and getChatMember says "left".
    mallory = user(STRANGER, "Mallory")
    await desk.api.set_member(AGENTS_CHAT, mallory, "left")
    await desk.bot.dispatcher.handle(
        ButtonPress(
            update_id=10**9,
            callback_id="outsider",
            user=User(STRANGER, "Mallory"),
            chat=Chat(AGENTS_CHAT, ChatKind.SUPERGROUP),
            message_id=card["message_id"],
            data=buttons(card)["Claim"],
        )
    )
    assert (await desk.bot.desk.store.get(number)).state is State.OPEN

    member = await desk.api.callback(
        await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Claim"])
    )
    assert "is yours" in member["text"]
    assert (await desk.bot.desk.store.get(number)).assignee == AGENT_ANA


async def test_photos_travel_both_ways(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    await desk.api.send_message(JOAO, photo={"width": 64, "height": 48}, caption="tela preta assim")
    relayed = await desk.api.wait_for(
        AGENTS_CHAT, lambda m: "photo" in m and "tela preta" in m.get("caption", "")
    )
    assert relayed["reply_to_message"]["message_id"] == card["message_id"]
    assert f"#{number}" in relayed["caption"]

    await desk.api.send_message(
        ANA,
        chat=AGENTS_CHAT,
        photo={"width": 32, "height": 32},
        caption="faça assim",
        reply_to_message_id=card["message_id"],
    )
    received = await desk.api.wait_for(
        JOAO_BASIC, lambda m: "photo" in m and "faça assim" in m.get("caption", "")
    )
    assert received["from"]["is_bot"]
    kinds = [e.get("kind") for e in await desk.bot.desk.store.history(number)]
    assert kinds.count("photo") == 2


async def test_an_album_is_one_relay_an_edit_is_a_line_and_a_voice_message_is_relayed(desk: Desk) -> None:
    number = await open_ticket(desk, JOAO)
    card = await desk.card(number)
    for width, caption in ((40, "fotos do erro"), (41, None)):
        await desk.api.send_message(
            JOAO, photo={"width": width, "height": 30}, caption=caption, media_group_id="joao-1"
        )
    album = await desk.api.wait_for(AGENTS_CHAT, lambda m: "fotos do erro" in m.get("caption", ""))
    assert album["reply_to_message"]["message_id"] == card["message_id"] and f"#{number}" in album["caption"]
    group = [
        m for m in await desk.api.messages(AGENTS_CHAT) if m.get("media_group_id") == album["media_group_id"]
    ]
    assert len(group) == 2
    assert [
        m for m in await desk.api.messages(AGENTS_CHAT) if "photo" in m and "media_group_id" not in m
    ] == []
    appended = [m for m in await desk.bot_messages(JOAO_BASIC) if "adicionad" in m.get("text", "")]
    assert len(appended) <= 1  # the album is one message, acknowledged once at most

    said = await desk.say(JOAO, "o erro é 12")
    await desk.expect(AGENTS_CHAT, "o erro é 12")
    await desk.api.send_message(JOAO, "o erro é 21", edit_message_id=said["message_id"])
    await desk.expect(AGENTS_CHAT, a("en", "edited_line", text="o erro é 21"))
    assert any(e["event"] == "edited" for e in await desk.bot.desk.store.log(number))

    await desk.api.send_message(JOAO, voice={"duration": 2}, caption="escuta")
    voice = await desk.api.wait_for(AGENTS_CHAT, lambda m: "voice" in m)
    assert voice["reply_to_message"]["message_id"] == card["message_id"] and "escuta" in voice["caption"]


async def test_a_photo_that_opens_a_ticket_reaches_the_agents_under_its_card(desk: Desk) -> None:
    await desk.api.send_message(
        JOAO, photo={"width": 64, "height": 48}, caption="nenhum canal abre, tela assim"
    )
    opened = await desk.expect(JOAO_BASIC, "Abri o chamado")
    number = int(opened["text"].split("#", 1)[1].split()[0].rstrip("."))
    card = await desk.card(number)
    relayed = await desk.api.wait_for(AGENTS_CHAT, lambda m: "photo" in m)
    assert relayed.get("reply_to_message", {}).get("message_id") == card["message_id"], relayed
    assert f"#{number}" in relayed["caption"] and "tela assim" in relayed["caption"]
    assert (await desk.bot.desk.store.history(number))[0]["kind"] == "photo"
