"""Phrasings learned from agents: a customer's words an agent answered with an FAQ entry.

When an agent answers a ticket with an entry (`/faq n <entry>` or the card's button), the
customer's words become a candidate phrasing of that entry. A manager approves or rejects it;
approved phrasings are matched by every worker beside the FAQ file's own (each worker watches
`faq_learned_version`) and `supportbot faq export` writes them into the file. Candidates wait in
one Redis hash, bounded (`MAX_PENDING`): past it a new one is refused and logged, never an
unbounded set. Approving or rejecting is one Lua script, so two managers pressing at once
decide once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from redis.asyncio import Redis

from escalation.keys import Keys

log = logging.getLogger(__name__)

MAX_PENDING = 500
MAX_TEXT = 300
_DECIDE = """
local candidate = redis.call('HGET', KEYS[1], ARGV[1])
if not candidate then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
if ARGV[2] == 'approve' then
  redis.call('HSET', KEYS[2], ARGV[1], candidate)
  redis.call('INCR', KEYS[3])
end
return candidate
"""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A customer's words proposed as a phrasing of an FAQ entry, and who proposed them when."""

    id: int
    entry_id: str
    lang: str
    text: str
    ticket: int
    agent: int
    at: float

    def to_json(self) -> dict[str, object]:
        """The candidate as `supportbot faq candidates --json` prints it."""
        return asdict(self)


class PhrasingStore:
    """Candidates and approved phrasings of one desk."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._decide = redis.register_script(_DECIDE)

    async def propose(
        self, entry_id: str, lang: str, text: str, *, ticket: int, agent: int, now: float
    ) -> Candidate | None:
        """Record a candidate; None if the words are empty, already pending or approved, or too many wait."""
        words = " ".join(text.split())[:MAX_TEXT]
        if not words:
            return None
        same = " ".join(words.lower().split())
        pending, approved = await self.pending(), await self.approved()
        for known in pending + approved:
            if known.entry_id == entry_id and " ".join(known.text.lower().split()) == same:
                return None
        if len(pending) >= MAX_PENDING:
            log.warning("FAQ phrasing for %s not proposed: %d candidates already wait", entry_id, MAX_PENDING)
            return None
        number = int(await self.redis.incr(self.keys.faq_candidate_seq))
        candidate = Candidate(number, entry_id, lang, words, ticket, agent, now)
        await self.redis.hset(self.keys.faq_candidates, str(number), json.dumps(candidate.to_json()))
        return candidate

    async def pending(self) -> list[Candidate]:
        """Candidates awaiting a manager, oldest first."""
        return _sorted(await self.redis.hvals(self.keys.faq_candidates))

    async def approved(self) -> list[Candidate]:
        """Approved phrasings, oldest first."""
        return _sorted(await self.redis.hvals(self.keys.faq_approved))

    async def version(self) -> int:
        """Changes whenever a phrasing is approved."""
        return int(await self.redis.get(self.keys.faq_learned_version) or 0)

    async def approve(self, candidate_id: int) -> Candidate | None:
        """Approve a pending candidate; None if it is not pending (already decided, or unknown)."""
        return await self._settle(candidate_id, "approve")

    async def reject(self, candidate_id: int) -> Candidate | None:
        """Reject a pending candidate; None if it is not pending."""
        return await self._settle(candidate_id, "reject")

    async def _settle(self, candidate_id: int, decision: str) -> Candidate | None:
        keys = [self.keys.faq_candidates, self.keys.faq_approved, self.keys.faq_learned_version]
        raw = await self._decide(keys=keys, args=[str(candidate_id), decision])
        return Candidate(**json.loads(raw)) if raw else None


def _sorted(values: list[str]) -> list[Candidate]:
    return sorted((Candidate(**json.loads(value)) for value in values), key=lambda candidate: candidate.id)
