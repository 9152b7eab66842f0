"""`supportbot run`: the bot (against Telegram with BOT_TOKEN, else the local sandbox demo)."""

from __future__ import annotations

import argparse

from bot.config import load_settings
from bot.log_format import apply_log_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `run`."""
    parser = subparsers.add_parser("run", help="run the bot (sandbox demo when BOT_TOKEN is empty)")
    parser.add_argument("--runtime", choices=["aiogram", "ptb"], help="override RUNTIME")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    overrides = {"runtime": args.runtime} if args.runtime else {}
    settings = load_settings(**overrides)
    apply_log_settings(settings.log_level, settings.log_format)
    # Imported here: the runtimes load aiogram and PTB, which other commands need not pay for.
    from bot.app import run

    return run(settings)
