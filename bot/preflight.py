"""`supportbot check`: what is wrong before going live, one finding per line, each with its fix.

It asks the Bot API and Redis what the desk will need from them, as the desk would ask: the
token (getMe), the agents' group (the bot sees it and administers it: in a group a bot that is
not an administrator sees only commands and replies to it, and the desk needs the agents'
messages), the agents and supervisors are members, the managers' chats are reachable, Redis
answers and persists (AOF), the policy, FAQ and directory files load, webhook settings hold
together. Bot API calls go out as plain HTTP, so a finding quotes Telegram's own description.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from bot.config import Settings, SettingsError
from bot.desk import desk_teams
from bot.redis_connection import RedisClient, describe, open_redis
from escalation.directory import CsvDirectory, DirectoryError
from escalation.policy import Policy, PolicyError, load_policy
from escalation.teams import Team
from faq.knowledge import KnowledgeBaseError, load_knowledge_base

Level = Literal["ok", "warning", "error"]
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})
WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
API_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: how bad, about what, what was found, and what to do."""

    level: Level
    subject: str
    message: str
    fix: str = ""

    def line(self) -> str:
        """`error   agents' group: the bot is a member, not an administrator. Fix: ...`"""
        fix = f". Fix: {self.fix}" if self.fix and self.level != "ok" else ""
        return f"{self.level:<7} {self.subject}: {self.message}{fix}"


def ok(subject: str, message: str) -> Finding:
    """A check that passed (printed too, so the operator sees what was checked)."""
    return Finding("ok", subject, message)


async def run_checks(settings: Settings) -> list[Finding]:
    """Every check, in the order an operator fixes things: files, webhook, Redis, Telegram."""
    findings = check_files(settings)
    findings += check_webhook(settings)
    findings += await check_redis(settings)
    findings += await check_telegram(settings)
    return findings


def check_files(settings: Settings) -> list[Finding]:
    """The policy, FAQ and customer directory load as the bot would load them at start."""
    findings: list[Finding] = []
    policy: Policy | None = None
    try:
        policy = load_policy(settings.policy_file)
        findings.append(ok("policy", str(settings.policy_file or "the packaged default") + " loads"))
    except PolicyError as exc:
        findings.append(
            Finding("error", "policy", str(exc), "correct POLICY_FILE, or empty it for the packaged default")
        )
    if policy is not None and policy.teams is not None:
        try:
            teams = desk_teams(settings, policy)
            findings.append(ok("teams", f"{len(teams)} teams: {', '.join(team.name for team in teams)}"))
        except SettingsError as exc:
            findings.append(Finding("error", "teams", str(exc), "give each team its own group in the policy"))
    try:
        entries = len(load_knowledge_base(settings.faq_file).entries)
        findings.append(ok("faq", f"{settings.faq_file or 'the packaged FAQ'} loads ({entries} entries)"))
    except KnowledgeBaseError as exc:
        findings.append(
            Finding("error", "faq", str(exc), "correct FAQ_FILE, or empty it for the packaged FAQ")
        )
    if settings.customers_file is None:
        findings.append(
            Finding(
                "warning",
                "directory",
                "CUSTOMERS_FILE is empty: every customer counts as unlinked (basic plan)",
                "set CUSTOMERS_FILE to the customer directory CSV",
            )
        )
    elif policy is not None:
        try:
            directory = CsvDirectory(settings.customers_file, policy)
            findings.append(
                ok("directory", f"{settings.customers_file} loads ({len(directory)} subscribers)")
            )
        except DirectoryError as exc:
            findings.append(
                Finding(
                    "error", "directory", str(exc), "correct the CSV or CUSTOMERS_FILE (see .env.example)"
                )
            )
    return findings


def check_webhook(settings: Settings) -> list[Finding]:
    """WEBHOOK_URL, WEBHOOK_SECRET and WEBHOOK_PORT hold together as Telegram requires them."""
    if not settings.webhook_url:
        if settings.webhook_secret is not None:
            return [
                Finding(
                    "warning",
                    "webhook",
                    "WEBHOOK_SECRET is set but WEBHOOK_URL is empty: the bot will poll",
                    "set WEBHOOK_URL for webhook mode, or empty WEBHOOK_SECRET",
                )
            ]
        return [ok("webhook", "not set: the bot long-polls getUpdates")]
    findings = []
    url = urlsplit(settings.webhook_url)
    if url.scheme != "https" or not url.hostname:
        findings.append(
            Finding(
                "error",
                "webhook",
                "WEBHOOK_URL is not an https:// URL: Telegram delivers webhooks over HTTPS only",
                "use the public https:// address of the reverse proxy (deploy/nginx-supportbot.conf)",
            )
        )
    elif (url.port or 443) not in WEBHOOK_PORTS:
        findings.append(
            Finding(
                "error",
                "webhook",
                f"WEBHOOK_URL uses port {url.port}: Telegram delivers only to 443, 80, 88 or 8443",
                "publish the webhook on port 443 (or 80, 88, 8443) in the reverse proxy",
            )
        )
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        findings.append(
            Finding(
                "error",
                "webhook",
                "WEBHOOK_SECRET is empty: anyone who learns the URL could post fake updates",
                "set WEBHOOK_SECRET to 1-256 characters of A-Z, a-z, 0-9, _ and -",
            )
        )
    elif not WEBHOOK_SECRET.match(secret):
        findings.append(
            Finding(
                "error",
                "webhook",
                "WEBHOOK_SECRET has characters Telegram refuses (allowed: A-Z, a-z, 0-9, _ and -)",
                "choose a secret of 1-256 characters of A-Z, a-z, 0-9, _ and -",
            )
        )
    if settings.bot_token is None:
        findings.append(
            Finding(
                "warning",
                "webhook",
                "WEBHOOK_URL is set but BOT_TOKEN is empty: the sandbox demo ignores it",
                "set BOT_TOKEN, or empty WEBHOOK_URL",
            )
        )
    if not findings:
        findings.append(ok("webhook", f"{url.scheme}://{url.hostname}{url.path} with a secret"))
    return findings


