"""No secret in anything the process writes: the real `supportbot run`, LOG_LEVEL=DEBUG, canary secrets.

Each test runs the console script as an operator would, drives a failure path, and greps
everything the process wrote (stdout and stderr, every logger, every traceback) for the canary
token, its secret half, the webhook secret and the Redis password. The link to the Bot API fails
twice mid-poll: dropped (connections reset), then misrouted (a proxy answering redirects, which
aiohttp reports with the request's URL, token included).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from sandbox.client import SandboxClient
from sandbox.server import Sandbox
from tests.bot.processes import DroppingLink, free_port, password_redis, running_bot, supportbot

TOKEN_SECRET = "CanaryTokenSecret-f3A9x"
TOKEN = f"777000111:{TOKEN_SECRET}"
WEBHOOK_SECRET = "CanaryWebhookSecret-8mQ2"
REDIS_PASSWORD = "CanaryRedisPassword-5kT7"
CANARIES = (TOKEN_SECRET, WEBHOOK_SECRET, REDIS_PASSWORD)
AGENTS_CHAT = -1001000000001


def leaked(output: str) -> list[str]:
    """The lines that give a secret away (URL-quoted forms included)."""
    return [line for line in output.splitlines() if any(canary in line for canary in CANARIES)]


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_the_link_to_the_bot_api_failing_mid_poll_logs_no_secret(
    tmp_path: Path, runtime: str, namespace: str
) -> None:
    sandbox = Sandbox(token=TOKEN)
    await sandbox.start()
    link = await DroppingLink(urlsplit(sandbox.base_url).port or 0).start()
    try:
        with password_redis(tmp_path, REDIS_PASSWORD) as redis_port:
            async with running_bot(
                tmp_path,
                BOT_TOKEN=TOKEN,
                WEBHOOK_SECRET=WEBHOOK_SECRET,
                REDIS_URL=f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis_port}/0",
                REDIS_NAMESPACE=namespace,
                TELEGRAM_API_URL=f"http://127.0.0.1:{link.port}",
                AGENTS_CHAT_ID=str(AGENTS_CHAT),
                RUNTIME=runtime,
                LOG_LEVEL="DEBUG",
            ) as bot:
                await bot.wait_for("polling as @")
                async with SandboxClient(sandbox.base_url) as api:
                    await api.send_message({"id": 1001, "first_name": "Carla"}, "nenhum canal funciona")
                    await api.wait_for(1001, lambda message: message["from"]["is_bot"], 30)
                link.drop()
                await bot.wait_for("polling: ", within=60)
                link.misroute()
                await bot.wait_for("Redirect", within=60)
            output = bot.text()
    finally:
        await link.close()
        await sandbox.stop()
    assert "ERROR" in output, output
    assert leaked(output) == [], "\n".join(leaked(output))


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_webhook_mode_with_a_wrong_secret_knocking_logs_no_secret(
    tmp_path: Path, runtime: str, namespace: str
) -> None:
    sandbox = Sandbox(token=TOKEN)
    await sandbox.start()
    port = free_port()
    try:
        with password_redis(tmp_path, REDIS_PASSWORD) as redis_port:
            async with running_bot(
                tmp_path,
                BOT_TOKEN=TOKEN,
                WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
                WEBHOOK_SECRET=WEBHOOK_SECRET,
                WEBHOOK_PORT=str(port),
                REDIS_URL=f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis_port}/0",
                REDIS_NAMESPACE=namespace,
                TELEGRAM_API_URL=sandbox.base_url,
                AGENTS_CHAT_ID=str(AGENTS_CHAT),
                RUNTIME=runtime,
                LOG_LEVEL="DEBUG",
            ) as bot:
                await bot.wait_for("webhook as @")
                async with SandboxClient(sandbox.base_url) as api:
                    await api.send_message({"id": 1001, "first_name": "Carla"}, "nenhum canal funciona")
                    await api.wait_for(1001, lambda message: message["from"]["is_bot"], 30)
                async with aiohttp.ClientSession() as http:
                    for secret in ("wrong", WEBHOOK_SECRET[:-1]):
                        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
                        async with http.post(
                            f"http://127.0.0.1:{port}/hook", json={}, headers=headers
                        ) as answer:
                            assert answer.status in (401, 403)
            output = bot.text()
    finally:
        await sandbox.stop()
    assert "setWebhook" in output or "webhook as @" in output
    assert leaked(output) == [], "\n".join(leaked(output))


async def test_the_sandbox_banner_hides_the_redis_password(tmp_path: Path, namespace: str) -> None:
    with password_redis(tmp_path, REDIS_PASSWORD) as redis_port:
        async with running_bot(
            tmp_path,
            REDIS_URL=f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis_port}/0",
            REDIS_NAMESPACE=namespace,
            LOG_LEVEL="DEBUG",
        ) as bot:
            await bot.wait_for("Press Ctrl-C")
            output = bot.text()
    assert f"127.0.0.1:{redis_port}/0" in output
    assert leaked(output) == [], "\n".join(leaked(output))


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_a_rejected_token_and_a_rejected_redis_password_are_not_quoted(
    tmp_path: Path, runtime: str, namespace: str
) -> None:
    sandbox = Sandbox(token="777000111:the-right-one")
    await sandbox.start()
    try:
        rejected_token = await _run_to_end(
            tmp_path, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=sandbox.base_url, RUNTIME=runtime
        )
    finally:
        await sandbox.stop()
    with password_redis(tmp_path, "the-right-password") as redis_port:
        rejected_password = await _run_to_end(
            tmp_path,
            BOT_TOKEN=TOKEN,
            REDIS_URL=f"redis://:{REDIS_PASSWORD}@127.0.0.1:{redis_port}/0",
            REDIS_NAMESPACE=namespace,
            RUNTIME=runtime,
        )
    for output in (rejected_token, rejected_password):
        assert leaked(output) == [], "\n".join(leaked(output))
    assert "BOT_TOKEN" in rejected_token and "REDIS_URL" in rejected_password


async def _run_to_end(tmp_path: Path, **settings: str) -> str:
    """Run `supportbot run` until it gives up; everything it wrote."""
    result = await asyncio.to_thread(supportbot, tmp_path, "run", LOG_LEVEL="DEBUG", **settings)
    assert result.returncode != 0, result.stdout + result.stderr
    return result.stdout + result.stderr
