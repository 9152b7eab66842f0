"""Blocked customers: a flooding or abusive customer's messages stop reaching the agents' group.

Nothing they send is lost: each message is kept in their ticket's history and in the audit stream
(`withheld`), and so are the block and the unblock. They are told once per block, in their
language, that their messages are no longer passed on. The card says the customer is blocked.

Who may block: supervisors only (SUPERVISOR_IDS). Silencing a customer is a decision about the
customer, not about one ticket, and on a desk it is the supervisor's call (as suspending an end
user is an administrator's in Zendesk or Chatwoot); an agent facing a flood asks one, and every
agent can see the list (`/blocked`). Blocking is by ticket number: agents know customers by their
tickets, and a customer's ticket never changes hands.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from escalation.store_errors import TicketNotFound
from escalation.ticket import Ticket
from handlers.cards import customer_tag
from handlers.context import HandlerContext
from handlers.desk_actions import DeskActions
from handlers.events import IncomingMessage, Outgoing, User
from handlers.names import agent_name
from handlers.split import fit_lines
from handlers.texts import a, t


class CustomerBlocks:
    """Block, unblock and list customers; keep a blocked customer's messages out of the group."""

    def __init__(self, ctx: HandlerContext, actions: DeskActions) -> None:
        self.ctx = ctx
        self.actions = actions

    @property
    def language(self) -> str:
        """The agents' language."""
        return self.ctx.config.agents_language

    def may_block(self, user: User) -> bool:
        """Only supervisors block and unblock customers."""
        return user.id in self.ctx.config.supervisor_ids

    async def block(self, number: int, supervisor: User) -> str:
        """Block the customer of ticket `number`; the answer for the supervisor."""
        ticket = await self.ctx.store.get(number)
        customer = customer_tag(ticket.customer, self.language)
        record = {"ticket": number, "by": supervisor.id, "at": self.ctx.clock.now()}
        if not await self.ctx.state.block_customer(ticket.customer.telegram_id, record):
            return a(self.language, "block_already", customer=customer)
        updated = await self.ctx.store.log_event(number, "customer_blocked", f"agent:{supervisor.id}")
        await self.actions.refresh_card(updated)
        return a(self.language, "blocked_ok", customer=customer, ticket=ticket.label, number=number)

    async def unblock(self, number: int, supervisor: User) -> str:
        """Unblock the customer of ticket `number`; the answer for the supervisor.

        A block made through a ticket since gone (past retention) is still undone by its number,
        as `/blocked` lists it.
        """
        ticket = await self.ctx.store.find(number)
        if ticket is None:
            records = await self.ctx.state.blocked_customers()
            blocked = [tid for tid, record in records.items() if int(record["ticket"]) == number]
            if not blocked:
                raise TicketNotFound(number)
            await self.ctx.state.unblock_customer(blocked[0])
            return a(self.language, "unblocked_ok", customer=f"tg {blocked[0]}")
        customer = customer_tag(ticket.customer, self.language)
        if not await self.ctx.state.unblock_customer(ticket.customer.telegram_id):
            return a(self.language, "unblock_not_blocked", customer=customer)
        updated = await self.ctx.store.log_event(number, "customer_unblocked", f"agent:{supervisor.id}")
        await self.actions.refresh_card(updated)
        return a(self.language, "unblocked_ok", customer=customer)

    async def listing(self) -> str:
        """`/blocked`: who is blocked, through which ticket, by whom and when."""
        records = await self.ctx.state.blocked_customers()
        if not records:
            return a(self.language, "blocked_none")
        zone = ZoneInfo(self.ctx.config.timezone)
        lines = [a(self.language, "blocked_title", count=len(records))]
        for telegram_id, record in sorted(records.items(), key=lambda item: item[1]["at"]):
            number = int(record["ticket"])
            ticket = await self.ctx.store.find(number)  # a ticket past retention still lists its customer
            lines.append(
                a(
                    self.language,
                    "blocked_line",
                    customer=customer_tag(ticket.customer, self.language) if ticket else f"tg {telegram_id}",
                    ticket=f"#{number}",
                    by=html.escape(await agent_name(self.ctx, int(record["by"]))),
                    at=datetime.fromtimestamp(float(record["at"]), zone).strftime("%d/%m %H:%M"),
                    number=number,
                )
            )
        return fit_lines(lines, lambda count: a(self.language, "and_more", count=count))

    async def withhold(self, message: IncomingMessage, active: Ticket | None, language: str) -> bool:
        """A blocked customer's message: kept in their ticket, not relayed; True if they are blocked.

        Their active ticket takes it, or else the ticket they were blocked through. They hear
        once per block that their messages are not passed on.
        """
        record = await self.ctx.state.block_record(message.user.id)
        if record is None:
            return False
        number = active.number if active is not None else int(record["ticket"])
        kind = message.attachment.kind if message.attachment else "text"
        text = message.text or message.caption or f"[{kind}]"
        await self.ctx.store.log_event(number, "withheld", f"customer:{message.user.id}", text, kind)
        if await self.ctx.state.first_blocked_notice(message.user.id):
            await self.ctx.sender.send(Outgoing(message.chat.id, t(language, "blocked_notice")))
        return True

    async def refuse_button(self, user: User, callback_id: str, language: str) -> bool:
        """A blocked customer's button that would reach the agents: answered, not acted on."""
        if await self.ctx.state.block_record(user.id) is None:
            return False
        await self.ctx.sender.answer_button(callback_id, t(language, "blocked_notice"), alert=True)
        return True
