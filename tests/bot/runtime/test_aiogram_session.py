"""aiogram's session with JSON bodies: what it sends is what the Bot API reads from aiogram's form."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
)
from aiohttp import web

from bot.runtime.aiogram_session import JsonBodySession
from sandbox.client import SandboxClient
from sandbox.server import Sandbox
from tests.sandbox.test_aiogram import png

ANA = {"id": 801, "first_name": "Ana"}
KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Sim", callback_data="y:1")]])


@pytest.fixture
async def recorder() -> AsyncIterator[tuple[str, list[tuple[str, bytes]]]]:
    """A Bot API stand-in that records each request's content type and body and answers a message."""
    seen: list[tuple[str, bytes]] = []

    async def answer(request: web.Request) -> web.Response:
        seen.append((request.content_type, await request.read()))
        message = {"message_id": 1, "date": 0, "chat": {"id": ANA["id"], "type": "private"}}
        return web.json_response({"ok": True, "result": message})

    app = web.Application()
    app.router.add_post("/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


def bot_on(base_url: str, token: str = "4242:session-test") -> Bot:
    return Bot(token, session=JsonBodySession(api=TelegramAPIServer.from_base(base_url)))


async def test_a_request_without_files_is_a_json_body_of_aiograms_fields(
    recorder: tuple[str, list[tuple[str, bytes]]],
) -> None:
    base_url, seen = recorder
    bot = bot_on(base_url)
    try:
        await bot.send_message(ANA["id"], "<b>olá</b>", parse_mode="HTML", reply_markup=KEYBOARD)
        await bot.send_photo(ANA["id"], BufferedInputFile(png(), "chart.png"), caption="chart")
    finally:
        await bot.session.close()

    (text_type, text_body), (photo_type, _) = seen
    assert text_type == "application/json"
    fields: dict[str, Any] = json.loads(text_body)
    assert fields["chat_id"] == str(ANA["id"]) and fields["parse_mode"] == "HTML"
    assert json.loads(fields["reply_markup"]) == {
        "inline_keyboard": [[{"text": "Sim", "callback_data": "y:1"}]]
    }
    assert photo_type == "multipart/form-data"


async def test_the_sandbox_takes_its_messages_keyboards_and_uploads(sandbox: Sandbox) -> None:
    async with SandboxClient(sandbox.base_url) as api:
        await api.send_message(ANA, "oi")
        bot = bot_on(sandbox.base_url, sandbox.token)
        try:
            sent = await bot.send_message(
                ANA["id"],
                "<b>olá</b>",
                parse_mode="HTML",
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=KEYBOARD,
            )
            photo = await bot.send_photo(ANA["id"], BufferedInputFile(png(64, 48), "chart.png"), caption="c")
        finally:
            await bot.session.close()
    assert sent.text == "olá" and sent.entities is not None and sent.entities[0].type == "bold"
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "y:1"
    assert photo.photo is not None and photo.photo[-1].width == 64
