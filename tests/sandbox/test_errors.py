"""Failures answer Telegram's envelope, status code and description, as frameworks expect them."""

from __future__ import annotations

import json

import aiohttp
import pytest

from sandbox import SandboxClient
from tests.sandbox.conftest import ANA, GROUP, BotApi

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


async def test_empty_and_whitespace_text(api: BotApi, ana_chat: int) -> None:
    assert await api.error("sendMessage", chat_id=ana_chat, text="") == (
        400,
        "Bad Request: message text is empty",
    )
    assert await api.error("sendMessage", chat_id=ana_chat, text=" \n ") == (
        400,
        "Bad Request: message text is empty",
    )
    empty_html = await api.error("sendMessage", chat_id=ana_chat, text="<b></b>", parse_mode="HTML")
    assert empty_html == (400, "Bad Request: message text is empty")


async def test_text_length_counts_after_entities_parsing(api: BotApi, ana_chat: int) -> None:
    assert await api.error("sendMessage", chat_id=ana_chat, text="x" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    sent = await api.ok("sendMessage", chat_id=ana_chat, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert len(sent["text"]) == 4096
    emoji = await api.error("sendMessage", chat_id=ana_chat, text="📺" * 2049)
    assert emoji == (400, "Bad Request: message is too long")


async def test_surrounding_whitespace_is_trimmed(api: BotApi, ana_chat: int) -> None:
    sent = await api.ok("sendMessage", chat_id=ana_chat, text="  <b>oi</b> \n", parse_mode="HTML")
    assert sent["text"] == "oi"
    assert sent["entities"] == [{"offset": 0, "length": 2, "type": "bold"}]


async def test_caption_limit(api: BotApi, client: SandboxClient, ana_chat: int) -> None:
    photo = (await client.send_message(ANA, photo={"width": 40, "height": 30}))["message_id"]
    file_id = (await client.messages(ana_chat, after=photo - 1))[0]["photo"][-1]["file_id"]
    assert await api.error("sendPhoto", chat_id=ana_chat, photo=file_id, caption="c" * 1025) == (
        400,
        "Bad Request: message caption is too long",
    )


async def test_bad_html_is_a_parse_error(api: BotApi, ana_chat: int) -> None:
    code, description = await api.error("sendMessage", chat_id=ana_chat, text="<b>oi", parse_mode="HTML")
    assert code == 400
    assert (
        description
        == "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )
    code, description = await api.error("sendMessage", chat_id=ana_chat, text="*oi*", parse_mode="MarkdownV2")
    assert code == 400 and description.startswith("Bad Request: can't parse entities: ")
    assert await api.error("sendMessage", chat_id=ana_chat, text="oi", parse_mode="BBCode") == (
        400,
        "Bad Request: unsupported parse_mode",
    )


async def test_not_modified_and_edit_targets(api: BotApi, ana_chat: int) -> None:
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    sent = await api.ok(
        "sendMessage", chat_id=ana_chat, text="<b>v1</b>", parse_mode="HTML", reply_markup=keyboard
    )
    same = {"chat_id": ana_chat, "message_id": sent["message_id"], "text": "<b>v1</b>", "parse_mode": "HTML"}
    assert await api.error("editMessageText", **same, reply_markup=keyboard) == (400, NOT_MODIFIED)
    assert await api.error(
        "editMessageReplyMarkup", chat_id=ana_chat, message_id=sent["message_id"], reply_markup=keyboard
    ) == (400, NOT_MODIFIED)
    edited = await api.ok("editMessageText", **same)
    assert "reply_markup" not in edited and "edit_date" in edited
    assert await api.error("editMessageText", chat_id=ana_chat, message_id=999, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert await api.error("editMessageText", chat_id=ana_chat, message_id=1, text="x") == (
        400,
        "Bad Request: message can't be edited",
    )
    assert await api.error("deleteMessage", chat_id=ana_chat, message_id=999) == (
        400,
        "Bad Request: message to delete not found",
    )


async def test_chat_errors(api: BotApi, client: SandboxClient) -> None:
    assert await api.error("sendMessage", chat_id=777, text="oi") == (400, "Bad Request: chat not found")
    assert await api.error("sendMessage", chat_id="@nobody", text="oi") == (
        400,
        "Bad Request: chat not found",
    )
    await client.send_message(ANA, "no grupo", chat={"id": GROUP, "type": "supergroup", "title": "Agentes"})
    assert await api.error("sendMessage", chat_id=ANA["id"], text="oi") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


async def test_blocked_user(api: BotApi, client: SandboxClient, ana_chat: int) -> None:
    await client.block(ana_chat)
    assert await api.error("sendMessage", chat_id=ana_chat, text="oi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    await client.unblock(ana_chat)
    await api.ok("sendMessage", chat_id=ana_chat, text="oi")


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        (
            {"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"inline_keyboard": [[{"text": "A", "callback_data": "ç" * 33}]]},
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        ({"inline_keyboard": [[{"text": "A", "callback_data": ""}]]}, "Bad Request: BUTTON_DATA_INVALID"),
        (
            {"inline_keyboard": [[{"text": "A"}]]},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"inline_keyboard": [{"text": "A", "callback_data": "a"}]},
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays',
        ),
        (
            {"inline_keyboard": [[{"text": str(i), "callback_data": "a"}] for i in range(101)]},
            "Bad Request: reply markup is too long",
        ),
        (
            {"inline_keyboard": [[{"text": "A", "url": "not a url"}]]},
            "Bad Request: inline keyboard button URL 'not a url' is invalid: Wrong HTTP URL",
        ),
        ({"nothing": True}, "Bad Request: can't parse reply keyboard markup JSON object"),
    ],
)
async def test_inline_keyboard_validation(api: BotApi, ana_chat: int, markup: dict, description: str) -> None:
    assert await api.error("sendMessage", chat_id=ana_chat, text="oi", reply_markup=markup) == (
        400,
        description,
    )


async def test_callback_data_of_64_bytes_is_fine(api: BotApi, ana_chat: int) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "ç" * 32}]]}
    await api.ok("sendMessage", chat_id=ana_chat, text="oi", reply_markup=markup)


async def test_unknown_method_and_wrong_token(api: BotApi, http: aiohttp.ClientSession) -> None:
    assert await api.error("sendTelepathy") == (404, "Not Found")
    status, body = await api.raw("getMe", token="999:wrong")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_form_encoded_and_query_parameters_work_as_in_telegram(api: BotApi, ana_chat: int) -> None:
    base = f"{api.sandbox.base_url}/bot{api.sandbox.token}"
    markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    async with api.http.post(
        f"{base}/sendMessage", data={"chat_id": str(ana_chat), "text": "form", "reply_markup": markup}
    ) as response:
        body = await response.json()
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    async with api.http.get(
        f"{base}/sendmessage", params={"chat_id": str(ana_chat), "text": "query"}
    ) as response:
        body = await response.json()
    assert body["ok"] and body["result"]["text"] == "query"


async def test_answer_callback_query_twice_or_unknown(api: BotApi) -> None:
    assert await api.error("answerCallbackQuery", callback_query_id="nope") == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
