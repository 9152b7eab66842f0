"""What every handler needs, bundled once at start-up by the application (`bot.app`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from escalation.clock import Clock
from escalation.desk_state import DeskState
from escalation.directory import CustomerDirectory
from escalation.policy import Policy
from escalation.store import TicketStore
from faq.triage import Triage
from handlers.callbacks import CallbackCodec
from handlers.canned import CannedReplies
from handlers.messenger import Sender


@dataclass(frozen=True, slots=True)
class DeskConfig:
    """The settings handlers act on (built from `bot.config.Settings`, which handlers never import).

    `bot_username` comes from getMe at start-up: commands addressed to another bot are ignored.
    `agents_topics`: the agents' group is a forum with one topic per customer (`handlers.topics`).
    """

    agents_chat_id: int | None
    agent_ids: frozenset[int]
    supervisor_ids: frozenset[int]
    manager_chat_ids: frozenset[int]
    default_language: str = "pt"
    agents_language: str = "pt"
    timezone: str = "America/Sao_Paulo"
    sla_tick_seconds: float = 15.0
    bot_username: str = ""
    agents_topics: bool = False


@dataclass(frozen=True, slots=True)
class HandlerContext:
    """The desk's services, shared by the customer, agent and manager handlers."""

    config: DeskConfig
    policy: Policy
    store: TicketStore
    state: DeskState
    triage: Triage
    directory: CustomerDirectory | None
    sender: Sender
    codec: CallbackCodec
    clock: Clock
    canned: CannedReplies = field(default_factory=CannedReplies.load)
