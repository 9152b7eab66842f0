"""The agents' workspace benchmark: one 30-ticket day in group mode and in topic mode.

The same day is played twice through the sandbox, on the real bot (in this process, on Redis):
30 customers open tickets within seconds (a morning storm), some write again, and two agents
work the queue (Ana the even tickets, Bruno the odd): claim by answering, an internal note on
every fifth ticket, resolve; one customer comes back with a second ticket and one reopens hers.
In group mode agents answer by replying to the card and use `/note n`, `/resolve n`; in topic
mode they write in the customer's topic, `/note` and `/resolve` without a number.

The day is on a manual clock: the SLA watch runs 45 minutes into the storm and again two hours
later, halfway through the queue, so the pings it posts are part of the day.

Measured from every message the sandbox stores in the agents' group (bot posts, topic service
messages and agents' own messages), on one monotonic clock:
- group_per_ticket: the group's messages per ticket (all of them, and the bot's alone);
- general: the messages outside any customer's topic (topic mode: the General topic), against
  the whole stream of group mode, and the ratio (the aim: 3x fewer or better);
- peak_per_min: the most messages the group got in any minute. The outbox paces the group at
  Telegram's 20 a minute; to play a day in seconds the limits are scaled up by `--speed` and the
  window down by the same factor, which measures the same pacing (it must never exceed 20).

    python bench/workspace.py [--quick] [--runtime aiogram|ptb] [--redis-url URL]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import delete_namespace, run_in_workdir  # noqa: E402
from bot.app import DEMO_DIR, start_bot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.durable.outbox import Limits  # noqa: E402
from bot.redis_connection import make_client  # noqa: E402
from escalation.clock import ManualClock  # noqa: E402
from sandbox.client import SandboxClient  # noqa: E402
from sandbox.server import Sandbox  # noqa: E402
from sandbox.state import Chat, User, World  # noqa: E402

TOKEN = "100000001:BENCH"
AGENTS_CHAT = -1001000000001
ANA = {"id": 2001, "first_name": "Ana", "language_code": "pt"}
BRUNO = {"id": 2002, "first_name": "Bruno", "language_code": "pt"}
TICKETS = 30
GROUP_PER_MIN = 20
WAIT_S = 60.0
OPENINGS = (
    "nenhum canal funciona desde ontem",
    "a tela fica preta em todos os canais",
    "minha fatura veio com valor errado",
    "o app trava no jogo ao vivo, urgente",
    "quero cancelar minha assinatura",
    "sem sinal nos canais de esporte",
)
FOLLOW_UP = "ainda nada, já reiniciei o aparelho"
SLA_WAIT_S = 45 * 60
SLA_LATER_S = 2 * 3600
DAY_START = datetime(2026, 1, 7, 9, 0, tzinfo=ZoneInfo("America/Sao_Paulo")).timestamp()  # a Wednesday


@dataclass
class DayPlayer:
    """Plays the day on a sandbox where the bot runs, in group or topic mode."""

    api: SandboxClient
    topics: bool
    sla_tick: Callable[[float], Awaitable[object]]
    wait_s: float = WAIT_S
    tickets: list[int] = field(default_factory=list)

    async def _wait(
        self, chat: int, match: Callable[[dict[str, Any]], bool], after: int | None = None
    ) -> dict:
        return await self.api.wait_for(chat, match, self.wait_s, after=after)

    async def card(self, number: int, where: Callable[[str], bool] = lambda text: True) -> dict[str, Any]:
        return await self._wait(
            AGENTS_CHAT,
            lambda m: (
                m.get("from", {}).get("is_bot", False)
                and re.search(rf"#{number}\b", m.get("text", "")) is not None
                and ("reply_markup" in m or "✅" in m.get("text", ""))
                and where(m.get("text", ""))
            ),
        )

    async def _open(self, customer: dict[str, Any], text: str) -> int:
        sent = await self.api.send_message(customer, text)
        reply = await self._wait(customer["id"], lambda m: "#" in m.get("text", ""), after=sent["message_id"])
        return int(reply["text"].split("#", 1)[1].split()[0].rstrip(".,"))

    async def _agent(self, agent: dict[str, Any], number: int, text: str, command: str = "") -> None:
        """An agent answers (or runs `command`) about ticket `number` the way the mode has it."""
        card = await self.card(number)
        chat = {"id": AGENTS_CHAT, "type": "supergroup", "title": "Agents"}
        if self.topics:
            body = f"/{command} {text}".strip() if command else text
            await self.api.send_message(agent, body, chat=chat, message_thread_id=card["message_thread_id"])
        elif command:
            await self.api.send_message(agent, f"/{command} {number} {text}".strip(), chat=chat)
        else:
            await self.api.send_message(agent, text, chat=chat, reply_to_message_id=card["message_id"])

    async def _work(self, customer: dict[str, Any], number: int, index: int) -> None:
        agent = ANA if index % 2 == 0 else BRUNO
        answer = f"Olá, aqui é {agent['first_name']}: vou verificar o seu caso {index}"
        await self._agent(agent, number, answer)
        await self._wait(customer["id"], lambda m: answer in m.get("text", ""))
        if index % 5 == 0:
            await self._agent(agent, number, f"cliente {index} já trocou o roteador", "note")
            await self.card(number, lambda text: f"cliente {index} já trocou" in text)
        await self._agent(agent, number, "", "resolve")
        await self.card(number, lambda text: "✅" in text)

    async def play(self) -> None:
        """The day: the storm of 30 openings, follow-ups, then the agents at work."""
        customers = [
            {"id": 5000 + i, "first_name": f"Cliente{i:02d}", "language_code": "pt"}
            for i in range(TICKETS - 1)
        ]
        self.tickets = list(
            await asyncio.gather(
                *(self._open(c, OPENINGS[i % len(OPENINGS)]) for i, c in enumerate(customers))
            )
        )
        for customer in customers[::3]:
            await self.api.send_message(customer, FOLLOW_UP)
        for customer in customers[::3]:  # the follow-ups reach the agents before they start work
            await self._wait(AGENTS_CHAT, lambda m, name=customer["first_name"]: _relayed(m, name))
        await self.sla_tick(SLA_WAIT_S)  # the queue waited: the SLA watch pings the agents
        for index, (customer, number) in enumerate(zip(customers, self.tickets, strict=True)):
            if index == len(customers) // 2:
                await self.sla_tick(SLA_LATER_S)  # the afternoon: the tickets still waiting are late
            await self._work(customer, number, index)
        again = await self._open(customers[0], "a fatura deste mês veio com valor errado")
        self.tickets.append(again)
        await self._work(customers[0], again, 0)
        reopened = await self._open(customers[3], "ainda não voltou, continua sem sinal")
        if reopened != self.tickets[3]:
            raise AssertionError(f"the reopen opened #{reopened}, not #{self.tickets[3]}")
        await self._work(customers[3], reopened, 3)


def _relayed(message: dict[str, Any], name: str) -> bool:
    """A customer's follow-up as the agents see it (in their topic, or relayed under the card)."""
    text = message.get("text", "")
    return message.get("from", {}).get("is_bot", False) and name in text and FOLLOW_UP in text


