"""`supportbot sandbox`: parses its options, serves until SIGINT, exits 0."""

from __future__ import annotations

import asyncio
import signal
import sys

import aiohttp

from bot.cli import build_parser
from bot.commands import sandbox as command


def test_options() -> None:
    args = build_parser().parse_args(["sandbox", "--port", "9000", "--host", "0.0.0.0", "--no-limits"])
    assert (args.port, args.host, args.no_limits, args.token, args.handler) == (
        9000,
        "0.0.0.0",
        True,
        None,
        command.run,
    )


async def test_serves_until_interrupted() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "sandbox",
        "--port",
        "0",
        "--token",
        "42:abc",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        base_url = first.rsplit(" ", 1)[1].strip()
        async with aiohttp.ClientSession() as http, http.get(f"{base_url}/bot42:abc/getMe") as response:
            assert (await response.json())["result"]["id"] == 42
    finally:
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 30) == 0
