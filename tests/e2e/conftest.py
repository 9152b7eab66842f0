"""End-to-end harness: the real bot on a real runtime, polling the local Bot API sandbox over HTTP.

Every scenario runs on both runtimes (aiogram and python-telegram-bot) through one parametrised
fixture, against a real Redis, with a private namespace per test. The modules are marked `cluster`
(tests/conftest.py): their scenarios run again on a real three-primary Redis Cluster, so a new
module should carry `pytestmark = pytest.mark.cluster` and take `redis_config`, not `redis_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.app import DEMO_DIR, RunningBot, start_bot
from bot.config import Settings
from bot.durable.outbox import Limits
from escalation.clock import Clock, ManualClock
from handlers.texts import LANGUAGES
from sandbox.client import SandboxClient
from sandbox.server import Sandbox

TOKEN = "100000001:SANDBOX-test-token"
AGENTS_CHAT = -1001000000001
AGENT_ANA, AGENT_BRUNO, SUPERVISOR = 2001, 2002, 2003
STRANGER = 2999
MANAGER_CHAT = 3001
CARLA_PREMIUM, JOAO_BASIC, MARY_STANDARD = 1001, 1002, 1003
FAST = Limits(
    global_per_s=1000,
    global_burst=1000,
    group_per_window=1000,
    group_window_s=0.001,
    private_per_s=1000,
    private_burst=1000,
)


def user(user_id: int, name: str | None = None, language: str = "pt") -> dict[str, Any]:
    """A Telegram user object for the control API."""
    return {"id": user_id, "first_name": name or f"User{user_id}", "language_code": language}


@dataclass
class Desk:
    """What a scenario drives: the sandbox (control API) and the running bot."""

    sandbox: Sandbox
    api: SandboxClient
    bot: RunningBot
    settings: Settings

    async def say(self, who: dict[str, Any], text: str, **extra: Any) -> dict[str, Any]:
        """A user writes in their private chat (or `chat=`)."""
        return await self.api.send_message(who, text, **extra)

    async def agent_says(self, who: dict[str, Any], text: str, **extra: Any) -> dict[str, Any]:
        """A user writes in the agents' group."""
        return await self.api.send_message(
            who, text, chat={"id": AGENTS_CHAT, "type": "supergroup", "title": "Agents"}, **extra
        )

    async def expect(
        self,
        chat_id: int,
        contains: str,
        within: float = 10.0,
        after: int | None = None,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        """The first bot message in the chat containing `contains` (and matching `where`)."""

        def match(message: dict[str, Any]) -> bool:
            text = message.get("text") or message.get("caption") or ""
            return (
                message.get("from", {}).get("is_bot", False)
                and contains in text
                and (where is None or where(message))
            )

        return await self.api.wait_for(chat_id, match, within, after=after)

    async def card(
        self, number: int, where: Callable[[str], bool] | None = None, within: float = 10.0
    ) -> dict[str, Any]:
        """The agents' card of ticket #number (optionally once its text satisfies `where`)."""
        return await self.expect(
            AGENTS_CHAT,
            f"#{number}",
            within,
            where=lambda m: (
                "reply_markup" in m or "✅" in m.get("text", "")
                if where is None
                else where(m.get("text", ""))
            ),
        )

    async def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Every bot message in a chat, in order."""
        return [m for m in await self.api.messages(chat_id) if m.get("from", {}).get("is_bot")]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Inline button text -> callback data."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button.get("callback_data", "") for row in rows for button in row}


@pytest.fixture(params=["aiogram", "ptb"])
def runtime_kind(request: pytest.FixtureRequest) -> str:
    """Each scenario runs once per runtime."""
    return str(request.param)


async def open_harness(
    redis_target: str | Mapping[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
    *,
    sandbox_limits: bool = False,
    outbox_limits: Limits = FAST,
    agents_language: str = "en",
    agent_ids: tuple[int, ...] = (AGENT_ANA, AGENT_BRUNO),
    clock: Clock | None = None,
    customers_file: Path | None = None,
    settings_overrides: dict[str, Any] | None = None,
    **sandbox_options: Any,
) -> AsyncIterator[Desk]:
    """Start a sandbox and the bot against it; stop both afterwards (`settings_overrides`: more settings).

    `redis_target` is a Redis URL or the settings fields that name a Redis (`redis_config`).
    """
    redis_fields = {"redis_url": redis_target} if isinstance(redis_target, str) else dict(redis_target)
    sandbox = Sandbox(token=TOKEN, limits_enabled=sandbox_limits, **sandbox_options)
    await sandbox.start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **redis_fields,
        redis_namespace=namespace,
        data_dir=tmp_path,
        runtime=runtime_kind,
        agents_chat_id=AGENTS_CHAT,
        agent_ids=list(agent_ids),
        supervisor_ids=[SUPERVISOR],
        manager_chat_ids=[MANAGER_CHAT],
        customers_file=customers_file or DEMO_DIR / "customers.csv",
        agents_language=agents_language,
        **(settings_overrides or {}),
    )
    api = SandboxClient(sandbox.base_url)
    await api.create_chat(
        AGENTS_CHAT,
        title="Agents",
        members=[
            {"user": user(AGENT_ANA, "Ana"), "status": "member"},
            {"user": user(AGENT_BRUNO, "Bruno"), "status": "member"},
        ],
    )
    try:
        async with start_bot(settings, TOKEN, sandbox.base_url, outbox_limits, clock) as bot:
            polling = asyncio.create_task(bot.intake.run_polling(bot.dispatcher.handle))
            try:
                yield Desk(sandbox, api, bot, settings)
            finally:
                polling.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await polling
    finally:
        await api.close()
        await sandbox.stop()


@pytest.fixture
async def desk(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    """The bot with English agent texts, limits off (the `redis` fixture cleans the namespace)."""
    async for harness in open_harness(redis_config, namespace, runtime_kind, tmp_path):
        yield harness


@pytest.fixture
async def timed_desk(
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
    clock: ManualClock,
) -> AsyncIterator[Desk]:
    """The bot on a clock the test moves (a module's own `clock` fixture says when it starts)."""
    async for harness in open_harness(redis_config, namespace, runtime_kind, tmp_path, clock=clock):
        yield harness


@pytest.fixture(params=LANGUAGES)
async def desk_in(
    request: pytest.FixtureRequest,
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
    clock: ManualClock,
) -> AsyncIterator[tuple[Desk, str]]:
    """The desk with AGENTS_LANGUAGE set to each language in turn (on the module's `clock`)."""
    language = str(request.param)
    async for harness in open_harness(
        redis_config, namespace, runtime_kind, tmp_path, clock=clock, agents_language=language
    ):
        yield harness, language