@dataclass
class GroupLog:
    """Every message stored in the agents' group, with when (monotonic) and where (thread)."""

    entries: list[tuple[float, int | None, bool]] = field(default_factory=list)

    def install(self, world: World) -> None:
        """Hook the sandbox's `World.add_message`, as bench/e2e.py does, to time each message."""
        original = world.add_message

        def add_message(chat: Chat, sender: User, content: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            message = original(chat, sender, content, **kwargs)
            if chat.id == AGENTS_CHAT:
                self.entries.append((time.monotonic(), message.get("message_thread_id"), sender.is_bot))
            return message

        world.add_message = add_message  # type: ignore[method-assign]

    def peak(self, window_s: float) -> int:
        """The most bot messages in any window of `window_s` seconds (agents' own are not the bot's)."""
        times = sorted(when for when, _, is_bot in self.entries if is_bot)
        best, start = 0, 0
        for end, when in enumerate(times):
            while times[start] <= when - window_s:
                start += 1
            best = max(best, end - start + 1)
        return best


async def play_mode(args: argparse.Namespace, redis_url: str, workdir: Path, topics: bool) -> dict[str, Any]:
    """One day in one mode: the figures of the agents' group."""
    namespace = f"bench-ws-{uuid.uuid4().hex[:8]}"
    sandbox = Sandbox(token=TOKEN, limits_enabled=False)
    await sandbox.start()
    log = GroupLog()
    log.install(sandbox.core.world)
    limits = Limits(
        global_per_s=30 * args.speed,
        global_burst=30,
        group_per_window=Limits().group_per_window,
        group_window_s=Limits().group_window_s / args.speed,
        private_per_s=1 * args.speed,
        private_burst=3,
    )
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        redis_url=redis_url,
        redis_namespace=namespace,
        data_dir=workdir / namespace,
        runtime=args.runtime,
        agents_chat_id=AGENTS_CHAT,
        agents_topics=topics,
        agent_ids=[ANA["id"], BRUNO["id"]],
        customers_file=DEMO_DIR / "customers.csv",
        agents_language="pt",
    )
    api = SandboxClient(sandbox.base_url)
    members = [{"user": agent, "status": "member"} for agent in (ANA, BRUNO)]
    await api.create_chat(AGENTS_CHAT, title="Agents", is_forum=topics, members=members)
    started = time.monotonic()
    clock = ManualClock(DAY_START)
    try:
        async with start_bot(settings, TOKEN, sandbox.base_url, limits, clock) as bot:
            polling = asyncio.create_task(bot.intake.run_polling(bot.dispatcher.handle))

            async def sla_tick(seconds: float) -> None:
                clock.advance(seconds)
                await bot.dispatcher.sla_watch.tick()
                await bot.dispatcher.sla_watch.drain()

            try:
                player = DayPlayer(api, topics, sla_tick)
                await player.play()
                await bot.outbox.stop(drain_timeout=30)
            finally:
                polling.cancel()
                await asyncio.gather(polling, return_exceptions=True)
    finally:
        await api.close()
        await sandbox.stop()
        client = make_client(redis_url)
        await delete_namespace(client, namespace)
        await client.aclose()
    tickets = len(player.tickets)
    general = sum(1 for _, thread, _ in log.entries if thread is None)
    bot_messages = sum(1 for _, _, is_bot in log.entries if is_bot)
    return {
        "tickets": tickets,
        "group_messages": len(log.entries),
        "group_per_ticket": round(len(log.entries) / tickets, 2),
        "bot_per_ticket": round(bot_messages / tickets, 2),
        "general_messages": general,
        "peak_per_min": log.peak(60.0 / args.speed),
        "seconds": round(time.monotonic() - started, 1),
    }


