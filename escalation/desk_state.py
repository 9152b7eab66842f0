"""The desk's small state beside the tickets: links, message map, pending questions, agent names.

Kept in Redis like everything else, so any worker can answer any update after a restart.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from escalation.effects import EFFECTS_TTL_S, current_scope, effect_name
from escalation.keys import Keys

MESSAGE_MAP_TTL_S = 60 * 24 * 3600
PENDING_QUESTION_TTL_S = 24 * 3600
PENDING_FEEDBACK_TTL_S = 24 * 3600
CARD_POST_TTL_S = 7 * 24 * 3600
PINGS_TTL_S = 7 * 24 * 3600
HELD_REPLY_TTL_S = 3600
NOTICE_TTL_S = 90 * 24 * 3600
FIRST_RESPONSE_SAMPLES = 100
# Take a value (read it and delete it) once per effect: the taken value is recorded under the
# effect's name in the update's effects hash, so the replay of a handling that took it gets it
# again (the first run may have died before using it). A script rather than MULTI: redis-py 7.4's
# Cluster transactions fail on HGETALL's reply (its parser is handed a `keys` option it does not take).
# KEYS[1] the value's key  KEYS[2] the update's effects hash  ARGV[1] "get" (its string, "" for
# none) or "hash" (its rows)  ARGV[2] the effect's name ("" outside an
# update: nothing recorded)  ARGV[3] the effects hash's TTL (s)
# Set a once-marker, or find that the same effect set it: its replay goes on as its first run.
# KEYS[1] the marker  ARGV[1] the setter's effect name  ARGV[2] TTL (s), "" for none. Returns 1 or 0.
# (A script: SET NX GET needs Redis 7, and the embedded Redis is 6.)
_FIRST = """
local previous = redis.call('GET', KEYS[1])
if previous then return previous == ARGV[1] and 1 or 0 end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1
"""
_TAKE = """
local effect = ARGV[2]
if effect ~= '' then
  local recorded = redis.call('HGET', KEYS[2], effect)
  if recorded then return cjson.decode(recorded) end
end
local taken
if ARGV[1] == 'hash' then taken = redis.call('HGETALL', KEYS[1])
else taken = {redis.call('GET', KEYS[1]) or ''} end
redis.call('DEL', KEYS[1])
if effect ~= '' then
  redis.call('HSET', KEYS[2], effect, cjson.encode(taken))
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return taken
"""
# Record that a card of ticket version ARGV[1] goes out, unless a newer one went already.
# KEYS[1] the record  ARGV[1] version  ARGV[2] TTL (s). Returns 1 when this version may be shown.
_SHOWN = """
local seen = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) < seen then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""
FAQ_GAP_LOG_CAP = 2000
MAX_GAP_KEY = 120
MAX_GAP_TEXT = 200


@dataclass(frozen=True, slots=True)
class FaqGapLog:
    """Unanswered questions of a period; `trimmed` older ones were dropped from the bounded log.

    `oldest_kept` is when the oldest question still in the log was asked: a period starting
    before it, with `trimmed` > 0, is missing what was trimmed.
    """

    questions: tuple[tuple[str, str], ...]
    trimmed: int
    oldest_kept: float | None


