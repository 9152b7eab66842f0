"""aiogram's aiohttp session, sending a request without files as one JSON body instead of a form.

Why: on `bench/e2e.py` the aiogram bot spent about a seventh of its CPU turning each Bot API call
into a form: `build_form_data` adds the fields to an aiohttp `FormData` one at a time, then aiohttp
URL-quotes every value into the body. The Bot API reads a JSON body as it reads a form, a string
value being the form field's text, so the very fields aiogram prepares (nested objects already as
JSON text) go out as one `json.dumps`. A request with files keeps aiogram's multipart form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from aiogram.client.session.aiohttp import AiohttpSession
from aiohttp import BytesPayload, FormData

from bot.metrics import observe_api_call

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import Response, TelegramType

JSON = "application/json"


def _dumps(value: Any) -> str:
    """orjson's encoding as the text aiogram expects of its `json_dumps`."""
    return orjson.dumps(value).decode()


class JsonBodySession(AiohttpSession):
    """`AiohttpSession` whose requests without files are JSON bodies of the same fields."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(json_loads=orjson.loads, json_dumps=_dumps, **kwargs)

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> FormData | BytesPayload:  # type: ignore[override]
        """The fields as aiogram prepares them, in a JSON body; aiogram's form when files are attached."""
        fields: dict[str, Any] = {}
        files: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                fields[key] = prepared
        if files:
            return super().build_form_data(bot, method)
        return BytesPayload(orjson.dumps(fields), content_type=JSON)

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        """aiogram's check, after counting the answer for `/metrics` (calls and 429s by method)."""
        observe_api_call(method.__api_method__, status_code)
        return super().check_response(bot, method, status_code, content)