async def check_redis(settings: Settings) -> list[Finding]:
    """Redis answers, and each primary persists with AOF and never evicts the desk's keys."""
    where = describe(settings)
    try:
        async with open_redis(settings) as client:
            findings = [ok("redis", f"answers ({where})")]
            for name, config in await _primaries_config(client):
                findings += _persistence(name, config)
            return findings
    except SettingsError as exc:
        # open_redis says "SETTING: what went wrong; what to change" in one line.
        setting, _, told = str(exc).partition(": ")
        problem, _, fix = told.rpartition("; ")
        return [Finding("error", "redis", problem or told, fix if problem else f"correct {setting}")]
    except RedisError as exc:
        return [
            Finding(
                "error",
                "redis",
                f"{where} failed a check ({type(exc).__name__}: {_first_line(exc)})",
                "make sure it is a Redis 7 server that accepts the desk's commands",
            )
        ]


async def _primaries_config(client: RedisClient) -> list[tuple[str, dict[str, str] | None]]:
    """(server, its persistence settings) for each primary; None where CONFIG is refused."""
    keys = ("appendonly", "appendfsync", "maxmemory-policy")
    if isinstance(client, Redis):
        servers: list[tuple[str, Any]] = [("redis", None)]
    else:
        servers = [(f"redis {node.name}", node) for node in client.get_primaries()]
    found = []
    for name, node in servers:
        config: dict[str, str] = {}
        try:
            for key in keys:
                reply = (
                    await client.config_get(key)
                    if node is None
                    else await client.config_get(key, target_nodes=node)  # type: ignore[call-arg]
                )
                config.update(reply)
        except ResponseError:
            found.append((name, None))
            continue
        found.append((name, config))
    return found


def _persistence(name: str, config: dict[str, str] | None) -> list[Finding]:
    if config is None:
        return [
            Finding(
                "warning",
                name,
                "CONFIG is refused, so AOF and eviction settings could not be read",
                "make sure the server runs with appendonly yes and maxmemory-policy noeviction",
            )
        ]
    findings = []
    if config.get("appendonly") != "yes":
        findings.append(
            Finding(
                "warning",
                name,
                "no AOF (appendonly no): a crash loses every change since the last RDB snapshot",
                "set appendonly yes and appendfsync everysec (deploy/redis.conf)",
            )
        )
    else:
        findings.append(ok(name, f"AOF on (appendfsync {config.get('appendfsync', '?')})"))
    policy = config.get("maxmemory-policy", "noeviction")
    if policy != "noeviction":
        findings.append(
            Finding(
                "warning",
                name,
                f"maxmemory-policy {policy}: under memory pressure Redis would delete tickets and queues",
                "set maxmemory-policy noeviction",
            )
        )
    return findings


async def check_telegram(settings: Settings) -> list[Finding]:
    """The token, the agents' group and its people, the managers' chats, through the Bot API."""
    if settings.bot_token is None:
        return [
            Finding(
                "error",
                "token",
                "BOT_TOKEN is empty: `supportbot run` would start the local sandbox demo",
                "put the token @BotFather gave you in BOT_TOKEN",
            )
        ]
    api = BotApi(settings.telegram_api_url, settings.bot_token.get_secret_value())
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=API_TIMEOUT_S)) as session:
        api.session = session
        try:
            me = await api.call("getMe")
        except ApiRefused as exc:
            return [Finding("error", "token", f"getMe refused it ({exc})", "copy the token from @BotFather")]
        except (aiohttp.ClientError, TimeoutError) as exc:
            return [
                Finding(
                    "error",
                    "token",
                    f"no answer from the Bot API at {settings.telegram_api_url} ({type(exc).__name__})",
                    "check the network, or TELEGRAM_API_URL",
                )
            ]
        findings = [ok("token", f"getMe answers: @{me.get('username', '?')}")]
        for team, named in _teams_to_check(settings):
            findings += await _agents_group(api, team, named, int(me["id"]))
        findings += await _managers(api, settings)
    return findings