class DeskState:
    """Read and write the desk's side state for one namespace."""

    def __init__(self, redis: Redis, keys: Keys, aliases: Mapping[int, str] | None = None) -> None:
        self.redis = redis
        self.keys = keys
        self.aliases = dict(aliases or {})
        self._take_script = redis.register_script(_TAKE)
        self._first_script = redis.register_script(_FIRST)
        self._shown_script = redis.register_script(_SHOWN)

    async def link(self, telegram_id: int, subscriber_id: str) -> None:
        """Remember that this Telegram user proved to be this subscriber."""
        await self.redis.hset(self.keys.links, str(telegram_id), subscriber_id)

    async def linked_subscriber(self, telegram_id: int) -> str | None:
        """The subscriber id a user linked to, if any."""
        return await self.redis.hget(self.keys.links, str(telegram_id))

    async def remember_message(self, chat_id: int, message_id: int, ticket: int) -> None:
        """A group message (card or relayed text) belongs to a ticket: replies to it go there."""
        await self.redis.set(self.keys.message_ticket(chat_id, message_id), ticket, ex=MESSAGE_MAP_TTL_S)

    async def reserve_card_post(self, number: int) -> bool:
        """True for the one caller that may post the ticket's first card (others edit it later)."""
        return await self._first(self.keys.card_post(number), CARD_POST_TTL_S)

    async def show_card(self, number: int, version: int) -> bool:
        """Whether the card of ticket version `version` may be sent (no newer one was), and record it.

        Refreshes run side by side, each with the ticket as it read it: an older reading must not
        overwrite a newer card in the group.
        """
        key = self.keys.card_shown(number)
        return bool(await self._shown_script(keys=[key], args=[version, CARD_POST_TTL_S]))

    async def newest_card(self, number: int) -> int:
        """The newest ticket version whose card was sent (-1 for none)."""
        value = await self.redis.get(self.keys.card_shown(number))
        return int(value) if value is not None else -1

    async def release_card_post(self, number: int) -> None:
        """A first post that failed: let the next change of the ticket try again."""
        await self.redis.delete(self.keys.card_post(number))

    async def remember_ping(self, number: int, message_id: int, text: str) -> None:
        """A group ping with a Claim button: its button goes once the ticket is claimed or closed."""
        key = self.keys.pings(number)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, str(message_id), text)
            pipe.expire(key, PINGS_TTL_S)
            await pipe.execute()

    async def take_pings(self, number: int) -> dict[int, str]:
        """The ticket's live pings (message id -> text), forgotten as they are read: one retirer each."""
        rows = iter(await self._take(self.keys.pings(number), "hash"))
        return {int(message_id): text for message_id, text in zip(rows, rows, strict=True)}

    async def hold_reply(self, reply: dict[str, Any]) -> str:
        """Keep an agent's answer that was not sent (another agent holds the ticket); return its token.

        Within an update's handling the token follows from the effect's name, so a replay holds
        the answer under the token its first run put on the "send anyway" button.
        """
        scope = current_scope()
        if scope is None:
            token = secrets.token_hex(6)
        else:
            token = hashlib.sha256(f"{self.keys.prefix}{scope.take('h')}".encode()).hexdigest()[:12]
        await self.redis.set(self.keys.held_reply(token), json.dumps(reply), ex=HELD_REPLY_TTL_S)
        return token

    async def held_reply(self, token: str) -> dict[str, Any] | None:
        """A held answer, still there (None once expired; `release_held_reply` says if it was sent)."""
        raw = await self.redis.get(self.keys.held_reply(token))
        return json.loads(raw) if raw else None

    async def release_held_reply(self, token: str) -> bool:
        """Take a held answer for sending: True for exactly one caller (and the replay of its handling).

        The answer itself stays until it expires, so the replay of a handling that died while
        sending it can still read it.
        """
        return await self._first(self.keys.held_reply_sent(token), HELD_REPLY_TTL_S)

    async def first_unreachable_notice(self, number: int) -> bool:
        """True for the one caller that tells the group a ticket's customer blocked the bot."""
        return await self._first(self.keys.unreachable_notice(number), NOTICE_TTL_S)

    async def block_customer(self, telegram_id: int, record: dict[str, Any]) -> bool:
        """Stop relaying a customer's messages; False if they were already blocked (by another handling).

        The record keeps the effect's name of the block (`fx`): the replay of the handling that
        blocked them is told True again, and goes on to log and show the block.
        """
        owner = effect_name("m")
        field = str(telegram_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(self.keys.blocked, field, json.dumps({**record, "fx": owner}))
            pipe.hget(self.keys.blocked, field)
            _, stored = await pipe.execute()
        return bool(stored) and json.loads(stored).get("fx") == owner

    async def unblock_customer(self, telegram_id: int) -> bool:
        """Relay a customer's messages again; False if they were not blocked."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self.keys.blocked, str(telegram_id))
            pipe.delete(self.keys.blocked_told(telegram_id))
            removed, _ = await pipe.execute()
        return bool(removed)

    async def block_record(self, telegram_id: int) -> dict[str, Any] | None:
        """How a blocked customer was blocked (ticket, by, at), or None when they are not."""
        raw = await self.redis.hget(self.keys.blocked, str(telegram_id))
        return json.loads(raw) if raw else None

    async def blocked_customers(self) -> dict[int, dict[str, Any]]:
        """Every blocked customer's record, by Telegram id."""
        rows = await self.redis.hgetall(self.keys.blocked)
        return {int(telegram_id): json.loads(raw) for telegram_id, raw in rows.items()}

    async def first_blocked_notice(self, telegram_id: int) -> bool:
        """True once per block: the blocked customer is told, then not again until a new block."""
        return await self._first(self.keys.blocked_told(telegram_id), None)

    async def ticket_for_message(self, chat_id: int, message_id: int) -> int | None:
        """The ticket a group message belongs to, if known."""
        value = await self.redis.get(self.keys.message_ticket(chat_id, message_id))
        return int(value) if value else None

    async def remember_question(self, user_id: int, text: str) -> None:
        """The last question answered from the FAQ, to open a ticket with if it did not help."""
        await self.redis.set(self.keys.pending_question(user_id), text[:4000], ex=PENDING_QUESTION_TTL_S)

    async def pending_question(self, user_id: int) -> str | None:
        """The pending question, kept (a 👎 offers other answers; "talk to a person" then takes it)."""
        return await self.redis.get(self.keys.pending_question(user_id))

    async def take_question(self, user_id: int) -> str | None:
        """The pending question, removed (one ticket per "no")."""
        (question,) = await self._take(self.keys.pending_question(user_id), "get")
        return question or None

    async def ask_feedback(self, user_id: int, ticket: int) -> None:
        """The customer was asked what went wrong with this ticket: their next message answers it."""
        await self.redis.set(self.keys.pending_feedback(user_id), ticket, ex=PENDING_FEEDBACK_TTL_S)

    async def take_feedback(self, user_id: int) -> int | None:
        """The ticket whose "what went wrong?" is pending, removed (one answer per question)."""
        (value,) = await self._take(self.keys.pending_feedback(user_id), "get")
        return int(value) if value else None

    async def _first(self, key: str, ttl: int | None) -> bool:
        """True for the one caller that sets the once-marker `key`, and for the replay of its handling.

        The marker holds its setter's effect name: a handling that died after setting it and
        before doing what it guards finds its own name when it runs again, and does it then.
        """
        ttl_arg = "" if ttl is None else ttl
        return bool(await self._first_script(keys=[key], args=[effect_name("m"), ttl_arg]))

    async def _take(self, key: str, how: str) -> list[Any]:
        """Read `key` and delete it, once per effect of an update's handling (see `_TAKE`)."""
        scope = current_scope()
        if scope is None:
            keys, effect = [key, key], ""
        else:
            keys, effect = [key, self.keys.effects(scope.update)], scope.take("k")
        taken: list[Any] = await self._take_script(keys=keys, args=[how, effect, EFFECTS_TTL_S])
        return taken

    async def record_faq_gap(self, text: str, key: str, now: float) -> None:
        """Log a question the FAQ could not answer, under its grouping key (`faq.gaps.gap_key`).

        The log is bounded: past `FAQ_GAP_LOG_CAP` entries the oldest are trimmed and counted
        (`faq_gaps_trimmed`), so a flood of one spam line costs a bounded amount of Redis and the
        summary still says how much it could no longer show.
        """
        scope = current_scope()
        # The member's first two fields only make it unique: the time and a nonce, or within an
        # update's handling the effect's name, so that its replay logs the question once (NX keeps
        # the first run's time).
        unique = f"{now:.3f}|{secrets.token_hex(3)}" if scope is None else f"{scope.take('g')}|fx"
        member = f"{unique}|{key[:MAX_GAP_KEY]}|{text.strip()[:MAX_GAP_TEXT]}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(self.keys.faq_gaps, {member: now}, nx=True)
            pipe.zremrangebyrank(self.keys.faq_gaps, 0, -FAQ_GAP_LOG_CAP - 1)
            _, trimmed = await pipe.execute()
        if trimmed:
            await self.redis.incrby(self.keys.faq_gaps_trimmed, trimmed)

    async def faq_gaps(self, since: float, until: float) -> FaqGapLog:
        """The unanswered questions logged in [since, until], oldest first, as (key, text)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrangebyscore(self.keys.faq_gaps, since, until)
            pipe.zrange(self.keys.faq_gaps, 0, 0, withscores=True)
            pipe.get(self.keys.faq_gaps_trimmed)
            members, oldest, trimmed = await pipe.execute()
        questions = []
        for member in members:
            _, _, key, text = str(member).split("|", 3)
            questions.append((key, text))
        oldest_kept = float(oldest[0][1]) if oldest else None
        return FaqGapLog(tuple(questions), int(trimmed or 0), oldest_kept)

    async def set_agent_name(self, agent_id: int, name: str) -> None:
        """Remember how to call an agent on cards."""
        await self.redis.hset(self.keys.agent_names, str(agent_id), name[:64])

    async def agent_name(self, agent_id: int) -> str:
        """An agent's name: the policy's alias, else their Telegram name (their id when unknown)."""
        return await self.known_agent_name(agent_id) or str(agent_id)

    async def known_agent_name(self, agent_id: int) -> str | None:
        """The alias or the Telegram name learned so far; None when the desk never learned one."""
        alias = self.aliases.get(agent_id)
        if alias:
            return alias
        name: str | None = await self.redis.hget(self.keys.agent_names, str(agent_id))
        return name

    async def record_first_response(self, seconds: float) -> None:
        """Keep the latest first-response times for wait estimates."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lpush(self.keys.first_responses, round(seconds, 1))
            pipe.ltrim(self.keys.first_responses, 0, FIRST_RESPONSE_SAMPLES - 1)
            await pipe.execute()
