"""`supportbot check`: a pre-flight check of the settings, Redis and Telegram (see `bot.preflight`)."""

from __future__ import annotations

import argparse

from bot.config import load_settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `check`."""
    parser = subparsers.add_parser(
        "check", help="check settings, Redis and Telegram before going live (exit 1 on any error)"
    )
    parser.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    from bot.preflight import check

    findings, code = check(load_settings())
    for finding in findings:
        print(finding.line())
    errors = sum(1 for finding in findings if finding.level == "error")
    warnings = sum(1 for finding in findings if finding.level == "warning")
    print(f"{errors} error(s), {warnings} warning(s)")
    return code
