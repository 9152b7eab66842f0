"""The queue board: in topic mode, one message in the forum's General topic shows what waits.

With a topic per customer, cards live in their customers' topics and the General topic would say
nothing of the queue; agents need one place to see it. The board is one message there, edited in
place: the waiting tickets due first (the queue's order), the top `BOARD_SIZE` with priority,
number, customer, a short excerpt and the deadline with the time left, and how many more wait.

- It is posted once per forum: the post is an outbox job named after the board's generation
  (`Keys.board`), so every worker that finds no board asks for the same job and gets the same
  message id back from the delivery's record; that id is kept in Redis for every worker to edit.
- A board someone deleted ("message to edit not found") starts a new generation and is posted again.
- Edits go at `GROWTH_PRIORITY`, after every ticket's messages in the group's queue (the board
  never delays a P1 card), and the outbox keeps only the newest pending edit of a message; an
  edit that would show what the board shows already is not sent at all.
- Times are said to the minute, so the SLA tick's refresh edits the board at most once a minute
  for time passing.

Each process refreshes one board at a time: a change while a refresh is under way makes one more
refresh after it, so a burst of changes costs one or two renders, never one per change. The work
runs outside the update's effect scope: the board shows the desk's latest state, not an effect
of one update, and the SLA tick brings it up to date whatever a killed worker left behind.
In group mode there is no board: the stream of cards is the queue.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import logging
import math
from datetime import datetime
from zoneinfo import ZoneInfo

from escalation.domain import State
from escalation.effects import effect_scope
from escalation.ticket import Ticket
from handlers.cards import PRIORITY_MARK, ticket_context, time_left
from handlers.context import HandlerContext
from handlers.events import Outgoing
from handlers.messenger import BadRequest, TelegramError
from handlers.relay import GROWTH_PRIORITY
from handlers.texts import a

log = logging.getLogger(__name__)

BOARD_SIZE = 10
GONE = "message to edit not found"
# Forget the board's message only if it is still the one found gone, and start a new generation.
# KEYS[1] the board's hash  ARGV[1] the message id an edit found gone
_FORGET = """
if redis.call('HGET', KEYS[1], 'mid') == ARGV[1] then
  redis.call('HDEL', KEYS[1], 'mid', 'sha')
  redis.call('HINCRBY', KEYS[1], 'gen', 1)
end
return 1
"""


class QueueBoard:
    """The General topic's queue board of the agents' forum; `changed()` after any queue change."""

    def __init__(self, ctx: HandlerContext) -> None:
        self.ctx = ctx
        self._forget_script = ctx.store.redis.register_script(_FORGET)
        self._task: asyncio.Task[None] | None = None
        self._again = False

    @property
    def enabled(self) -> bool:
        """Topic mode with an agents' group: the board stands for the queue in its General topic."""
        return self.ctx.config.agents_topics and self.ctx.config.agents_chat_id is not None

    def changed(self) -> None:
        """The queue changed (a ticket created, claimed, released, resolved, reprioritised, or time
        passed): bring the board up to date in the background, coalesced with a refresh under way."""
        if not self.enabled:
            return
        if self._task is not None and not self._task.done():
            self._again = True
            return
        # An empty context: the board's sends are no effect of the update being handled.
        self._task = asyncio.create_task(self._keep_up(), name="queue-board", context=contextvars.Context())

    async def drain(self) -> None:
        """Wait until the board shows the latest change (tests)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def close(self) -> None:
        """Stop refreshing (shutdown): a queued edit stays in the outbox for the other workers."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _keep_up(self) -> None:
        while True:
            self._again = False
            try:
                await self.refresh()
            except TelegramError as exc:
                log.warning("the queue board could not be updated: %s", exc)
            except Exception:  # the next change or SLA tick tries again; a worker must not lose its task
                log.exception("the queue board could not be updated")
            if not self._again:
                return

    async def refresh(self) -> None:
        """Post the board, or edit it to show the queue now (nothing when it shows that already)."""
        chat = self.ctx.config.agents_chat_id
        if not self.enabled or chat is None:
            return
        redis, key = self.ctx.store.redis, self.ctx.store.keys.board(chat)
        text = await self.render()
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        board = await redis.hgetall(key)
        if board.get("mid"):
            if board.get("sha") == digest:
                return
            try:
                await self.ctx.sender.edit(chat, int(board["mid"]), text, priority=GROWTH_PRIORITY)
            except BadRequest as exc:
                if GONE not in str(exc).lower():
                    raise
                log.info("the queue board %s was deleted; posting it again", board["mid"])
                await self._forget_script(keys=[key], args=[board["mid"]])
                board = await redis.hgetall(key)
            else:
                await redis.hset(key, "sha", digest)
                return
        generation = board.get("gen", "0")
        with effect_scope(f"board:{chat}:{generation}"):
            message_id = await self.ctx.sender.send(Outgoing(chat, text, priority=GROWTH_PRIORITY))
        if await redis.hget(key, "gen") in (None, generation):
            await redis.hset(key, mapping={"mid": message_id, "sha": digest, "gen": generation})

    async def render(self) -> str:
        """The board's HTML: a title with the counts, one line per ticket due first, and the rest."""
        store, language = self.ctx.store, self.ctx.config.agents_language
        waiting = await store.list(State.OPEN, limit=BOARD_SIZE)
        total, holding = await asyncio.gather(store.queue_length(), store.redis.zcard(store.keys.claimed))
        title = a(language, "board_title", waiting=total, claimed=holding)
        if not waiting:
            return f"{title}\n{a(language, 'board_empty')}"
        openings = await store.opening_texts([ticket.number for ticket in waiting])
        now = self.ctx.clock.now()
        lines = [title, *(self._line(ticket, openings[ticket.number], now) for ticket in waiting)]
        if total > len(waiting):
            lines.append(a(language, "board_more", count=total - len(waiting)))
        return "\n".join(lines)

    def _line(self, ticket: Ticket, opening: str, now: float) -> str:
        """🔴 P1 #12 · who · what · «excerpt» · ⏱ 14:30 (12 min left)."""
        language, zone = self.ctx.config.agents_language, ZoneInfo(self.ctx.config.timezone)
        due = datetime.fromtimestamp(ticket.due_at, zone)
        same_day = due.date() == datetime.fromtimestamp(now, zone).date()
        deadline = due.strftime("%H:%M" if same_day else "%d/%m %H:%M")
        left = time_left(language, now + _whole_minutes(ticket.due_at - now), now)
        return (
            f"{PRIORITY_MARK[ticket.priority]} {ticket.priority.name} <b>{ticket.label}</b> · "
            f"{ticket_context(ticket, opening, language)} · ⏱ {deadline} ({left})"
            + (f" · 🚨I{ticket.incident}" if ticket.incident else "")
        )


def _whole_minutes(seconds: float) -> float:
    """Seconds to a deadline, away from zero to whole minutes: "1 min left" until it is due."""
    return math.copysign(math.ceil(abs(seconds) / 60) * 60, seconds)
