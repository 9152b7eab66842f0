"""Bot-level methods: identity, receiving updates (polling or webhook), commands, callback answers, files.

getUpdates long-polls on an asyncio signal, so it returns the moment an update is queued. As in
Telegram only one poller may wait at a time: a newer getUpdates ends the older one with 409
"terminated by other getUpdates request", which is how two bot instances on one token show up.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from sandbox import types
from sandbox.core import Core, Described, MethodHandler
from sandbox.errors import bad_request, conflict
from sandbox.params import Params
from sandbox.webhook import WebhookConfig

MAX_UPDATES_PER_CALL = 100
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
MAX_CALLBACK_ANSWER = 200


async def get_me(core: Core, p: Params) -> dict[str, Any]:
    """getMe."""
    return types.me_json(core.world.bot)


def _allowed_updates(core: Core, p: Params) -> None:
    allowed = p.obj("allowed_updates", "can't parse allowed updates JSON object")
    if isinstance(allowed, list):
        core.queue.allowed_updates = [str(kind) for kind in allowed]


async def get_updates(core: Core, p: Params) -> list[dict[str, Any]]:
    """getUpdates: confirm by offset, then answer at once or when an update arrives within `timeout`."""
    if core.webhook.config is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
            "webhook first"
        )
    limit = min(max(p.integer("limit") or MAX_UPDATES_PER_CALL, 1), MAX_UPDATES_PER_CALL)
    timeout = max(p.integer("timeout") or 0, 0)
    _allowed_updates(core, p)
    core.poll_generation += 1
    generation = core.poll_generation
    core.queue.arrived.notify()
    core.queue.confirm(p.integer("offset"))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if generation != core.poll_generation:
            raise conflict(
                "terminated by other getUpdates request; make sure that only one bot instance is running"
            )
        remaining = deadline - loop.time()
        if core.queue.pending_count or remaining <= 0 or core.closing:
            return core.queue.peek(limit)
        await core.queue.arrived.wait(remaining)


async def set_webhook(core: Core, p: Params) -> Described:
    """setWebhook: an empty url removes the webhook; updates then go to the URL, not to getUpdates."""
    url = p.text("url") or ""
    if not url:
        return await delete_webhook(core, p)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token")
    if secret is not None and not SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    _allowed_updates(core, p)
    if p.flag("drop_pending_updates"):
        core.queue.clear()
    current = core.webhook.config
    unchanged = current is not None and current.url == url and current.secret_token == secret
    core.webhook.configure(
        WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=p.integer("max_connections") or 40,
            allowed_updates=list(core.queue.allowed_updates),
        )
    )
    core.webhook.start()
    return Described(True, "Webhook is already set" if unchanged else "Webhook was set")


async def delete_webhook(core: Core, p: Params) -> Described:
    """deleteWebhook: back to getUpdates; drop_pending_updates forgets the queue."""
    if p.flag("drop_pending_updates"):
        core.queue.clear()
    existed = core.webhook.config is not None
    core.webhook.configure(None)
    return Described(True, "Webhook was deleted" if existed else "Webhook is already deleted")


async def get_webhook_info(core: Core, p: Params) -> dict[str, Any]:
    """getWebhookInfo: the URL ("" in polling mode), pending count and the last delivery error."""
    config = core.webhook.config
    info: dict[str, Any] = {
        "url": config.url if config else "",
        "has_custom_certificate": False,
        "pending_update_count": core.queue.pending_count,
    }
    if config is not None:
        info["max_connections"] = config.max_connections
        if config.allowed_updates:
            info["allowed_updates"] = config.allowed_updates
        if config.last_error_date is not None:
            info["last_error_date"] = config.last_error_date
            info["last_error_message"] = config.last_error_message
    return info


def _commands_key(p: Params) -> str:
    scope = p.obj("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
    return f"{json.dumps(scope, sort_keys=True)}|{p.text('language_code') or ''}"


async def set_my_commands(core: Core, p: Params) -> bool:
    """setMyCommands for a scope and language, validated like Telegram's BotFather rules."""
    commands = p.obj("commands", "can't parse commands JSON object")
    if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
        raise bad_request("can't parse commands JSON object")
    stored = []
    for command in commands:
        if not isinstance(command, dict) or not COMMAND.match(
            str(command.get("command", "")).removeprefix("/")
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(command.get("description", "")).strip()
        if not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        stored.append({"command": str(command["command"]).removeprefix("/"), "description": description})
    core.world.commands[_commands_key(p)] = stored
    return True


async def get_my_commands(core: Core, p: Params) -> list[dict[str, str]]:
    """getMyCommands for a scope and language."""
    return core.world.commands.get(_commands_key(p), [])


async def delete_my_commands(core: Core, p: Params) -> bool:
    """deleteMyCommands for a scope and language."""
    core.world.commands.pop(_commands_key(p), None)
    return True


async def answer_callback_query(core: Core, p: Params) -> bool:
    """answerCallbackQuery: once per query, as Telegram allows; the answer is kept for the control API."""
    record = core.world.callbacks.get(p.text("callback_query_id") or "")
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.text("text")
    if text is not None and len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered, record.text, record.show_alert, record.url = (
        True,
        text,
        p.flag("show_alert"),
        p.text("url"),
    )
    core.world.changed.notify()
    return True


async def get_file(core: Core, p: Params) -> dict[str, Any]:
    """getFile: file_path is relative; frameworks prefix their file base URL."""
    return core.files.file_json(p.text("file_id"))


METHODS: dict[str, MethodHandler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "answerCallbackQuery": answer_callback_query,
    "getFile": get_file,
}
