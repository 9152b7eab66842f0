"""Bot API parameters from any request shape Telegram accepts, read with Telegram's leniency.

Telegram takes a method's parameters from the query string, a urlencoded or multipart form, or a
JSON body, and in forms every non-string value (reply_markup, entities, booleans) is JSON text.
aiogram sends forms, PTB's own httpx backend forms or multipart, the desk's PTB backend
(`bot/runtime/ptb_request.py`) JSON, and so do hand-written clients: handlers should not care, so
`Params` hides the transport and converts values on access.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from sandbox.errors import bad_request

ATTACH_PREFIX = "attach://"


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request, read into memory (the sandbox keeps files in memory)."""

    data: bytes
    filename: str | None
    content_type: str | None


class Params:
    """A method's parameters with typed accessors that raise Telegram's 400s on bad values."""

    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload] | None = None) -> None:
        self._values = {key: value for key, value in values.items() if value is not None and value != ""}
        self._uploads = dict(uploads or {})

    def nested(self, values: Mapping[str, Any]) -> Params:
        """The parameters of one item of an array parameter (a media group's InputMedia), whose
        files may be parts of this request ("attach://<part>")."""
        return Params(values, self._uploads)

    def has(self, name: str) -> bool:
        """Whether the parameter was sent with a non-empty value (Telegram treats empty as absent)."""
        return name in self._values or name in self._uploads

    def text(self, name: str) -> str | None:
        """A string parameter; JSON numbers are accepted and turned into text as Telegram does."""
        value = self._values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        """An integer parameter, from a JSON number or its decimal text."""
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        """A boolean parameter: JSON true or the text "true"/"1", anything else is false."""
        value = self._values.get(name)
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"true", "1"}

    def obj(self, name: str, error: str) -> Any:
        """A JSON-typed parameter (object or array), decoded when it came as form text."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error) from None

    def chat_id(self, name: str = "chat_id") -> int | str | None:
        """A chat identifier: an integer id or an "@username" text, as Telegram accepts both."""
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    def input_file(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part (directly or via "attach://<part>") or a file_id/URL text."""
        if name in self._uploads:
            return self._uploads[name]
        value = self.text(name)
        if value is not None and value.startswith(ATTACH_PREFIX):
            upload = self._uploads.get(value.removeprefix(ATTACH_PREFIX))
            if upload is None:
                raise bad_request(f"there is no {name} in the request")
            return upload
        return value


async def read_params(request: web.Request) -> Params:
    """Merge the query string with the body, whatever its content type."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            values.update(body)
        elif request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, FileField):
                    uploads[key] = Upload(value.file.read(), value.filename, value.content_type)
                else:
                    values[key] = value
    return Params(values, uploads)
