"""Real processes for operator-level tests: `supportbot` itself, a password-protected Redis, a dropping link.

The tests read what an operator reads: the exit code and everything the process wrote.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import struct
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from bot.embedded_redis import redis_server_binary

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a fresh operator's shell: no settings but these, data under tmp_path."""
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {"DATA_DIR": str(tmp_path / "data"), "SANDBOX_PORT": "0", **env, **settings}


def supportbot(
    tmp_path: Path, *args: str, timeout: float = 90, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run the console script to its end in an empty directory (no `.env`), with only `settings` set."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env={**clean_env(tmp_path, **settings), "PYTHONPATH": str(REPO)},
        cwd=tmp_path,
        timeout=timeout,
    )


@dataclass
class BotProcess:
    """A `supportbot run` in the background, writing stdout and stderr to one file."""

    process: asyncio.subprocess.Process
    output: Path

    def text(self) -> str:
        """Everything the process wrote so far."""
        return self.output.read_text(encoding="utf-8", errors="replace")

    async def wait_for(self, needle: str, within: float = 60, after: int = 0) -> None:
        """Wait until the output past character `after` contains `needle` (fails if the process ends)."""
        deadline = time.monotonic() + within
        while needle not in self.text()[after:]:
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} never appeared; the process wrote:\n{self.text()}")
            await asyncio.sleep(0.1)


@asynccontextmanager
async def running_bot(tmp_path: Path, **settings: str) -> AsyncIterator[BotProcess]:
    """`supportbot run` with these settings; stopped with SIGTERM (as systemd would) on the way out."""
    output = tmp_path / "bot-output.txt"
    with output.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            stdout=sink,
            stderr=sink,
            env={**clean_env(tmp_path, **settings), "PYTHONPATH": str(REPO)},
            cwd=tmp_path,
        )
    bot = BotProcess(process, output)
    try:
        yield bot
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


@contextmanager
def password_redis(tmp_path: Path, password: str) -> Iterator[int]:
    """A Redis server of the test's own on a TCP port, requiring `password`; yields the port."""
    port = free_port()
    server = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            password,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port, password=password, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.RedisError):
                if client.ping():
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the test's Redis did not start")
            time.sleep(0.05)
        yield port
    finally:
        server.kill()
        server.wait()


class DroppingLink:
    """A TCP relay to a server that can drop the connection mid-request, as a flaky network does.

    Once `drop()` is called, every open connection and every new one is reset (RST) at once:
    the client is writing its request when the link dies.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.dropped = False
        self.misrouting = False
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> DroppingLink:
        """Listen on a free local port."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def misroute(self) -> None:
        """From now on answer every request with a redirect to itself, as a misconfigured proxy does."""
        self.dropped, self.misrouting = False, True
        for writer in list(self._open):
            _reset(writer)

    def drop(self) -> None:
        """Reset every connection from now on."""
        self.dropped = True
        for writer in list(self._open):
            _reset(writer)

    async def close(self) -> None:
        """Stop listening and reset what is still open."""
        self.drop()
        if self._server is not None:
            self._server.close()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.dropped:
            _reset(writer)
            return
        if self.misrouting:
            await _redirect_to_itself(reader, writer)
            return
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._open.update((writer, upstream_writer))
        try:
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        finally:
            self._open.difference_update((writer, upstream_writer))
            _reset(upstream_writer)
            _reset(writer)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST instead of FIN (SO_LINGER 0), as a dead link or a killed peer does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _redirect_to_itself(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer one request with 307 to its own path, then close."""
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        head = await reader.readuntil(b"\r\n\r\n")
        path = head.split(b" ", 2)[1]
        head = b"HTTP/1.1 307 Temporary Redirect\r\nLocation: %s\r\nContent-Length: 0\r\n" % path
        writer.write(head + b"Connection: close\r\n\r\n")
        await writer.drain()
    writer.close()
