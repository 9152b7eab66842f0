"""python-telegram-bot's HTTP backend on aiohttp: PTB's documented `BaseRequest` port, without httpx.

Why: the PTB runtime spent most of its CPU in httpx. Measured against the sandbox on one core,
a `send_message` cost about 1 ms of CPU through `HTTPXRequest` and about 0.3 ms through this class
(aiohttp's C HTTP parser, one pooled connector), and every update the desk handles costs at least
one Bot API call. aiohttp is already what the aiogram runtime and the sandbox run on, so both
runtimes send their requests through the same HTTP client.

What PTB's `Bot` sees is unchanged: the same parameters (as a JSON body, which the Bot API takes
like a form, or as PTB's multipart form when there are files), the same (status, body) answer,
the same `TimedOut` and `NetworkError`. Timeouts keep PTB's meaning where aiohttp has the same
notion: `connect_timeout` bounds the TCP connect, `pool_timeout` + `connect_timeout` the wait for
a pooled connection, `read_timeout` the wait for the answer. aiohttp has no per-write timeout, so
`write_timeout` only counts toward an overall bound of the whole request (the sum of the four,
when all are set). JSON goes both ways through orjson, as PTB's `parse_json_payload` invites.
"""

from __future__ import annotations

import logging
import re
import ssl
from typing import TYPE_CHECKING, Any

import aiohttp
import certifi
import orjson
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.metrics import observe_api_call

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

log = logging.getLogger(__name__)

DEFAULT_POOL_SIZE = 16
JSON = "application/json"
# The token sits in the path of every Bot API URL (/bot<token>/method, /file/bot<token>/path).
TOKEN_IN_PATH = re.compile(r"/bot[^/\s'\"]+")


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one `aiohttp.ClientSession`, created by `initialize` and closed by `shutdown`.

    `connection_pool_size` caps the connections to the Bot API server; PTB's own defaults are kept
    for the timeouts (5 s, media uploads 20 s to write, 1 s to get a pooled connection).
    """

    __slots__ = ("_defaults", "_media_write_timeout", "_pool_size", "_session")

    def __init__(
        self,
        connection_pool_size: int = DEFAULT_POOL_SIZE,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._defaults = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Telegram's answer, read by orjson (PTB's default is the standard library's `json`, about
        three times slower on a sent message); invalid JSON fails as PTB's own parser fails it."""
        try:
            parsed: dict[str, Any] = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            log.error("the Bot API answered with invalid JSON (%d bytes)", len(payload))
            raise TelegramError("Invalid server response") from exc
        return parsed

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call does not pass its own (PTB adds it to long polls)."""
        return self._defaults["read"]

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown); a second call while open does nothing."""
        if self._session is None or self._session.closed:
            self._session = self._open()

    async def shutdown(self) -> None:
        """Close the session and its connections; safe to call twice or before `initialize`."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _open(self) -> aiohttp.ClientSession:
        # certifi's CA list, as httpx and aiogram use: a host without a system store still verifies TLS.
        tls = ssl.create_default_context(cafile=certifi.where())
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=tls),
            headers={"User-Agent": self.USER_AGENT},
        )

    def _ready_session(self) -> aiohttp.ClientSession:
        """The open session; opened on first use, as PTB's httpx backend is usable before `initialize`.

        After `shutdown` it stays closed until `initialize`: a call then is a bug, not a reconnect.
        """
        if self._session is None:
            self._session = self._open()
        elif self._session.closed:
            raise RuntimeError("This AiohttpRequest is shut down; initialize it again first")
        return self._session

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """POST/GET `url` with PTB's request data; (HTTP status, body). Failures as PTB's errors."""
        session = self._ready_session()
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        timeout = self._timeout(
            read=self._given(read_timeout, "read"),
            write=self._given(write_timeout, "write", media=bool(files)),
            connect=self._given(connect_timeout, "connect"),
            pool=self._given(pool_timeout, "pool"),
        )
        body = _body(request_data, files)
        # Raised `from None`: aiohttp's exceptions quote the URL, which holds the bot token, and a
        # chained cause would print it in every traceback of the error. Redirects are not followed,
        # as with PTB's httpx backend (a multipart body cannot be sent twice anyway).
        try:
            async with session.request(
                method, url, data=body, timeout=timeout, allow_redirects=False
            ) as response:
                observe_api_call(url.rpartition("/")[2], response.status)
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts subclass asyncio.TimeoutError
            raise TimedOut(f"Timed out: aiohttp.{type(exc).__name__}: {_redacted(exc)}") from None
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {_redacted(exc)}") from None

    def _given(self, value: ODVInput[float], name: str, media: bool = False) -> float | None:
        """The call's own timeout, or this request's default (the media one for uploads)."""
        if value is not BaseRequest.DEFAULT_NONE:
            return value  # type: ignore[return-value]
        if name == "write" and media:
            return self._media_write_timeout
        return self._defaults[name]

    @staticmethod
    def _timeout(
        read: float | None, write: float | None, connect: float | None, pool: float | None
    ) -> aiohttp.ClientTimeout:
        """aiohttp's timeout for PTB's four; None (no limit) stays None."""
        waiting = None if connect is None or pool is None else connect + pool
        phases = (read, write, connect, pool)
        total = None if any(phase is None for phase in phases) else sum(phases)  # type: ignore[arg-type]
        return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect, sock_read=read)


def _redacted(exc: BaseException) -> str:
    """The exception's text with the token in any Bot API URL masked."""
    return TOKEN_IN_PATH.sub("/bot<token>", str(exc))


def _body(request_data: RequestData | None, files: dict[str, Any] | None) -> Any:
    """A JSON body, or a multipart form when files are attached (as PTB's httpx backend sends them).

    The Bot API takes either; JSON is encoded here in one call from PTB's `parameters` (already
    plain values), where a form costs a JSON dump per nested field and URL-quoting of every
    value, and aiohttp, given a dict, first fails a lookup in its payload registry (an exception
    per request) and builds a multipart writer it does not use. Together that was about a fifth
    of the CPU of a `send_message`.
    """
    if request_data is None:
        return None
    if not files:
        return aiohttp.BytesPayload(orjson.dumps(request_data.parameters), content_type=JSON)
    form = aiohttp.FormData(request_data.json_parameters)
    for name, (file_name, content, mime_type) in files.items():
        form.add_field(name, content, filename=file_name, content_type=mime_type)
    return form