async def bench(args: argparse.Namespace, redis_url: str, workdir: Path) -> dict[str, Any]:
    """Both modes, one after the other, and how they compare."""
    group = await play_mode(args, redis_url, workdir, topics=False)
    print(f"group mode: {json.dumps(group)}")
    topic = await play_mode(args, redis_url, workdir, topics=True)
    print(f"topic mode: {json.dumps(topic)}")
    stream, general = group["group_messages"], topic["general_messages"]
    return {
        "runtime": args.runtime,
        "speed": args.speed,
        "group_mode": group,
        "topic_mode": topic,
        "stream_vs_general": round(stream / general, 1) if general else None,
        "general_messages": general,
        "stream_messages": stream,
        "peak_per_min": max(group["peak_per_min"], topic["peak_per_min"]),
        "peak_ok": max(group["peak_per_min"], topic["peak_per_min"]) <= GROUP_PER_MIN,
    }


def main() -> None:
    """Parse the options, play both days, print the figures and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a faster clock (limits x60, windows / 60)")
    parser.add_argument("--runtime", choices=("aiogram", "ptb"), default="aiogram")
    parser.add_argument("--redis-url", default=None)
    args = parser.parse_args()
    args.speed = 60.0 if args.quick else 15.0
    print(
        f"one {TICKETS}-ticket day per mode, limits x{args.speed:g} "
        f"(peak measured per {60 / args.speed:g} s window)"
    )
    figures = run_in_workdir("bench-workspace-", bench, args)
    print(
        f"group messages per ticket: group mode {figures['group_mode']['group_per_ticket']}, "
        f"topic mode {figures['topic_mode']['group_per_ticket']}; "
        f"General topic {figures['general_messages']} vs stream {figures['stream_messages']} "
        f"({figures['stream_vs_general']}x fewer); peak {figures['peak_per_min']}/min"
    )
    print(json.dumps(figures))
    sys.exit(0 if figures["peak_ok"] else 1)


if __name__ == "__main__":
    main()
