"""The state of each ticket's relay to the agents: one group message per customer burst.

A flooding customer (hundreds of messages in seconds, or a steady stream) or a long paste that
the Telegram app split into 4,096-character parts must reach the agents as one message that
grows, not as hundreds of group messages that use up the group's 20 messages a minute. The
state lives in Redis (`lua/relay.lua`) so that any worker may handle the next message of a burst.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from redis.asyncio import Redis

from escalation.effects import current_scope
from escalation.keys import Keys

RELAY_SPAN_S = 300.0
RELAY_TEXT_BYTES = 3000
RELAY_TTL_S = 24 * 3600


@dataclass(frozen=True, slots=True)
class RelayStep:
    """What to do with the group message of a burst after one more customer message.

    `verb` is "post" (a new relay: send it, then `posted`), "edit" (edit `message_id`), "wait" (a
    post is on its way and its poster brings it up to date) or "posted". `text` is the burst's
    latest words (its start dropped when `cut`), `count` how many messages it holds.
    """

    verb: str
    message_id: int | None
    count: int
    header: str
    text: str
    cut: bool


class RelayState:
    """Relays of one desk namespace."""

    def __init__(self, redis: Redis, keys: Keys, span: float = RELAY_SPAN_S) -> None:
        self.keys = keys
        self.span = span
        self._script = redis.register_script((Path(__file__).with_name("lua") / "relay.lua").read_text())

    async def add(
        self, number: int, now: float, agent_at: float, text: str, header: str, *, new: bool = False
    ) -> RelayStep:
        """One more customer message on ticket `number`; `agent_at` is its last agent answer (0: none).

        An answer after the burst started, a burst older than `span`, or `new` starts a new
        relay with `header`.
        """
        scope = current_scope()
        effect = scope.take("l") if scope is not None else ""
        return await self._run(
            number,
            "add",
            now,
            self.span,
            agent_at,
            text,
            RELAY_TEXT_BYTES,
            header,
            RELAY_TTL_S,
            int(new),
            effect,
        )

    async def posted(self, number: int, message_id: int) -> RelayStep:
        """The relay's message went out; the state as it is now (more messages may have come)."""
        return await self._run(number, "posted", message_id)

    async def abandon(self, number: int) -> None:
        """The relay's message could not be posted: the next message starts a new one."""
        await self._run(number, "abandon")

    async def _run(self, number: int, *args: object) -> RelayStep:
        verb, message_id, count, header, text, cut = await self._script(
            keys=[self.keys.relay(number)], args=list(args)
        )
        return RelayStep(verb, int(message_id) if message_id else None, int(count), header, text, cut == "1")
