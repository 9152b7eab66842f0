"""The `supportbot` command: each subcommand lives in its own module under `bot.commands`.

A module exposes `register(subparsers)`, which adds its parser and sets `handler` to a function
taking the parsed arguments and returning the exit code. Operator mistakes (bad settings, an
unknown ticket) end with one line on stderr and a non-zero code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bot import redaction
from bot.commands import CommandError
from bot.config import SettingsError
from bot.log_format import TEXT_FORMAT
from escalation.directory import DirectoryError
from escalation.policy import PolicyError
from faq.knowledge import KnowledgeBaseError
from handlers.canned import CannedRepliesError

COMMAND_MODULES = ("run", "check", "tickets", "triage", "sandbox", "report", "faq")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every installed subcommand."""
    parser = argparse.ArgumentParser(prog="supportbot", description="IPTV support desk on Telegram")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"bot.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.WARNING, format=TEXT_FORMAT)
    redaction.install()
    try:
        return int(args.handler(args) or 0)
    except (
        CommandError,
        SettingsError,
        PolicyError,
        DirectoryError,
        KnowledgeBaseError,
        CannedRepliesError,
    ) as exc:
        print(f"supportbot: {redaction.redact(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (`| head`) went away: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
