"""PTB's aiohttp backend: PTB's Bot works through it, and its failures are PTB's, without the token."""

from __future__ import annotations

import asyncio
import logging
import socket
import traceback
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.error import NetworkError, TelegramError, TimedOut

from bot import redaction
from bot.runtime import build_runtime
from bot.runtime.ptb_request import AiohttpRequest
from sandbox.client import SandboxClient
from sandbox.server import Sandbox
from tests.sandbox.test_aiogram import png

TOKEN = "4242:a-secret-that-must-not-leak"
ANA = {"id": 801, "first_name": "Ana"}


def free_port() -> int:
    """A TCP port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox with flood limits off."""
    async with Sandbox(limits_enabled=False) as server:
        yield server


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """A Bot API base URL whose server accepts requests and never answers them."""

    async def never(_: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", never)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_ptb_bot_sends_text_and_uploads_bytes_through_it(sandbox: Sandbox) -> None:
    async with SandboxClient(sandbox.base_url) as api:
        await api.send_message(ANA, "oi")
        bot = Bot(TOKEN, base_url=sandbox.ptb_base_url, request=AiohttpRequest())
        async with bot:
            sent = await bot.send_message(
                ANA["id"],
                "<b>olá</b>",
                parse_mode="HTML",
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Sim", callback_data="y:1")]]),
            )
            photo = await bot.send_photo(
                ANA["id"], InputFile(png(64, 48), filename="chart.png"), caption="chart"
            )
        stored = await api.messages(ANA["id"])
    assert sent.text == "olá" and sent.entities[0].type == "bold"
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "y:1"
    assert photo.photo[-1].width == 64 and photo.caption == "chart"
    assert [m.get("text", m.get("caption")) for m in stored if m["from"].get("is_bot")] == ["olá", "chart"]


@pytest.fixture
async def garbling_server() -> AsyncIterator[str]:
    """A Bot API base URL whose server answers every request with a body that is not JSON."""

    async def garbled(_: web.Request) -> web.Response:
        return web.Response(body=b'{"ok": true, "result": {"id": 1,', content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", garbled)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_an_answer_that_is_not_json_is_ptbs_invalid_server_response(
    garbling_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=f"{garbling_server}/bot", request=request)
    try:
        with caplog.at_level(logging.ERROR), pytest.raises(TelegramError, match="Invalid server response"):
            await bot.get_me()
    finally:
        await request.shutdown()
    assert "invalid JSON" in caplog.text and TOKEN not in caplog.text


async def test_a_server_that_never_answers_times_out_and_no_traceback_quotes_the_token(
    silent_server: str,
) -> None:
    request = AiohttpRequest(connection_pool_size=1, read_timeout=1, pool_timeout=0.05, connect_timeout=0.05)
    bot = Bot(TOKEN, base_url=f"{silent_server}/bot", request=request)
    try:
        waiting, queued = await asyncio.gather(bot.get_me(), bot.get_me(), return_exceptions=True)
    finally:
        await request.shutdown()
    assert isinstance(waiting, TimedOut) and isinstance(queued, TimedOut)  # no answer; no free connection
    for error in (waiting, queued):
        assert TOKEN not in "".join(traceback.format_exception(error))


@pytest.mark.parametrize(
    ("base", "error"),
    [
        ("http://127.0.0.1:{port}/bot", "aiohttp.ClientConnectorError"),
        ("ftp://127.0.0.1:{port}/bot", "aiohttp.NonHttpUrlClientError"),
    ],
    ids=["refused", "bad-url"],
)
async def test_a_failed_request_is_a_network_error_that_does_not_quote_the_token(
    base: str, error: str
) -> None:
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=base.format(port=free_port()), request=request)
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.get_me()
    finally:
        await request.shutdown()
    assert not isinstance(caught.value, TimedOut)
    assert error in caught.value.message
    assert TOKEN not in caught.value.message


async def test_usable_before_initialize_refused_after_shutdown_and_reopened_by_initialize(
    sandbox: Sandbox,
) -> None:
    request = AiohttpRequest()
    url = f"{sandbox.ptb_base_url}{TOKEN}/getMe"
    assert (await request.post(url))["is_bot"] is True
    await request.shutdown()
    with pytest.raises(NetworkError, match="shut down"):
        await request.post(url)
    await request.initialize()
    try:
        assert (await request.post(url))["is_bot"] is True
    finally:
        await request.shutdown()
    await request.shutdown()


async def test_building_the_ptb_runtime_never_logs_the_token(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(redaction.REDACTOR)  # as `supportbot` puts it on the root handler
    with caplog.at_level(logging.DEBUG):
        runtime = build_runtime("ptb", TOKEN, sandbox.base_url)
        try:
            await runtime.bot_username()
        finally:
            await runtime.close()
    assert "Set Bot API URL" in caplog.text
    assert TOKEN not in caplog.text
