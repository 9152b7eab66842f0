"""Receiving updates like from Telegram: getUpdates offsets and long polling, one poller, webhooks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from sandbox import Sandbox, SandboxClient
from tests.sandbox.conftest import ANA, TOKEN, BotApi


async def test_offset_confirms_limit_and_negative_offset(client: SandboxClient, api: BotApi) -> None:
    ids = [(await client.send_message(ANA, f"m{i}"))["update_id"] for i in range(5)]
    assert [u["update_id"] for u in await api.ok("getUpdates", limit=2)] == ids[:2]
    assert [u["update_id"] for u in await api.ok("getUpdates")] == ids  # nothing confirmed yet
    assert [u["update_id"] for u in await api.ok("getUpdates", offset=ids[2])] == ids[2:]
    assert [u["update_id"] for u in await api.ok("getUpdates", offset=-1)] == ids[-1:]
    assert await api.ok("getUpdates", offset=ids[-1] + 1) == []


async def test_long_poll_returns_when_an_update_arrives(client: SandboxClient, api: BotApi) -> None:
    polling = asyncio.create_task(api.ok("getUpdates", timeout=50))
    await asyncio.sleep(0.05)
    sent = await client.send_message(ANA, "chegou?")
    updates = await asyncio.wait_for(polling, 10)
    assert [u["update_id"] for u in updates] == [sent["update_id"]]


async def test_a_second_poller_ends_the_first_with_409(api: BotApi) -> None:
    first = asyncio.create_task(api.raw("getUpdates", timeout=50))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(api.raw("getUpdates", timeout=0))
    status, body = await asyncio.wait_for(first, 10)
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
    )
    assert (await second)[0] == 200


async def test_allowed_updates_filters_new_updates(client: SandboxClient, api: BotApi) -> None:
    await api.ok("getUpdates", allowed_updates=["callback_query"])
    assert (await client.send_message(ANA, "ignorada"))["update_id"] is None
    await api.ok("getUpdates", allowed_updates=[])
    assert (await client.send_message(ANA, "vista"))["update_id"] is not None


class Hook:
    """A webhook endpoint recording what it receives; `fail` answers 500 that many times first."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[dict[str, Any], str | None]] = asyncio.Queue()
        self.fail = 0
        self.reply: dict[str, Any] = {}

    async def handle(self, request: web.Request) -> web.Response:
        """Record, then fail or answer (possibly with a method call)."""
        if self.fail:
            self.fail -= 1
            return web.Response(status=500)
        await self.received.put(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.json_response(self.reply)


@pytest.fixture
async def hook() -> AsyncIterator[tuple[Hook, str]]:
    """A local webhook server and its URL."""
    endpoint = Hook()
    app = web.Application()
    app.router.add_post("/hook", endpoint.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield endpoint, f"http://127.0.0.1:{port}/hook"
    await runner.cleanup()


async def test_webhook_delivery_with_secret_retry_and_reply_method(hook: tuple[Hook, str]) -> None:
    endpoint, url = hook
    async with (
        Sandbox(token=TOKEN, limits_enabled=False, webhook_retry_delay=0.01) as sandbox,
        SandboxClient(sandbox.base_url) as client,
        aiohttp.ClientSession() as http,
    ):
        api = BotApi(http, sandbox)
        status, body = await api.raw("setWebhook", url=url, secret_token="s3cr3t-token")
        assert (status, body["description"]) == (200, "Webhook was set")
        assert (await api.raw("getUpdates"))[0] == 409

        endpoint.fail = 1
        endpoint.reply = {"method": "sendMessage", "chat_id": ANA["id"], "text": "Recebido pelo webhook"}
        sent = await client.send_message(ANA, "oi")
        update, secret = await asyncio.wait_for(endpoint.received.get(), 10)
        assert update["update_id"] == sent["update_id"] and secret == "s3cr3t-token"
        reply = await client.wait_for(
            ANA["id"], lambda m: m.get("text") == "Recebido pelo webhook", timeout=10
        )
        assert reply["from"]["is_bot"]
        info = await api.ok("getWebhookInfo")
        assert info["url"] == url and info["pending_update_count"] == 0
        assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"

        status, body = await api.raw("deleteWebhook")
        assert body["description"] == "Webhook was deleted"
        assert await api.ok("getUpdates") == []


async def test_invalid_webhook_settings(api: BotApi) -> None:
    assert await api.error("setWebhook", url="ftp://x") == (
        400,
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    )
    assert await api.error("setWebhook", url="https://x.example", secret_token="no spaces") == (
        400,
        "Bad Request: secret token contains unallowed characters",
    )
    _, body = await api.raw("deleteWebhook")
    assert body["description"] == "Webhook is already deleted"


def test_a_fresh_queue_starts_at_an_unpredictable_id_and_counts_up() -> None:
    from sandbox.updates import UpdateQueue

    first, second = UpdateQueue(), UpdateQueue()
    ids = [first.push("message", {"n": i}) for i in range(3)]
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2]
    assert ids[0] != second.push("message", {"n": 0}), "two fresh sandboxes collide once in 2**30"
