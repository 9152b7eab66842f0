"""The desk's shared wiring: settings, Redis, policy and ticket store, opened and closed together.

The bot, the CLI and the scheduler all start from `open_desk`, so each sees the same namespace,
policy and clock, and the embedded Redis is stopped on the way out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.config import Settings, SettingsError
from bot.redis_connection import RedisClient, open_redis
from escalation.clock import Clock, SystemClock
from escalation.policy import Policy, load_policy
from escalation.store import TicketStore
from escalation.teams import DeskTeams, TeamsError


@dataclass(frozen=True, slots=True)
class Desk:
    """Everything a command or a runtime needs to act on the desk."""

    settings: Settings
    redis: RedisClient
    policy: Policy
    store: TicketStore
    clock: Clock


@asynccontextmanager
async def open_desk(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Desk]:
    """Load the policy (failing fast on a bad one), connect Redis and build the store."""
    policy = load_policy(settings.policy_file)
    clock = clock or SystemClock()
    async with open_redis(settings) as redis:
        store = TicketStore.build(redis, settings.redis_namespace, policy, settings.timezone, clock)
        yield Desk(settings, redis, policy, store, clock)


def desk_teams(settings: Settings, policy: Policy | None) -> DeskTeams:
    """The policy's teams with the settings' agents' group as the default team's (one implicit team
    when the policy has none, or with no policy); SettingsError (one line) when they clash."""
    try:
        return DeskTeams.resolve(
            policy.teams if policy is not None else None,
            settings.agents_chat_id,
            settings.agent_ids,
            settings.supervisor_ids,
            settings.agents_language,
        )
    except TeamsError as exc:
        raise SettingsError(str(exc)) from None
