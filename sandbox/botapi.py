"""The HTTP face of the Bot API: `/bot<token>/<method>` and `/file/bot<token>/<file_path>`.

These are the paths both aiogram (`TelegramAPIServer.from_base(base)`) and python-telegram-bot
(`base_url=base + "/bot"`, `base_file_url=base + "/file/bot"`) build. Every answer is Telegram's
envelope: `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description",
"parameters"?}` with the matching HTTP status, including 401 "Unauthorized" for a wrong token (when
a token is configured) and 404 "Not Found" for a method the sandbox does not serve.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from sandbox.core import Core, Described
from sandbox.errors import BotApiError
from sandbox.methods import find_method
from sandbox.params import Params, read_params

log = logging.getLogger(__name__)

UNAUTHORIZED = BotApiError(401, "Unauthorized")
NOT_FOUND = BotApiError(404, "Not Found")


def _error_response(error: BotApiError) -> web.Response:
    return web.json_response(error.envelope(), status=error.error_code)


class BotApiRoutes:
    """Authenticates, dispatches to the method handlers, counts calls and 429s."""

    def __init__(self, core: Core, token: str | None) -> None:
        self.core = core
        self.token = token

    def add_to(self, app: web.Application) -> None:
        """Register the method and file routes (any HTTP verb for methods, as Telegram allows)."""
        app.router.add_route("*", "/bot{token}/{method}", self.handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)

    def _authorized(self, token: str) -> bool:
        """Check the token; with none configured, any token is fine and names the bot.

        aiogram derives `bot.id` from the token's numeric prefix, so the sandbox's bot takes that id
        too: getMe and getChatMember then agree with what the framework believes.
        """
        if self.token is not None:
            return token == self.token
        prefix = token.split(":", 1)[0]
        if prefix.isdigit():
            self.core.world.bot.id = int(prefix)
        return True

    async def handle_method(self, request: web.Request) -> web.Response:
        """One Bot API call over HTTP."""
        if not self._authorized(request.match_info["token"]):
            return _error_response(UNAUTHORIZED)
        try:
            params = await read_params(request)
        except web.HTTPException as exc:
            return _error_response(BotApiError(exc.status, exc.reason))
        except BotApiError as error:
            return _error_response(error)
        return await self._answer(request.match_info["method"], params)

    async def call(self, method: str, values: dict[str, Any]) -> web.Response:
        """Run a method from a webhook reply body (no HTTP request of its own)."""
        return await self._answer(method, Params(values))

    async def _answer(self, method: str, params: Params) -> web.Response:
        found = find_method(method)
        if found is None:
            self.core.stats.calls[method] += 1
            return _error_response(NOT_FOUND)
        name, handler = found
        self.core.stats.calls[name] += 1
        try:
            result = await handler(self.core, params)
        except BotApiError as error:
            if error.error_code == 429:
                self.core.stats.throttled_429 += 1
            log.debug("%s -> %s", name, error.description)
            return _error_response(error)
        if isinstance(result, Described):
            return web.json_response({"ok": True, "result": result.result, "description": result.description})
        return web.json_response({"ok": True, "result": result})

    async def handle_file(self, request: web.Request) -> web.Response:
        """Download a file by the path getFile returned."""
        if not self._authorized(request.match_info["token"]):
            return _error_response(UNAUTHORIZED)
        stored = self.core.files.by_path(request.match_info["path"])
        if stored is None:
            return _error_response(NOT_FOUND)
        return web.Response(body=stored.data, content_type=stored.content_type)
