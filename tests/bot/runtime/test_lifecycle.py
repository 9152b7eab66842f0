"""Start, stop, failures and webhook mode of both runtimes, against the sandbox."""

from __future__ import annotations

import asyncio
import logging
import traceback
from typing import Any

import aiohttp
import pytest

from bot.durable.inbox import Inbox as DurableInbox
from bot.durable.intake import Intake
from bot.redis_connection import RedisClient
from bot.runtime import Runtime, RuntimeKind, build_runtime
from escalation.keys import Keys
from handlers.events import Event, IncomingMessage, Outgoing
from handlers.messenger import TelegramError
from sandbox.client import SandboxClient
from sandbox.server import Sandbox
from tests.bot.runtime.conftest import WAIT_S, Inbox, bot_api, free_port, stop

ANA = {"id": 801, "first_name": "Ana"}
BRUNO = {"id": 802, "first_name": "Bruno"}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def texts(events: list[Event]) -> list[str]:
    """The texts of the messages among the events."""
    return [e.text for e in events if isinstance(e, IncomingMessage)]


async def test_a_failing_handler_is_logged_and_polling_goes_on(
    client: SandboxClient, runtime: Runtime, caplog: pytest.LogCaptureFixture, intake: Intake
) -> None:
    inbox = Inbox(fail=lambda e: isinstance(e, IncomingMessage) and e.text == "quebra")
    polling = asyncio.create_task(intake.run_polling(inbox))
    try:
        with caplog.at_level(logging.ERROR, logger="bot.runtime"):
            failing = await client.send_message(ANA, "quebra")
            await client.send_message(ANA, "depois")
            await client.send_message(BRUNO, "outro chat")
            events = [await inbox.next() for _ in range(3)]
        assert sorted(texts(events)) == ["depois", "outro chat", "quebra"]
        assert not polling.done()
    finally:
        await stop(polling)
    logged = [r for r in caplog.records if f"update {failing['update_id']} failed" in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None


async def test_one_chat_in_order_while_another_chat_is_not_held_up(
    client: SandboxClient, runtime: Runtime, intake: Intake
) -> None:
    ana_released = asyncio.Event()
    handled: list[tuple[int, str]] = []
    all_done = asyncio.Event()

    async def handle(event: Event) -> None:
        assert isinstance(event, IncomingMessage)
        if event.text == "a1":
            await asyncio.wait_for(ana_released.wait(), WAIT_S)
        handled.append((event.chat.id, event.text))
        if event.chat.id == BRUNO["id"]:
            ana_released.set()
        if len(handled) == 3:
            all_done.set()

    for user, text in [(ANA, "a1"), (ANA, "a2"), (BRUNO, "b1")]:
        await client.send_message(user, text)
    polling = asyncio.create_task(intake.run_polling(handle))
    try:
        await asyncio.wait_for(all_done.wait(), WAIT_S)
    finally:
        await stop(polling)
    assert handled == [(802, "b1"), (801, "a1"), (801, "a2")]


async def test_polling_removes_a_webhook_left_behind(
    sandbox: Sandbox, client: SandboxClient, runtime: Runtime, intake: Intake
) -> None:
    await bot_api(sandbox, "setWebhook", url="http://127.0.0.1:9/old-deploy")
    await client.send_message(ANA, "oi")

    inbox = Inbox()
    polling = asyncio.create_task(intake.run_polling(inbox))
    try:
        assert texts([await inbox.next()]) == ["oi"]
    finally:
        await stop(polling)
    assert (await client.bot_info())["webhook_url"] in (None, "")


async def test_start_and_stop_are_logged_alike_and_the_token_never_is(
    kind: RuntimeKind,
    sandbox: Sandbox,
    client: SandboxClient,
    runtime: Runtime,
    caplog: pytest.LogCaptureFixture,
    intake: Intake,
) -> None:
    inbox = Inbox(fail=lambda e: True)
    with caplog.at_level(logging.DEBUG):
        polling = asyncio.create_task(intake.run_polling(inbox))
        await client.send_message(ANA, "oi")
        await inbox.next()
        await runtime.messenger.send(Outgoing(chat_id=801, text="olá"))
        await stop(polling)

    lines = [r.getMessage() for r in caplog.records if r.name == "bot.runtime" and r.levelno == logging.INFO]
    assert f"runtime={kind} polling as @iptv_support_sandbox_bot via {sandbox.base_url}" in lines
    assert lines[-1] == f"runtime={kind} polling stopped"
    assert sandbox.token not in caplog.text


async def test_a_rejected_token_fails_start_without_quoting_it(
    kind: RuntimeKind, caplog: pytest.LogCaptureFixture, redis: RedisClient, namespace: str
) -> None:
    async with Sandbox(token="4242:the-right-one") as sandbox:
        wrong = "4242:a-secret-that-must-not-leak"
        runtime = build_runtime(kind, wrong, sandbox.base_url)
        try:
            with (
                caplog.at_level(logging.DEBUG),
                pytest.raises(TelegramError, match="rejected the bot token") as caught,
            ):
                await Intake(runtime, DurableInbox(redis, Keys(namespace), "w1")).run_polling(Inbox())
        finally:
            await runtime.close()
    assert wrong not in "".join(traceback.format_exception(caught.value))
    assert wrong not in caplog.text
    assert not [r for r in caplog.records if r.name == "bot.runtime" and r.levelno >= logging.INFO]


async def post_update(port: int, update: dict[str, Any], secret: str | None) -> int:
    """POST an update to the bot's webhook as Telegram would (with the secret header when given)."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    url = f"http://127.0.0.1:{port}/tg/hook"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as response,
    ):
        return response.status


def forged(update_id: int, text: str) -> dict[str, Any]:
    """A message update for chat 803, as someone who knows the URL but not the secret would send it."""
    user = {"id": 803, "is_bot": False, "first_name": "Mallory"}
    chat = {"id": 803, "type": "private", "first_name": "Mallory"}
    return {
        "update_id": update_id,
        "message": {"message_id": 1, "date": 1, "from": user, "chat": chat, "text": text},
    }


async def test_webhook_mode_takes_pushed_updates_and_refuses_a_wrong_secret(
    client: SandboxClient, runtime: Runtime, intake: Intake
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    inbox = Inbox()
    serving = asyncio.create_task(intake.run_webhook(inbox, url, "s3cret-Token_1", port))
    try:
        await client.send_message(ANA, "pelo webhook")
        assert texts([await inbox.next()]) == ["pelo webhook"]
        assert (await client.bot_info())["webhook_url"] == url

        assert await post_update(port, forged(900001, "sem segredo"), None) in (401, 403)
        assert await post_update(port, forged(900002, "segredo errado"), "guess") in (401, 403)
        assert await post_update(port, forged(900003, "segredo certo"), "s3cret-Token_1") == 200
        event = await inbox.next()
        assert isinstance(event, IncomingMessage)
        assert (event.update_id, event.text) == (900003, "segredo certo")
        assert inbox.empty()
    finally:
        await stop(serving)
    assert (await client.bot_info())["webhook_url"] == url  # left for the other workers


async def test_webhook_mode_needs_a_secret(runtime: Runtime, intake: Intake) -> None:
    with pytest.raises(ValueError, match="secret"):
        await intake.run_webhook(Inbox(), "https://desk.example/tg", "", free_port())


def test_build_runtime_knows_only_the_two_frameworks() -> None:
    with pytest.raises(ValueError, match="unknown runtime"):
        build_runtime("telethon", "1:x", "https://api.telegram.org")  # type: ignore[arg-type]
