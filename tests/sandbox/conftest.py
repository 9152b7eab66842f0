"""Sandbox tests: a fresh sandbox per test on an ephemeral port, its control client, raw Bot API calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from sandbox import Sandbox, SandboxClient

TOKEN = "123456:TEST-sandbox-token"
BOT_ID = 123456
ANA = {"id": 601, "first_name": "Ana", "username": "ana_iptv", "language_code": "pt-br"}
BRUNO = {"id": 602, "first_name": "Bruno"}
GROUP = -1001234567890


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox that requires TOKEN, flood limits off (rate-limit tests build their own)."""
    async with Sandbox(token=TOKEN, limits_enabled=False) as server:
        yield server


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[SandboxClient]:
    """The control API client."""
    async with SandboxClient(sandbox.base_url) as control:
        yield control


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP session for raw Bot API calls."""
    async with aiohttp.ClientSession() as session:
        yield session


class BotApi:
    """Raw Bot API calls with JSON bodies: returns (HTTP status, envelope)."""

    def __init__(self, http: aiohttp.ClientSession, sandbox: Sandbox) -> None:
        self.http = http
        self.sandbox = sandbox

    async def raw(self, method: str, *, token: str = TOKEN, **params: Any) -> tuple[int, dict[str, Any]]:
        """Call a method; the status and the whole envelope."""
        url = f"{self.sandbox.base_url}/bot{token}/{method}"
        async with self.http.post(url, json=params) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        """Call a method that must succeed; its result."""
        status, body = await self.raw(method, **params)
        assert status == 200 and body["ok"], body
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        """Call a method that must fail; (error_code, description), checked against the HTTP status."""
        status, body = await self.raw(method, **params)
        assert not body["ok"], body
        assert body["error_code"] == status
        return status, body["description"]


@pytest.fixture
def api(http: aiohttp.ClientSession, sandbox: Sandbox) -> BotApi:
    """Raw Bot API access to the sandbox."""
    return BotApi(http, sandbox)


@pytest.fixture
async def ana_chat(client: SandboxClient) -> int:
    """Ana has written to the bot, so the bot may write to her."""
    await client.send_message(ANA, "oi")
    return int(ANA["id"])
