"""The application: wire settings, Redis, triage, directory, outbox and a runtime, then serve.

With no BOT_TOKEN it starts the local Bot API sandbox first and runs against it, with a demo
directory and demo agents, so `make run` shows the whole desk on a fresh machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import logging
import os
import signal
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings, SettingsError
from bot.desk import Desk, desk_teams, open_desk
from bot.durable.inbox import Inbox
from bot.durable.intake import Intake
from bot.durable.outbox import Limits, Outbox
from bot.health import HealthServer, get_me_probe
from bot.metrics import desk_registry, instrumented, observe_desk_event
from bot.process import event_loop_factory, freeze_startup_heap
from bot.redis_connection import describe
from bot.runtime import build_runtime
from bot.runtime.base import EventHandler, Runtime
from bot.runtime.transport import SHUTDOWN_GRACE_SECONDS
from bot.scheduler import DeskScheduler
from escalation.clock import Clock
from escalation.desk_state import DeskState
from escalation.directory import CsvDirectory, CustomerDirectory
from escalation.policy import Policy, load_policy
from faq.knowledge import KnowledgeBase, default_faq_path
from faq.placeholders import unfilled_placeholders
from faq.triage import Triage
from handlers.callbacks import CallbackCodec
from handlers.canned import CannedReplies
from handlers.context import DeskConfig, HandlerContext
from handlers.dispatcher import Dispatcher
from handlers.fitting import FittingSender
from handlers.messenger import TelegramError, Unauthorized

if TYPE_CHECKING:
    from sandbox.server import Sandbox

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).with_name("demo")
DEMO_TOKEN = "100000001:SANDBOX-demo-token"
DEMO_AGENTS_CHAT = -1001000000001
DEMO_AGENTS = (2001, 2002)
DEMO_SUPERVISORS = (2003,)
DEMO_MANAGER_CHAT = 3001
DEMO_NAMES = {2001: "Ana (agent)", 2002: "Bruno (agent)", 2003: "Sofia (supervisor)", 3001: "Marta (manager)"}
# The language each demo subscriber writes in on the web page (the directory has no language column).
DEMO_LANGUAGES = {"SUB-1003": "en", "SUB-1004": "es", "SUB-1007": "en", "SUB-1008": "es"}


def sandbox_defaults(settings: Settings) -> Settings:
    """Fill what the sandbox demo needs but the operator did not set (their values win)."""
    updates: dict[str, object] = {}
    if settings.agents_chat_id is None:
        updates["agents_chat_id"] = DEMO_AGENTS_CHAT
    if not settings.agent_ids:
        updates["agent_ids"] = list(DEMO_AGENTS)
    if not settings.supervisor_ids:
        updates["supervisor_ids"] = list(DEMO_SUPERVISORS)
    if not settings.manager_chat_ids:
        updates["manager_chat_ids"] = [DEMO_MANAGER_CHAT]
    if settings.customers_file is None:
        updates["customers_file"] = DEMO_DIR / "customers.csv"
    if settings.faq_file is None:
        updates["faq_file"] = DEMO_DIR / "faq.yaml"
    return settings.model_copy(update=updates)


def desk_config(settings: Settings, policy: Policy) -> DeskConfig:
    """The part of the settings (and of the policy's teams) the handlers act on.

    The agents' fields are the default team's: the desk's own messages (incidents, handovers)
    go to its group.
    """
    teams = desk_teams(settings, policy)
    default = teams.default
    return DeskConfig(
        agents_chat_id=default.chat_id,
        agent_ids=default.agents,
        supervisor_ids=default.supervisors,
        manager_chat_ids=frozenset(settings.manager_chat_ids),
        default_language=settings.default_language,
        agents_language=default.language,
        timezone=settings.timezone,
        sla_tick_seconds=settings.sla_tick_seconds,
        agents_topics=settings.agents_topics,
        team_setup=teams if policy.teams is not None else None,
    )


@dataclass(frozen=True, slots=True)
class RunningBot:
    """A started bot: its desk, outbox, runtime, dispatcher, and the intake that feeds the dispatcher."""

    desk: Desk
    outbox: Outbox
    runtime: Runtime
    dispatcher: Dispatcher
    intake: Intake


def worker_id() -> str:
    """This process among the desk's workers: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@asynccontextmanager
async def start_bot(
    settings: Settings, token: str, api_url: str, limits: Limits | None = None, clock: Clock | None = None
) -> AsyncIterator[RunningBot]:
    """Everything but the update loop and the scheduler: tests and `run` share it."""
    async with open_desk(settings, clock) as desk:
        config = desk_config(settings, desk.policy)  # teams that clash fail before any connection
        directory: CustomerDirectory | None = None
        if settings.customers_file is not None:
            directory = CsvDirectory(settings.customers_file, desk.policy)
        else:
            log.warning("CUSTOMERS_FILE is not set: every customer counts as unlinked (basic)")
        # A bad FAQ or canned replies file fails before any connection to the Bot API is opened.
        triage = Triage.load(settings.faq_file, desk.policy)
        warn_unfilled_placeholders(triage.knowledge, settings.faq_file or default_faq_path())
        canned = CannedReplies.load(settings.canned_replies_dir)
        codec = await CallbackCodec.for_desk(desk.redis, desk.store.keys.callback_secret)
        runtime = build_runtime(settings.runtime, token, api_url)
        try:
            username = await _bot_username(runtime, api_url)  # commands to another bot are ignored
        except BaseException:
            await runtime.close()
            raise
        worker = worker_id()
        outbox = Outbox(runtime.messenger, desk.redis, desk.store.keys, limits, worker=worker)
        outbox.start()
        ctx = HandlerContext(
            config=replace(config, bot_username=username),
            policy=desk.policy,
            store=desk.store,
            state=DeskState(desk.redis, desk.store.keys, desk.policy.agents.aliases),
            triage=triage,
            directory=directory,
            sender=FittingSender(outbox),
            codec=codec,
            clock=desk.clock,
            canned=canned,
        )
        dispatcher = Dispatcher(ctx)
        intake = Intake(runtime, Inbox(desk.redis, desk.store.keys, worker))
        try:
            yield RunningBot(desk, outbox, runtime, dispatcher, intake)
        finally:
            await dispatcher.sla_watch.drain()
            await dispatcher.board.close()
            await dispatcher.customers.relay.drain()
            await outbox.stop(drain_timeout=SHUTDOWN_GRACE_SECONDS)
            await runtime.close()


def warn_unfilled_placeholders(knowledge: KnowledgeBase, path: Path) -> None:
    """One warning per FAQ entry with placeholders left, naming them per language: customers
    would read `[chave]` as it is. (One line per placeholder was 84 lines at every start with
    the default FAQ: noise an operator stops reading.)"""
    for entry_id, found in groupby(unfilled_placeholders(knowledge), key=lambda p: p.entry_id):
        by_language: dict[str, list[str]] = {}
        for placeholder in found:
            by_language.setdefault(placeholder.language, []).append(placeholder.text)
        named = "; ".join(f"{language} {', '.join(texts)}" for language, texts in by_language.items())
        log.warning(
            "%s: FAQ entry %r still has placeholders: %s (replace them with your values)",
            path,
            entry_id,
            named,
        )


async def serve(settings: Settings) -> None:
    """Run until cancelled: against Telegram with a token, else against the local sandbox."""
    sandbox: Sandbox | None = None
    if settings.sandbox_mode:
        # Imported only for the demo: a bot against Telegram need not carry the sandbox in memory.
        from sandbox.server import Sandbox

        settings = sandbox_defaults(settings)
        sandbox = Sandbox(token=DEMO_TOKEN)
        try:
            await sandbox.start("127.0.0.1", settings.sandbox_port)
        except OSError as exc:
            raise SettingsError(
                f"SANDBOX_PORT: cannot listen on 127.0.0.1:{settings.sandbox_port} "
                f"({exc.strerror or exc}); set SANDBOX_PORT to a free port (0 picks one)"
            ) from None
        await _create_demo_chats(sandbox, settings)
        token, api_url = DEMO_TOKEN, sandbox.base_url
    else:
        assert settings.bot_token is not None
        token, api_url = settings.bot_token.get_secret_value(), settings.telegram_api_url
    try:
        async with start_bot(settings, token, api_url) as bot:
            name = await bot.runtime.bot_username()
            if sandbox is not None:
                await register_demo(sandbox, settings, bot.dispatcher.ctx.directory)
                _announce_sandbox(sandbox, settings, name)
            scheduler = DeskScheduler(
                bot.dispatcher, bot.desk.policy, settings.timezone, settings.sla_tick_seconds
            )
            scheduler.start()
            health = await _start_health(settings, bot, token, api_url)
            handle = instrumented(bot.dispatcher.handle)
            freeze_startup_heap()
            try:
                if health is not None:
                    health.serving = True
                if settings.webhook_url and not settings.sandbox_mode:
                    await _run_webhook(bot, settings, handle)
                else:
                    await bot.intake.run_polling(handle)
            finally:
                if health is not None:
                    health.serving = False
                    await health.stop()
                await scheduler.stop()
    finally:
        if sandbox is not None:
            with contextlib.suppress(Exception):
                await sandbox.stop()


async def _start_health(settings: Settings, bot: RunningBot, token: str, api_url: str) -> HealthServer | None:
    """`/metrics`, `/healthz`, `/readyz` on METRICS_PORT (none when it is empty), counting from now on."""
    if settings.metrics_port is None:
        return None
    bot.desk.store.on_event = observe_desk_event
    registry, gauges = desk_registry(bot.desk.store, bot.outbox.backlog_by_priority)
    health = HealthServer(registry, gauges, bot.desk.redis, get_me_probe(api_url, token))
    await health.start(settings.metrics_host, settings.metrics_port)
    return health


async def _run_webhook(bot: RunningBot, settings: Settings, handle: EventHandler) -> None:
    """Serve the webhook until cancelled; a missing secret or a port in use is told as its setting."""
    assert settings.webhook_url is not None
    if settings.webhook_secret is None:
        raise SettingsError(
            "WEBHOOK_SECRET: webhook mode (WEBHOOK_URL is set) needs a secret token; "
            "set WEBHOOK_SECRET to 1-256 characters of A-Z a-z 0-9 _ -"
        )
    try:
        await bot.intake.run_webhook(
            handle,
            settings.webhook_url,
            settings.webhook_secret.get_secret_value(),
            settings.webhook_port,
        )
    except OSError as exc:
        raise SettingsError(
            f"WEBHOOK_PORT: cannot listen on port {settings.webhook_port} ({exc.strerror or exc}); "
            "set WEBHOOK_PORT to a free port"
        ) from None


async def _bot_username(runtime: Runtime, api_url: str) -> str:
    """The bot's first Bot API call (getMe), with a rejected token or an unreachable API told as a setting."""
    try:
        return await runtime.bot_username()
    except Unauthorized:
        raise SettingsError(
            "BOT_TOKEN: the Bot API rejected the token; copy it again from @BotFather "
            "(or leave BOT_TOKEN empty for the sandbox demo)"
        ) from None
    except TelegramError as exc:
        raise SettingsError(
            f"TELEGRAM_API_URL: the Bot API at {api_url} did not answer getMe ({exc}); "
            "check the network, or TELEGRAM_API_URL if you run your own Bot API server"
        ) from None


async def _create_demo_chats(sandbox: Sandbox, settings: Settings) -> None:
    """The demo's agents' group (one per team when the policy has teams), with their people as members."""
    assert settings.agents_chat_id is not None
    from sandbox.client import SandboxClient

    teams = desk_teams(settings, load_policy(settings.policy_file))
    async with SandboxClient(sandbox.base_url) as api:
        for team in teams:
            if team.chat_id is None:
                continue
            names = {**dict.fromkeys(team.agents, "Agent"), **dict.fromkeys(team.supervisors, "Supervisor")}
            members = [
                {"user": {"id": uid, "first_name": DEMO_NAMES.get(uid, f"{role} {uid}")}, "status": "member"}
                for uid, role in names.items()
            ]
            title = "Agents on call" if len(teams) == 1 else f"Agents: {team.title}"
            await api.create_chat(team.chat_id, title=title, members=members, is_forum=settings.agents_topics)


async def register_demo(sandbox: Sandbox, settings: Settings, directory: CustomerDirectory | None) -> None:
    """Tell the sandbox's web page whom it can play: the directory's subscribers, agents, managers.

    The page offers these in its pickers (`GET /sandbox/api/demo`); the sandbox knows nothing of the
    desk, so the app that configured the desk registers them.
    """
    agents = [
        {"id": uid, "first_name": DEMO_NAMES.get(uid, f"Agent {uid}"), "role": "agent"}
        for uid in settings.agent_ids
    ]
    agents += [
        {"id": uid, "first_name": DEMO_NAMES.get(uid, f"Supervisor {uid}"), "role": "supervisor"}
        for uid in settings.supervisor_ids
        if uid not in settings.agent_ids
    ]
    sandbox.control.demo = {
        "default_language": settings.default_language,
        "agents_chat_id": settings.agents_chat_id,
        "agents": agents,
        "managers": [
            {"chat_id": chat, "first_name": DEMO_NAMES.get(chat, "Manager")}
            for chat in settings.manager_chat_ids
        ],
        "subscribers": await _directory_entries(settings, directory),
    }


async def _directory_entries(settings: Settings, directory: CustomerDirectory | None) -> list[dict[str, Any]]:
    """Every subscriber in the directory file, as the directory resolves them (tier, E.164 phone).

    The directory port looks subscribers up and does not list them, so the ids come from the file.
    """
    path = settings.customers_file
    if directory is None or path is None:
        return []
    text = await asyncio.to_thread(path.read_text, encoding="utf-8-sig")
    header = text.partition("\n")[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    names = [name for name in reader.fieldnames or [] if name.strip().lower() == "subscriber_id"]
    entries = []
    for row in reader if names else []:
        found = await directory.by_subscriber_id(row[names[0]] or "")
        if found is not None:
            entries.append(
                {
                    "subscriber_id": found.subscriber_id,
                    "name": found.name,
                    "phone": found.phone,
                    "telegram_id": found.telegram_id,
                    "plan": found.plan,
                    "tier": found.tier.value,
                    "region": found.region,
                    "status": found.status,
                    "language": DEMO_LANGUAGES.get(found.subscriber_id, settings.default_language),
                }
            )
    return entries


def _announce_sandbox(sandbox: Sandbox, settings: Settings, bot_name: str) -> None:
    base = sandbox.base_url
    print(
        f"\nIPTV support desk running in SANDBOX mode (no BOT_TOKEN) as @{bot_name}, "
        f"runtime {settings.runtime}.\n"
        f"  Demo page:    {base}/  (play subscribers, agents and a manager in the browser)\n"
        f"  Bot API:      {base}/bot<token>/<method>\n"
        f"  Control API:  {base}/sandbox/api  (see README)\n"
        f"  Agents group: {settings.agents_chat_id}  agents {settings.agent_ids}, "
        f"supervisors {settings.supervisor_ids}\n"
        f"  Managers:     {settings.manager_chat_ids}\n"
        f"  Customers:    {settings.customers_file}\n"
        f"  Redis:        {describe(settings)}\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )


def run(settings: Settings) -> int:
    """Blocking entry point for `supportbot run`: SIGTERM stops it as cleanly as Ctrl-C.

    Without the handler a SIGTERM (systemd, docker stop, `timeout`) would kill the process
    before the outbox drains and the embedded Redis saves and stops.
    """

    async def main() -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await serve(settings)
        finally:
            # uvloop keeps its handlers installed after the loop closes: give Ctrl-C back its default.
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
        log.info("stopped")

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(main())
    return 0
