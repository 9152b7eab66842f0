"""`supportbot sandbox`: run the local Telegram Bot API sandbox on its own until Ctrl-C.

Useful to point a bot started elsewhere (or curl, or the web chat page) at a Telegram stand-in.
The port defaults to SANDBOX_PORT from the settings.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING

from bot.commands import CommandError
from bot.config import load_settings

if TYPE_CHECKING:
    from sandbox import Sandbox


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `sandbox` subcommand."""
    parser = subparsers.add_parser("sandbox", help="run the local Telegram Bot API sandbox")
    parser.add_argument("--port", type=int, default=None, help="TCP port (default: SANDBOX_PORT, 8081)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--no-limits", action="store_true", help="turn Telegram's flood limits (429) off")
    parser.add_argument("--token", default=None, help="accept only this bot token (default: any token)")
    parser.set_defaults(handler=run)


async def serve(sandbox: Sandbox, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM, then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await sandbox.start(host, port)
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    print(f"Telegram sandbox at {sandbox.base_url}", flush=True)
    print(f"  aiogram: TelegramAPIServer.from_base({sandbox.base_url!r})", flush=True)
    print(f"  PTB:     base_url={sandbox.ptb_base_url!r}", flush=True)
    print(f"           base_file_url={sandbox.ptb_base_file_url!r}", flush=True)
    print(f"  control: {sandbox.base_url}/sandbox/api   token: {sandbox.token}", flush=True)
    try:
        await stop.wait()
    finally:
        await sandbox.stop()


def run(args: argparse.Namespace) -> int:
    """Handler of `supportbot sandbox`; the sandbox is imported here, so other commands never load it."""
    from sandbox import Sandbox

    port = args.port if args.port is not None else load_settings().sandbox_port
    sandbox = Sandbox(token=args.token, limits_enabled=not args.no_limits)
    asyncio.run(serve(sandbox, args.host, port))
    return 0
