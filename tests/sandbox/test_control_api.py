"""The control API contract, route by route, through SandboxClient (and raw HTTP where it matters)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from sandbox import Sandbox, SandboxClient, SandboxError
from tests.sandbox.conftest import ANA, BOT_ID, BRUNO, GROUP, BotApi


async def test_user_message_in_private_chat_becomes_an_update(client: SandboxClient, api: BotApi) -> None:
    sent = await client.send_message(ANA, "/status 1234")
    assert sent["message_id"] == 1 and sent["update_id"] > 0
    [update] = await api.ok("getUpdates")
    message = update["message"]
    assert update["update_id"] == sent["update_id"]
    assert message["chat"] == {
        "id": ANA["id"],
        "type": "private",
        "first_name": "Ana",
        "username": "ana_iptv",
    }
    assert message["from"] == {
        "id": ANA["id"],
        "is_bot": False,
        "first_name": "Ana",
        "username": "ana_iptv",
        "language_code": "pt-br",
    }
    assert message["entities"] == [{"offset": 0, "length": 7, "type": "bot_command"}]


async def test_group_message_makes_a_member_and_replies_nest_one_level(
    client: SandboxClient, api: BotApi
) -> None:
    group = {"id": GROUP, "type": "supergroup", "title": "Agentes"}
    first = await client.send_message(ANA, "primeira", chat=group)
    second = await client.send_message(BRUNO, "resposta", chat=GROUP, reply_to_message_id=first["message_id"])
    third = await client.send_message(ANA, "e outra", chat=GROUP, reply_to_message_id=second["message_id"])
    assert (await api.ok("getChatMember", chat_id=GROUP, user_id=BRUNO["id"]))["status"] == "member"
    messages = await client.messages(GROUP)
    assert [m["message_id"] for m in messages] == [
        first["message_id"],
        second["message_id"],
        third["message_id"],
    ]
    nested = messages[2]["reply_to_message"]
    assert nested["message_id"] == second["message_id"] and "reply_to_message" not in nested
    assert messages[0]["chat"] == {"id": GROUP, "type": "supergroup", "title": "Agentes"}


async def test_contact_keeps_exactly_what_the_caller_sent(client: SandboxClient) -> None:
    own = await client.send_message(ANA, contact={"phone_number": "+5511999990000", "user_id": ANA["id"]})
    foreign = await client.send_message(ANA, contact={"phone_number": "+5511888880000", "first_name": "Mãe"})
    messages = {m["message_id"]: m for m in await client.messages(ANA["id"])}
    assert messages[own["message_id"]]["contact"] == {
        "phone_number": "+5511999990000",
        "first_name": "Ana",
        "user_id": ANA["id"],
    }
    assert messages[foreign["message_id"]]["contact"] == {
        "phone_number": "+5511888880000",
        "first_name": "Mãe",
    }


async def test_photo_message_is_downloadable(client: SandboxClient, api: BotApi) -> None:
    await client.send_message(ANA, photo={"width": 400, "height": 300}, caption="tela preta")
    [message] = await client.messages(ANA["id"])
    assert message["caption"] == "tela preta"
    assert (message["photo"][-1]["width"], message["photo"][-1]["height"]) == (400, 300)
    file = await api.ok("getFile", file_id=message["photo"][-1]["file_id"])
    url = f"{api.sandbox.base_url}/file/bot{api.sandbox.token}/{file['file_path']}"
    async with api.http.get(url) as response:
        assert response.status == 200 and len(await response.read()) == file["file_size"]


async def test_long_text_arrives_in_parts_like_telegram_apps_send_it(client: SandboxClient) -> None:
    sent = await client.send_message(ANA, "palavra " * 1000)
    assert len(sent["message_ids"]) == 2 and sent["message_id"] == sent["message_ids"][-1]
    texts = [m["text"] for m in await client.messages(ANA["id"])]
    assert all(len(text) <= 4096 for text in texts)
    assert " ".join(texts).split() == ["palavra"] * 1000


@pytest.mark.parametrize(
    "body",
    [
        {"text": "oi"},
        {"user": {"id": 5}, "text": "oi"},
        {"user": ANA},
        {"user": ANA, "text": "oi", "chat": {"id": 42, "type": "private"}},
        {"user": ANA, "text": "oi", "chat": {"id": 42, "type": "group"}},
        {"user": ANA, "text": "oi", "reply_to_message_id": 99},
        {"user": ANA, "text": "oi", "message_thread_id": 7},
        {"user": {"id": BOT_ID, "first_name": "me"}, "text": "oi"},
    ],
)
async def test_bad_message_requests_are_400(
    sandbox: Sandbox, http: aiohttp.ClientSession, body: dict
) -> None:
    async with http.post(f"{sandbox.base_url}/sandbox/api/messages", json=body) as response:
        assert response.status == 400
        assert "error" in await response.json()


async def test_press_and_callback_answer_with_wait(client: SandboxClient, api: BotApi, ana_chat: int) -> None:
    card = await api.ok(
        "sendMessage",
        chat_id=ana_chat,
        text="Ajudou?",
        reply_markup={"inline_keyboard": [[{"text": "Sim", "callback_data": "faq:yes"}]]},
    )
    press = await client.press(ANA, ana_chat, card["message_id"], "faq:yes")
    assert await client.callback(press, wait=0) == {
        "answered": False,
        "text": None,
        "show_alert": False,
        "url": None,
    }
    updates = await api.ok("getUpdates")
    query = updates[-1]["callback_query"]
    assert query["message"]["reply_markup"] == card["reply_markup"] and query["chat_instance"]

    waiting = asyncio.create_task(client.callback(press, wait=10))
    await asyncio.sleep(0)
    await api.ok("answerCallbackQuery", callback_query_id=press, text="Que bom!")
    assert await waiting == {"answered": True, "text": "Que bom!", "show_alert": False, "url": None}
    with pytest.raises(SandboxError) as missing:
        await client.callback("nope")
    assert missing.value.status == 404
    with pytest.raises(SandboxError):
        await client.press(ANA, ana_chat, 1, "x")  # a user's message has no buttons


async def test_messages_long_poll_wakes_on_new_message_edit_and_delete(
    client: SandboxClient, api: BotApi, ana_chat: int
) -> None:
    page = await client.changes(ana_chat)
    waiting = asyncio.create_task(client.messages(ana_chat, after=page.messages[-1]["message_id"], wait=10))
    await asyncio.sleep(0.05)
    sent = await api.ok("sendMessage", chat_id=ana_chat, text="v1")
    assert [m["text"] for m in await waiting] == ["v1"]

    version = (await client.changes(ana_chat)).version
    editing = asyncio.create_task(client.changes(ana_chat, since=version, wait=10))
    await asyncio.sleep(0.05)
    await api.ok("editMessageText", chat_id=ana_chat, message_id=sent["message_id"], text="v2")
    edited = await editing
    assert [m["text"] for m in edited.messages] == ["v2"] and edited.version > version

    await api.ok("deleteMessage", chat_id=ana_chat, message_id=sent["message_id"])
    gone = await client.changes(ana_chat, since=edited.version, wait=10)
    assert gone.deleted == [sent["message_id"]] and gone.messages == []
    assert await client.messages(ana_chat, after=sent["message_id"], wait=0) == []


async def test_wait_for_sees_edits(client: SandboxClient, api: BotApi, ana_chat: int) -> None:
    sent = await api.ok("sendMessage", chat_id=ana_chat, text="🔴 P1 aberto")

    async def edit_later() -> None:
        """An agent claims the ticket a moment later."""
        await asyncio.sleep(0.05)
        await api.ok("editMessageText", chat_id=ana_chat, message_id=sent["message_id"], text="🔴 P1 com Ana")

    editor = asyncio.create_task(edit_later())
    found = await client.wait_for(ana_chat, lambda m: "com Ana" in m.get("text", ""), timeout=10)
    await editor
    assert found["message_id"] == sent["message_id"] and "edit_date" in found
    with pytest.raises(TimeoutError, match="no matching message"):
        await client.wait_for(ana_chat, lambda m: False, timeout=0.05)


async def test_chats_members_and_forum(client: SandboxClient, api: BotApi) -> None:
    created = await client.create_chat(
        GROUP, title="Agentes", is_forum=True, members=[{"user": ANA, "status": "administrator"}]
    )
    assert created["is_forum"] and created["members"][0]["status"] == "administrator"
    topic = await api.ok("createForumTopic", chat_id=GROUP, name="Ticket 9")
    await client.send_message(BRUNO, "no tópico", chat=GROUP, message_thread_id=topic["message_thread_id"])
    member = await client.set_member(GROUP, BRUNO, "kicked")
    assert member["status"] == "kicked"
    [chat] = [c for c in await client.chats() if c["id"] == GROUP]
    assert chat["topics"] == [
        {
            "message_thread_id": topic["message_thread_id"],
            "name": "Ticket 9",
            "icon_color": 7322096,
            "is_closed": False,
        }
    ]
    assert {m["user"]["id"]: m["status"] for m in chat["members"]} == {
        ANA["id"]: "administrator",
        BRUNO["id"]: "kicked",
    }
    in_topic = (await client.messages(GROUP))[-1]
    assert in_topic["message_thread_id"] == topic["message_thread_id"] and in_topic["is_topic_message"]
    assert in_topic["reply_to_message"]["forum_topic_created"]["name"] == "Ticket 9"


async def test_reply_keyboard_and_chat_action_show_in_chats(
    client: SandboxClient, api: BotApi, ana_chat: int
) -> None:
    keyboard = {
        "keyboard": [[{"text": "Compartilhar telefone", "request_contact": True}]],
        "resize_keyboard": True,
    }
    sent = await api.ok("sendMessage", chat_id=ana_chat, text="Seu telefone?", reply_markup=keyboard)
    assert "reply_markup" not in sent  # Message.reply_markup is only ever an inline keyboard
    await api.ok("sendChatAction", chat_id=ana_chat, action="typing")
    [chat] = await client.chats()
    assert chat["reply_keyboard"] == keyboard and chat["chat_action"]["action"] == "typing"
    await api.ok("sendMessage", chat_id=ana_chat, text="Obrigado", reply_markup={"remove_keyboard": True})
    assert (await client.chats())[0]["reply_keyboard"] is None


async def test_block_unblock_queue_my_chat_member(client: SandboxClient, api: BotApi, ana_chat: int) -> None:
    await client.block(ana_chat)
    await client.unblock(ana_chat)
    kinds = [
        (u["my_chat_member"]["old_chat_member"]["status"], u["my_chat_member"]["new_chat_member"]["status"])
        for u in await api.ok("getUpdates")
        if "my_chat_member" in u
    ]
    assert kinds == [("member", "kicked"), ("kicked", "member")]
    with pytest.raises(SandboxError):
        await client.block(999)


async def test_redeliver_queues_the_same_update_again(client: SandboxClient, api: BotApi) -> None:
    sent = await client.send_message(ANA, "nenhum canal funciona")
    later = await client.send_message(ANA, "e agora?")
    updates = await api.ok("getUpdates")
    assert [u["update_id"] for u in await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1)] == []
    await client.redeliver(sent["update_id"])
    again = await api.ok("getUpdates", offset=later["update_id"] + 1)
    assert [u["update_id"] for u in again] == [sent["update_id"]]
    assert again[0]["message"]["text"] == "nenhum canal funciona"
    assert await api.ok("getUpdates", offset=later["update_id"] + 1) == []
    with pytest.raises(SandboxError):
        await client.redeliver(999)


async def test_limits_stats_and_bot_info(client: SandboxClient, api: BotApi) -> None:
    assert (await client.set_limits(True))["limits"]["group_per_minute"] == 20
    await api.ok("getMe")
    await api.error("noSuchMethod")
    assert (await client.stats())["calls"] == {"getMe": 1, "noSuchMethod": 1}
    await api.ok("setMyCommands", commands=[{"command": "status", "description": "Ver chamado"}])
    info = await client.bot_info()
    assert info["user"]["id"] == BOT_ID and info["webhook_url"] is None and info["pending_update_count"] == 0
    assert list(info["commands"].values()) == [[{"command": "status", "description": "Ver chamado"}]]


async def test_a_forums_topics_are_listed_as_the_apps_list_them_and_each_reads_apart(
    client: SandboxClient, api: BotApi
) -> None:
    await client.create_chat(GROUP, title="Agentes", is_forum=True)
    await client.create_chat(-1009, title="Plain group")
    with pytest.raises(SandboxError, match="not a forum"):
        await client.topics(-1009)
    billing = await api.ok("createForumTopic", chat_id=GROUP, name="Billing", icon_color=16766590)
    outage = await api.ok("createForumTopic", chat_id=GROUP, name="Outage")
    board = await api.ok("sendMessage", chat_id=GROUP, text="Queue: 2 waiting")
    await client.send_message(BRUNO, "pix falhou", chat=GROUP, message_thread_id=billing["message_thread_id"])
    await api.ok("closeForumTopic", chat_id=GROUP, message_thread_id=outage["message_thread_id"])

    general, first, second = await client.topics(GROUP)
    assert (general["name"], general["is_general"], general["message_thread_id"]) == ("General", True, 1)
    assert general["last_message"]["text"] == "Queue: 2 waiting" and general["unread_count"] == 1
    # Newest activity first: the outage topic's closing came after Bruno's message in billing.
    assert (first["name"], first["is_closed"], first["icon_color"]) == ("Outage", True, 7322096)
    assert "forum_topic_closed" in first["last_message"] and first["unread_count"] == 2
    assert (second["name"], second["is_closed"], second["icon_color"]) == ("Billing", False, 16766590)
    assert second["last_message"]["text"] == "pix falhou" and second["unread_count"] == 2

    assert await client.read_topic(GROUP, billing["message_thread_id"]) == 0
    assert await client.read_topic(GROUP, 1, message_id=board["message_id"] - 1) == 1
    assert [t["unread_count"] for t in await client.topics(GROUP)] == [1, 2, 0]

    in_general = await client.messages(GROUP, thread=1)
    assert [m["text"] for m in in_general] == ["Queue: 2 waiting"]
    in_billing = await client.messages(GROUP, thread=billing["message_thread_id"])
    assert [m.get("text") for m in in_billing] == [None, "pix falhou"]  # the topic's creation, then Bruno