def _teams_to_check(settings: Settings) -> list[tuple[Team, bool]]:
    """Each team whose group to check, and whether the policy names it (its fixes are the policy's).

    With no teams in the policy (or a policy or teams that do not load, reported by `check_files`)
    the one group of the settings is checked.
    """
    try:
        policy = load_policy(settings.policy_file)
        if policy.teams is not None:
            return [(team, True) for team in desk_teams(settings, policy)]
    except (PolicyError, SettingsError):
        pass
    return [(desk_teams(settings, None).default, False)]


async def _agents_group(api: BotApi, team: Team, named: bool, bot_id: int) -> list[Finding]:
    """The team's group: the bot is an administrator there, and its agents and supervisors are members."""
    chat = team.chat_id
    where = f"teams.groups.{team.name}" if named else ""
    chat_setting = f"AGENTS_CHAT_ID (or {where}.chat_id in the policy)" if named else "AGENTS_CHAT_ID"
    if chat is None:
        return [
            Finding(
                "error",
                f"team {team.name}" if named else "agents' group",
                "AGENTS_CHAT_ID is empty: tickets would have nowhere to go",
                f"add the bot to the agents' supergroup and put its id (-100...) in {chat_setting}",
            )
        ]
    subject = f"team {team.name}'s group {chat}" if named else f"agents' group {chat}"
    try:
        await api.call("getChat", chat_id=chat)
        status = (await api.call("getChatMember", chat_id=chat, user_id=bot_id))["status"]
    except ApiRefused as exc:
        return [
            Finding(
                "error",
                subject,
                f"the bot cannot reach it ({exc})",
                f"add the bot to the group, or correct {chat_setting}",
            )
        ]
    findings = []
    if status in ("administrator", "creator"):
        findings.append(ok(subject, f"the bot is {status}"))
    elif status in ("left", "kicked"):
        findings.append(
            Finding(
                "error",
                subject,
                f"the bot is {status}: it is not in the group",
                f"add the bot to the group and make it an administrator, or correct {chat_setting}",
            )
        )
    else:
        findings.append(
            Finding(
                "error",
                subject,
                f"the bot is {status}, not an administrator: it would see only commands and replies",
                "promote the bot to administrator in the group's settings",
            )
        )
    staff = [(uid, "agent") for uid in sorted(team.agents)]
    staff += [(uid, "supervisor") for uid in sorted(team.supervisors) if uid not in team.agents]
    if not team.agents:
        findings.append(
            Finding(
                "warning",
                subject,
                "AGENT_IDS is empty: every member of the group acts as an agent",
                "list the agents' Telegram user ids in AGENT_IDS",
            )
        )
    for user_id, role in staff:
        try:
            member = (await api.call("getChatMember", chat_id=chat, user_id=user_id))["status"]
        except ApiRefused as exc:
            member = f"unknown to Telegram ({exc})"
        if member in MEMBER_STATUSES:
            findings.append(ok(subject, f"{role} {user_id} is {member}"))
        else:
            findings.append(
                Finding(
                    "error",
                    subject,
                    f"{role} {user_id} is not a member ({member})",
                    f"add {user_id} to the group, or remove them from "
                    f"{'AGENT_IDS' if role == 'agent' else 'SUPERVISOR_IDS'}"
                    + (f" (or {where}.{role}s in the policy)" if named else ""),
                )
            )
    return findings


async def _managers(api: BotApi, settings: Settings) -> list[Finding]:
    if not settings.manager_chat_ids:
        return [
            Finding(
                "warning",
                "managers",
                "MANAGER_CHAT_IDS is empty: summaries and SLA escalations reach nobody",
                "list the managers' chat ids in MANAGER_CHAT_IDS",
            )
        ]
    findings = []
    for chat in settings.manager_chat_ids:
        try:
            await api.call("getChat", chat_id=chat)
            findings.append(ok(f"manager chat {chat}", "reachable"))
        except ApiRefused as exc:
            findings.append(
                Finding(
                    "error",
                    f"manager chat {chat}",
                    f"unreachable ({exc})",
                    "the manager must open the bot and press Start (or correct MANAGER_CHAT_IDS)",
                )
            )
    return findings


class ApiRefused(Exception):
    """The Bot API answered ok=false; the message is Telegram's code and description."""


class BotApi:
    """Just enough of a Bot API client for the checks; the URL (with the token) is never shown."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base = f"{base_url.rstrip('/')}/bot{token}"
        self.session: aiohttp.ClientSession | None = None

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """The method's result, or ApiRefused with Telegram's error code and description."""
        assert self.session is not None
        async with self.session.post(f"{self.base}/{method}", json=params) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                raise ApiRefused(f"HTTP {response.status}, not a Bot API answer") from None
        if not isinstance(body, dict) or not body.get("ok"):
            description = body.get("description", "") if isinstance(body, dict) else ""
            raise ApiRefused(f"{response.status} {description}".strip())
        result: dict[str, Any] = body["result"]
        return result


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


def check(settings: Settings) -> tuple[list[Finding], int]:
    """Run every check; (findings, exit code): 1 when any finding is an error."""
    findings = asyncio.run(run_checks(settings))
    return findings, 1 if any(finding.level == "error" for finding in findings) else 0
