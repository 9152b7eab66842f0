"""The single entry point for every event a runtime delivers.

It routes by chat (the customer's private chat, the agents' group, a manager's chat), checks
button signatures, and turns any failure into a logged error plus a polite answer, never a crash
of the bot. It drops nothing it is given twice: an update handled again after a crash runs again
from the start, inside its effect scope (`escalation.effects`), and replays what its first run did.
"""

from __future__ import annotations

import logging

from escalation.oncall import OnCallRoster
from escalation.unavailable import REDIS_UNAVAILABLE
from handlers.agents import AgentConversation
from handlers.blocks import CustomerBlocks
from handlers.callbacks import ButtonChat, InvalidCallback
from handlers.context import HandlerContext
from handlers.customer import CustomerConversation
from handlers.desk_actions import DeskActions
from handlers.events import ButtonPress, ChatKind, Event, IncomingMessage, MessageEdit, Outgoing
from handlers.faq_answers import FaqTeaching
from handlers.incidents import IncidentDesk
from handlers.managers import ManagerConversation
from handlers.oncall import OnCallDesk
from handlers.sla_watch import SlaWatch
from handlers.texts import a, pick_language, t

log = logging.getLogger(__name__)


class Dispatcher:
    """Routes neutral events to the customer, agent and manager conversations."""

    def __init__(self, ctx: HandlerContext) -> None:
        self.ctx = ctx
        actions = DeskActions(ctx)
        self.board = actions.board
        config = ctx.config
        roster = OnCallRoster(
            ctx.store.redis,
            ctx.store.keys,
            ctx.policy.oncall,
            config.timezone,
            tuple(sorted(config.teams.agents)),
        )
        self.oncall = OnCallDesk(ctx, roster)
        self.incidents = IncidentDesk(ctx, actions)
        self.sla_watch = SlaWatch(ctx, actions, roster, config.sla_tick_seconds, self.incidents)
        blocks = CustomerBlocks(ctx, actions)
        self.customers = CustomerConversation(ctx, actions, blocks, self.incidents)
        self.faq = FaqTeaching(ctx, actions)
        self.managers = ManagerConversation(ctx, self.faq)
        # One conversation per team's group, acting for that team (its agents, language, tickets).
        self.groups: dict[int, AgentConversation] = {}
        teams = config.teams
        for team in teams:
            if config.team_setup is None:  # one team: the desk's own services act for it
                conversation = AgentConversation(ctx, actions, self.oncall, self.incidents, blocks, self.faq)
            else:
                team_ctx = ctx.for_team(team)
                conversation = AgentConversation(
                    team_ctx,
                    actions,
                    OnCallDesk(team_ctx, roster),
                    self.incidents,
                    CustomerBlocks(team_ctx, actions),
                    FaqTeaching(team_ctx, actions),
                )
            if team.chat_id is not None:
                self.groups[team.chat_id] = conversation
            if team is teams.default:
                self.agents = conversation

    async def handle(self, event: Event) -> None:
        """Handle one update; errors are logged and answered, never raised, but for Redis being away.

        Redis being away (even after the client's retries) is not this update's failure: it is
        raised, and the worker handles the update again once Redis answers, replaying what the
        first run did (`escalation.effects`). A subscriber's message reads all it needs about
        them at once (`TicketStore.arrival`).
        """
        try:
            if isinstance(event, IncomingMessage) and self._from_customer(event):
                arrival = await self.ctx.store.arrival(event.user.id)
                await self.faq.refresh()
                await self.customers.on_message(event, arrival)
            elif isinstance(event, ButtonPress):
                await self._button(event)
            elif isinstance(event, MessageEdit):
                if self._from_customer(event):  # an agent's edited words were sent already as they were
                    await self.customers.on_edit(event)
            else:
                await self._message(event)
        except REDIS_UNAVAILABLE:
            raise  # not a failure of this update: it is handled again once Redis answers
        except Exception:
            log.exception("update %s failed", event.update_id)
            await self._apologise(event)

    def _from_customer(self, message: IncomingMessage | MessageEdit) -> bool:
        """A person's message in their private chat with the bot (a manager's chat excepted)."""
        config = self.ctx.config
        return (
            message.chat.kind is ChatKind.PRIVATE
            and not message.user.is_bot
            and message.chat.id not in self.groups
            and message.chat.id not in config.manager_chat_ids
        )

    async def _message(self, message: IncomingMessage) -> None:
        config = self.ctx.config
        if message.user.is_bot:
            return
        if message.chat.id in self.groups:
            await self.groups[message.chat.id].on_message(message)
        elif message.chat.id in config.manager_chat_ids:
            await self.managers.on_message(message)
        else:
            log.debug("message in unknown chat %s ignored", message.chat.id)

    async def _button(self, press: ButtonPress) -> None:
        """Decode the press for the kind of chat it came from, then hand it to that chat's conversation.

        Data signed for another kind of chat (a subscriber's menu pressed in the agents' group), forged
        or malformed, is answered "invalid button" in the presser's language, and nothing changes.
        """
        chat = self._button_chat(press)
        try:
            if chat is None:
                raise InvalidCallback(f"no buttons in chat {press.chat.id}")
            callback = self.ctx.codec.decode(press.data, chat)
        except InvalidCallback as exc:
            log.warning("rejected button data from user %s in chat %s: %s", press.user.id, press.chat.id, exc)
            await self.ctx.sender.answer_button(
                press.callback_id, self._invalid_button(press, chat), alert=True
            )
            return
        if chat is ButtonChat.AGENTS:
            await self.groups[press.chat.id].on_button(press, callback)
        elif chat is ButtonChat.CUSTOMER:
            await self.customers.on_button(press, callback)
        else:
            await self.faq.on_manager_button(press, callback)

    def _button_chat(self, press: ButtonPress) -> ButtonChat | None:
        """The kind of chat a press came from: the agents' group, a manager's chat, a subscriber's chat."""
        config = self.ctx.config
        if press.chat.id in self.groups:
            return ButtonChat.AGENTS
        if press.chat.id in config.manager_chat_ids:
            return ButtonChat.MANAGERS
        if press.chat.kind is ChatKind.PRIVATE:
            return ButtonChat.CUSTOMER
        return None

    def _invalid_button(self, press: ButtonPress, chat: ButtonChat | None) -> str:
        """ "Invalid button" for staff in the agents' language, for a subscriber in theirs."""
        if chat is ButtonChat.CUSTOMER:
            return t(pick_language(press.user.language_code, self.ctx.config.default_language), "bad_button")
        group = self.groups.get(press.chat.id, self.agents)
        return a(group.ctx.config.agents_language, "bad_button")

    async def _apologise(self, event: Event) -> None:
        """Best effort: tell the person something went wrong, without raising again.

        Agents and managers hear it in AGENTS_LANGUAGE (in the agents' group, as a reply to the
        failed command); a subscriber in their own language.
        """
        config = self.ctx.config
        in_group = event.chat.id in self.groups
        language = (
            self.groups[event.chat.id].language
            if in_group
            else config.agents_language
            if event.chat.id in config.manager_chat_ids
            else pick_language(event.user.language_code, config.default_language)
        )
        try:
            if isinstance(event, ButtonPress):
                await self.ctx.sender.answer_button(event.callback_id, t(language, "error"), alert=True)
            elif in_group:
                await self.ctx.sender.send(
                    Outgoing(event.chat.id, t(language, "error"), reply_to=event.message_id, priority=2)
                )
            elif event.chat.kind is ChatKind.PRIVATE:
                await self.ctx.sender.send(Outgoing(event.chat.id, t(language, "error")))
        except Exception:
            log.exception("could not tell user %s about the failure", event.user.id)
