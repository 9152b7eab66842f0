"""Everything the sandbox answers matches the official Bot API types: names, types, required fields."""

from __future__ import annotations

import base64
from typing import Any

from sandbox import SandboxClient
from tests.sandbox.conftest import ANA, BOT_ID, BRUNO, GROUP, BotApi
from tests.sandbox.schema import assert_valid, problems
from tests.sandbox.test_aiogram import png

RETURNS = {
    "getMe": "User",
    "getUpdates": "Array of Update",
    "sendMessage": "Message",
    "sendPhoto": "Message",
    "sendDocument": "Message",
    "editMessageText": "Message",
    "editMessageCaption": "Message",
    "editMessageReplyMarkup": "Message",
    "forwardMessage": "Message",
    "copyMessage": "MessageId",
    "getFile": "File",
    "getChatMember": "ChatMember",
    "getChat": "ChatFullInfo",
    "createForumTopic": "ForumTopic",
    "getWebhookInfo": "WebhookInfo",
    "getMyCommands": "Array of BotCommand",
}


async def call(api: BotApi, method: str, **params: Any) -> Any:
    """A successful call whose result is checked against the method's return type."""
    result = await api.ok(method, **params)
    assert_valid(result, RETURNS.get(method, "Boolean"))
    return result


async def test_a_whole_session_answers_official_types(api: BotApi, client: SandboxClient) -> None:
    await client.send_message(ANA, "/start")
    await client.send_message(ANA, contact={"phone_number": "+5511999990000", "user_id": ANA["id"]})
    await client.send_message(ANA, photo={"data_base64": base64.b64encode(png()).decode()}, caption="tela")
    await client.create_chat(
        GROUP, title="Agentes", is_forum=True, members=[{"user": BRUNO, "status": "creator"}]
    )
    await client.send_message(ANA, "no grupo", chat=GROUP)

    await call(api, "getMe")
    keyboard = {
        "inline_keyboard": [
            [{"text": "Assumir", "callback_data": "claim:1"}],
            [{"text": "Painel", "url": "https://status.example"}],
        ]
    }
    card = await call(
        api,
        "sendMessage",
        chat_id=GROUP,
        text="<b>#1</b> <a href='tg://user?id=601'>Ana</a>",
        parse_mode="HTML",
        reply_markup=keyboard,
        reply_parameters={"message_id": 1},
    )
    topic = await call(api, "createForumTopic", chat_id=GROUP, name="Ticket 1")
    in_topic = await call(
        api, "sendMessage", chat_id=GROUP, text="no tópico", message_thread_id=topic["message_thread_id"]
    )
    await call(api, "editForumTopic", chat_id=GROUP, message_thread_id=topic["message_thread_id"], name="T1")
    await call(api, "closeForumTopic", chat_id=GROUP, message_thread_id=topic["message_thread_id"])
    await call(api, "pinChatMessage", chat_id=GROUP, message_id=in_topic["message_id"])
    await call(
        api,
        "editMessageText",
        chat_id=GROUP,
        message_id=card["message_id"],
        text="#1 com Ana",
        reply_markup=keyboard,
    )
    await call(api, "editMessageReplyMarkup", chat_id=GROUP, message_id=card["message_id"])
    await client.press(BRUNO, GROUP, card["message_id"], "claim:1")

    photo = await call(
        api,
        "sendPhoto",
        chat_id=ANA["id"],
        photo=(await client.messages(ANA["id"]))[2]["photo"][0]["file_id"],
        caption="gráfico",
    )
    await call(api, "editMessageCaption", chat_id=ANA["id"], message_id=photo["message_id"], caption="novo")
    await call(api, "getFile", file_id=photo["photo"][0]["file_id"])
    await call(api, "copyMessage", chat_id=ANA["id"], from_chat_id=GROUP, message_id=card["message_id"])
    await call(
        api, "forwardMessage", chat_id=ANA["id"], from_chat_id=GROUP, message_id=in_topic["message_id"]
    )
    await call(api, "sendChatAction", chat_id=ANA["id"], action="upload_photo")
    for user_id in (ANA["id"], BRUNO["id"], BOT_ID):
        await call(api, "getChatMember", chat_id=GROUP, user_id=user_id)
    await call(api, "getChat", chat_id=GROUP)
    await call(api, "setMyCommands", commands=[{"command": "status", "description": "Ver chamado"}])
    await call(api, "getMyCommands")
    await call(api, "getWebhookInfo")
    await client.block(ANA["id"])

    updates = await call(api, "getUpdates")
    assert {kind for update in updates for kind in update if kind != "update_id"} == {
        "message",
        "callback_query",
        "my_chat_member",
    }
    for chat_id in (ANA["id"], GROUP):
        assert_valid(await client.messages(chat_id), "Array of Message")


def test_the_checker_catches_invented_and_missing_fields() -> None:
    found = problems({"message_id": 1, "date": 0, "chat": {"id": 1}, "txt": "typo"}, "Message")
    assert found == ["$: Message has no field 'txt'", "$.chat: Chat lacks required 'type'"]
