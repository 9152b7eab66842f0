"""The `supportbot` subcommands, one module each (see `bot.cli`)."""


class CommandError(Exception):
    """An operator-facing failure: printed as one line on stderr, exit code 1."""
