"""The 1-5 stars a customer is asked for when their ticket is resolved.

Whoever resolves the ticket sends this keyboard with the notice (an agent's resolve, an incident's
resolution); the customer's press comes back to `handlers.customer` as `RATE_ACTION`.
"""

from __future__ import annotations

from escalation.ticket import Ticket
from handlers.context import HandlerContext
from handlers.events import Button, Keyboard

RATE_ACTION = "rate"


def rating_keyboard(ticket: Ticket, ctx: HandlerContext) -> Keyboard:
    """1-5 stars for a resolved ticket."""
    return Keyboard.inline(
        [Button(f"{score}⭐", ctx.codec.encode(RATE_ACTION, ticket.number, score)) for score in range(1, 6)]
    )
