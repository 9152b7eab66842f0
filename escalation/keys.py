"""Every Redis key of the desk, in one place.

All keys start with the namespace and carry one hash tag (`{namespace}`), so the multi-key Lua
scripts also run on Redis Cluster, and two desks (or two test runs) on one server never touch
each other's keys. The Lua scripts derive per-ticket keys from the same prefix (`Keys.prefix`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Keys:
    """Key names for one desk namespace."""

    namespace: str

    @property
    def prefix(self) -> str:
        """`<namespace>:{<namespace>}:`: the start of every key of this desk."""
        return f"{self.namespace}:{{{self.namespace}}}:"

    @property
    def route(self) -> str:
        """KEYS[1] of the scripts that derive their keys from the prefix; it is never written.

        Redis Cluster routes a script by its keys: with none, the client picks any node, and
        the script fails there ("non local key"). This key is in the desk's slot, so the
        script runs on the node that holds every key of the desk.
        """
        return f"{self.prefix}route"

    def ticket(self, number: int) -> str:
        """Hash with the ticket's fields."""
        return f"{self.ticket_prefix}{number}"

    @property
    def ticket_prefix(self) -> str:
        """A ticket's key without its number (for scripts that find the number in Redis)."""
        return f"{self.prefix}t:"

    def log(self, number: int) -> str:
        """List of the ticket's events and messages (JSON), oldest first."""
        return f"{self.prefix}t:{number}:log"

    @property
    def seq(self) -> str:
        """Counter behind the human ticket numbers; number order is creation order."""
        return f"{self.prefix}seq"

    @property
    def queue(self) -> str:
        """ZSET of open (unclaimed) tickets scored by the deadline they owe, earliest first."""
        return f"{self.prefix}queue"

    @property
    def claimed(self) -> str:
        """ZSET of claimed tickets scored by claim time."""
        return f"{self.prefix}claimed"

    @property
    def resolved(self) -> str:
        """ZSET of resolved tickets scored by resolution time."""
        return f"{self.prefix}resolved"

    @property
    def sla(self) -> str:
        """ZSET of active tickets scored by their next SLA check time."""
        return f"{self.prefix}sla"

    @property
    def active(self) -> str:
        """HASH customer id -> their one open or claimed ticket."""
        return f"{self.prefix}active"

    @property
    def last(self) -> str:
        """HASH customer id -> their latest resolved ticket (for reopening)."""
        return f"{self.prefix}last"

    def stats(self, bucket: int) -> str:
        """HASH of counters for one hour (see `escalation.stats`)."""
        return f"{self.prefix}st:{bucket}"

    def stats_durations(self, bucket: int, kind: str) -> str:
        """LIST of durations in seconds for one hour: `frt` first responses, `rt` resolutions."""
        return f"{self.prefix}st:{bucket}:{kind}"

    @property
    def backlog_snapshots(self) -> str:
        """STREAM of backlog counts per priority, one entry per snapshot slot (charts)."""
        return f"{self.prefix}backlog"

    def once(self, what: str) -> str:
        """Marker that a scheduled effect (a summary, a snapshot, a handover) already happened."""
        return f"{self.prefix}once:{what}"

    @property
    def last_report(self) -> str:
        """JSON of the last scheduled summary's figures ("what changed since the last summary")."""
        return f"{self.prefix}report:last"

    @property
    def oncall_override(self) -> str:
        """JSON of a hand-taken shift: `{"shift", "agent", "note"}`."""
        return f"{self.prefix}oncall:take"

    @property
    def oncall_note(self) -> str:
        """A note left for the next handover."""
        return f"{self.prefix}oncall:note"

    @property
    def oncall_current(self) -> str:
        """The duty last seen by a worker (change detection for handovers)."""
        return f"{self.prefix}oncall:current"

    @property
    def audit(self) -> str:
        """STREAM of every transition of every ticket, capped with MAXLEN ~."""
        return f"{self.prefix}audit"

    @property
    def links(self) -> str:
        """HASH telegram user id -> subscriber id, for customers who linked themselves."""
        return f"{self.prefix}links"

    @property
    def agent_names(self) -> str:
        """HASH agent user id -> display name, for cards."""
        return f"{self.prefix}agents"

    @property
    def first_responses(self) -> str:
        """LIST of recent first-response times in seconds (expected-wait estimates)."""
        return f"{self.prefix}frt"

    @property
    def faq_gaps(self) -> str:
        """ZSET log of questions the FAQ could not answer (`time|nonce|key|text`), scored by time, capped."""
        return f"{self.prefix}faqgaps:log"

    @property
    def faq_gaps_trimmed(self) -> str:
        """How many unanswered questions were trimmed from the capped log, oldest first."""
        return f"{self.prefix}faqgaps:trimmed"

    @property
    def faq_candidates(self) -> str:
        """HASH candidate id -> JSON: customers' words agents answered with an FAQ entry, to approve."""
        return f"{self.prefix}faq:candidates"

    @property
    def faq_candidate_seq(self) -> str:
        """Counter behind the candidate ids."""
        return f"{self.prefix}faq:candidates:seq"

    @property
    def faq_approved(self) -> str:
        """HASH candidate id -> JSON: approved phrasings, matched by every worker beside the FAQ file's."""
        return f"{self.prefix}faq:approved"

    @property
    def faq_learned_version(self) -> str:
        """Counter bumped on each approval, so every worker sees when to reload the approved phrasings."""
        return f"{self.prefix}faq:approved:version"

    @property
    def callback_secret(self) -> str:
        """The desk's secret for signing button data."""
        return f"{self.prefix}secret"

    def card_shown(self, number: int) -> str:
        """STRING: the newest ticket version whose card was sent to be shown (stale edits are skipped)."""
        return f"{self.prefix}cardshown:{number}"

    def card_post(self, number: int) -> str:
        """Reservation of a ticket's first card post, so two refreshes never post two cards."""
        return f"{self.prefix}cardpost:{number}"

    def topic(self, chat_id: int, customer_id: int) -> str:
        """HASH of a customer's forum topic in a group (topic mode): thread, name, closed, ticket, cards."""
        return f"{self.prefix}topic:{chat_id}:{customer_id}"

    def topic_owner(self, chat_id: int, thread_id: int) -> str:
        """Whose forum topic a thread is (a customer id): agents' messages in it go to their ticket."""
        return f"{self.prefix}topic:thread:{chat_id}:{thread_id}"

    def topic_lock(self, chat_id: int, customer_id: int) -> str:
        """Lock held while a customer's topic is created or recreated, so one topic is made, not two."""
        return f"{self.prefix}topic:lock:{chat_id}:{customer_id}"

    def topic_card_post(self, chat_id: int, thread_id: int, number: int) -> str:
        """Reservation of a ticket's card post in one topic, so two refreshes never post two cards."""
        return f"{self.prefix}topic:cardpost:{chat_id}:{thread_id}:{number}"

    def album(self, customer_id: int, group_id: str) -> str:
        """HASH of a customer's album on its way to the agents: its parts by message id, who started
        collecting it (`owner`), and whether it went (`sent`)."""
        return f"{self.prefix}album:{customer_id}:{group_id}"

    def board(self, chat_id: int) -> str:
        """HASH of a forum's queue board in its General topic: `mid` (its message), `sha` (what it shows)."""
        return f"{self.prefix}board:{chat_id}"

    def board_post(self, chat_id: int) -> str:
        """Reservation of a queue board's post, so two workers never post two boards."""
        return f"{self.prefix}board:{chat_id}:post"

    def relay(self, number: int) -> str:
        """HASH of a ticket's current relay message to the agents (escalation/relays.py)."""
        return f"{self.prefix}relay:{number}"

    def pings(self, number: int) -> str:
        """Hash message id -> text of a ticket's group pings that carry a Claim button (retired on claim)."""
        return f"{self.prefix}pings:{number}"

    def unreachable_notice(self, number: int) -> str:
        """Marker that the group was told a ticket's customer blocked the bot (once per ticket)."""
        return f"{self.prefix}unreach:{number}"

    @property
    def blocked(self) -> str:
        """HASH telegram user id -> JSON block record: customers whose messages are not relayed."""
        return f"{self.prefix}blocked"

    def blocked_told(self, telegram_id: int) -> str:
        """Marker that a blocked customer was told their messages are not relayed (once a block)."""
        return f"{self.prefix}blocked:told:{telegram_id}"

    def held_reply(self, token: str) -> str:
        """An agent's answer held back because another agent holds the ticket ("send anyway")."""
        return f"{self.prefix}held:{token}"

    def held_reply_sent(self, token: str) -> str:
        """Marker that a held answer was taken for sending (its sender's effect name)."""
        return f"{self.prefix}held:{token}:sent"

    def message_ticket(self, chat_id: int, message_id: int) -> str:
        """Which ticket a message in the agents' group belongs to (cards, relayed messages)."""
        return f"{self.prefix}msg:{chat_id}:{message_id}"

    def pending_question(self, user_id: int) -> str:
        """The last FAQ question a customer asked, for "no, it didn't help"."""
        return f"{self.prefix}q:{user_id}"

    def pending_feedback(self, user_id: int) -> str:
        """The ticket a customer rated low and was asked "what went wrong?" about."""
        return f"{self.prefix}fb:{user_id}"

    @property
    def incident_seq(self) -> str:
        """Counter behind incident ids (`I<n>`)."""
        return f"{self.prefix}inc:seq"

    def incident(self, incident_id: int) -> str:
        """Hash of one incident (escalation/incidents.py)."""
        return f"{self.prefix}inc:{incident_id}"

    def incident_tickets(self, incident_id: int) -> str:
        """ZSET of the tickets linked to an incident, scored by priority (updates go P1 first)."""
        return f"{self.prefix}inc:{incident_id}:t"

    def incident_premium(self, incident_id: int) -> str:
        """LIST of the first premium tickets linked to an incident (named on its card, capped)."""
        return f"{self.prefix}inc:{incident_id}:p"

    @property
    def incidents(self) -> str:
        """ZSET of every incident id scored by opening time (lists, summaries)."""
        return f"{self.prefix}inc:all"

    @property
    def incidents_open(self) -> str:
        """HASH scope (`global`, `region:<r>`, `channel:<c>`) -> its open incident id."""
        return f"{self.prefix}inc:open"

    def incident_window(self, scope: str) -> str:
        """ZSET of subscribers who reported an outage in a scope, scored by time (detection)."""
        return f"{self.prefix}inc:w:{scope}"

    def incident_known_window(self, scope: str) -> str:
        """ZSET of the scope's reporters the directory knows, scored by time (`incidents.min_known`)."""
        return f"{self.prefix}inc:k:{scope}"

    @property
    def incident_reports(self) -> str:
        """HASH telegram id -> their latest outage report (`ticket|priority|premium|region|channel|known`)."""
        return f"{self.prefix}inc:reports"

    def incident_card_lock(self, incident_id: int, kind: str) -> str:
        """Throttle markers of an incident card (`now`: edited lately, `later`: trailing edit planned)."""
        return f"{self.prefix}inc:{incident_id}:card:{kind}"

    @property
    def inbox_prefix(self) -> str:
        """Start of the inbox's keys (`bot/durable/lua/inbox_*.lua` derive them: see `bot.durable.inbox`)."""
        return f"{self.prefix}in:"

    def effects(self, scope: str) -> str:
        """HASH effect name -> what it did, for one update's handling (`escalation.effects`).

        A handling that runs again after a crash finds here what the first run already applied.
        """
        return f"{self.prefix}fx:{scope}"

    @property
    def outbox_backlog(self) -> str:
        """HASH "P<n>" -> jobs of that priority queued in the outbox (bot/durable/lua/outbox_common.lua
        names the outbox's other keys, all under `<prefix>out:`)."""
        return f"{self.prefix}out:backlog"

    @property
    def posted(self) -> str:
        """HASH group chat id -> messages the bot posted there, counted by the outbox on delivery
        (Telegram archives a forum's oldest messages near a million: the summary warns before)."""
        return f"{self.prefix}out:posted"

    def outbox_job(self, job_id: str) -> str:
        """HASH of one outbox job: its content, state and, once delivered, its result."""
        return f"{self.prefix}out:j:{job_id}"

    def outbox_done(self, worker: str) -> str:
        """LIST of results pushed to one worker for its callers (jobs another worker delivered)."""
        return f"{self.prefix}out:done:{worker}"
