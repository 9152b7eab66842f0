"""The bot's pending updates with Telegram's getUpdates semantics.

Update ids increase by one. getUpdates with `offset` confirms (forgets) every update below it; a
negative offset keeps only the last |offset| updates. `allowed_updates` filters updates when they
are *created*, as Telegram does, and the default (absent or empty) leaves out chat_member and the
reaction updates. A sent update stays pending until confirmed, so a bot that crashes before
confirming gets it again: the at-least-once delivery the desk's update_id de-duplication is for.

`redeliver` queues an already confirmed update again with its old id, like Telegram redelivering
after a crash. Such an update survives the next confirmation (the bot's offset is already past its
id) until it has been handed out once.
"""

from __future__ import annotations

import copy
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sandbox.state import Signal

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
HISTORY_SIZE = 10_000


@dataclass
class _Pending:
    update: dict[str, Any]
    redelivered: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        """The id Telegram would give, kept across redeliveries."""
        return int(self.update["update_id"])


class UpdateQueue:
    """Pending updates in id order, plus a bounded history for redelivery."""

    def __init__(self, first_update_id: int | None = None) -> None:
        # Like Telegram after a quiet spell, a fresh sandbox starts at an unpredictable id, so a bot
        # whose Redis remembers the ids of an earlier sandbox run never mistakes new updates for
        # redeliveries.
        self._next_id = first_update_id if first_update_id is not None else secrets.randbelow(2**30) + 1
        self._pending: list[_Pending] = []
        self._history: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.allowed_updates: list[str] = []
        self.arrived = Signal()

    def wanted(self, kind: str) -> bool:
        """Whether the bot asked for this kind of update (allowed_updates of getUpdates/setWebhook)."""
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED

    def push(self, kind: str, payload: dict[str, Any]) -> int | None:
        """Queue an update (payload copied: later edits must not change it); None if filtered out."""
        if not self.wanted(kind):
            return None
        update_id = self._next_id
        self._next_id += 1
        update = {"update_id": update_id, kind: copy.deepcopy(payload)}
        self._history[update_id] = update
        while len(self._history) > HISTORY_SIZE:
            self._history.popitem(last=False)
        self._pending.append(_Pending(update))
        self.arrived.notify()
        return update_id

    def redeliver(self, update_id: int) -> bool:
        """Queue a past update again with the same id; False if it is unknown (or too old)."""
        update = self._history.get(update_id)
        if update is None:
            return False
        self._pending = [item for item in self._pending if item.update_id != update_id]
        self._pending.append(_Pending(update, redelivered=True))
        self._pending.sort(key=lambda item: item.update_id)
        self.arrived.notify()
        return True

    def confirm(self, offset: int | None) -> None:
        """Forget what the offset confirms, as getUpdates does."""
        if offset is None:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
            return
        self._pending = [
            item
            for item in self._pending
            if item.update_id >= offset or (item.redelivered and not item.delivered)
        ]

    def peek(self, limit: int) -> list[dict[str, Any]]:
        """The first `limit` pending updates, marked as handed out (they stay until confirmed)."""
        batch = self._pending[:limit]
        for item in batch:
            item.delivered = True
        return [item.update for item in batch]

    def drop(self, update_id: int) -> None:
        """Forget one update (the webhook accepted it)."""
        self._pending = [item for item in self._pending if item.update_id != update_id]

    def clear(self) -> None:
        """Forget all pending updates (drop_pending_updates)."""
        self._pending.clear()

    @property
    def pending_count(self) -> int:
        """How many updates wait for the bot (getWebhookInfo reports it)."""
        return len(self._pending)
