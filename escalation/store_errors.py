"""The store's refusals: why a read or a transition of a ticket did not happen.

Written for logs and operators (English); `handlers/refusals.py` says them to agents.
"""

from __future__ import annotations


class StoreError(Exception):
    """A transition was refused; the message is fit to show an agent or an operator."""


class TicketNotFound(StoreError):
    """No ticket has that number."""

    def __init__(self, number: int) -> None:
        super().__init__(f"ticket #{number} does not exist")
        self.number = number


class IllegalTransition(StoreError):
    """The ticket's state does not allow the action (claim a resolved ticket, ...)."""

    def __init__(self, number: int, action: str, state: str) -> None:
        super().__init__(f"ticket #{number} is {state}; cannot {action} it")
        self.number = number
        self.action = action
        self.state = state


class NotAssignee(StoreError):
    """Only the agent holding the ticket may do this."""

    def __init__(self, number: int, assignee: str) -> None:
        who = f"agent {assignee}" if assignee else "nobody"
        super().__init__(f"ticket #{number} is held by {who}")
        self.number = number
        self.assignee = int(assignee) if assignee else None


class Contended(StoreError):
    """Too many concurrent changes of one ticket; nothing was done, trying again is safe."""
