"""Nothing lost when a worker dies, and several workers on one token (issue 15), with real processes.

Every test runs `supportbot run` as its own processes (tests/bot/workers.py) against an in-process
sandbox with Telegram's own limits on, on one Redis, during an outage storm: a few hundred
subscribers each report that nothing works. Then it counts as an operator would: from the
sandbox, each subscriber's acknowledgements, the texts they got twice, the 429s the token met and
the busiest minute of the agents' group; from Redis, the tickets of each customer. The figures are
printed (`pytest -s` shows them), and a failure names the subscribers and quotes the workers' logs.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from escalation.keys import Keys
from sandbox.client import SandboxClient
from sandbox.server import Sandbox
from tests.bot.workers import (
    AGENT_IDS,
    AGENTS_CHAT,
    SENDS_IN_FLIGHT,
    TOKEN,
    Fleet,
    Tally,
    create_agents_chat,
    storm,
    subscriber,
    ticket_texts,
    tickets_per_customer,
    worker_environment,
    write_directory,
)

FIRST_ID = 70_000_000
READY_ID = 80_000_000
LONE_CUSTOMER = 80_000_001
ORDERED_CUSTOMER = 80_000_002
TELEGRAM_RATE = 30.0
# 429s a fleet may meet beyond what one worker alone meets on the same storm.
EXTRA_429 = 3
GROUP_PER_MINUTE = 20
EXIT_WITHIN_S = 5.0
KILL_AT = 0.4
PARTS = 5


@dataclass
class Run:
    """One storm against one fleet: its sandbox, tally, workers and the desk's keys."""

    sandbox: Sandbox
    api: SandboxClient
    tally: Tally
    fleet: Fleet
    redis: Redis
    keys: Keys
    ids: list[int]
    update_ids: dict[int, int] = field(default_factory=dict)

    async def wait_acks(self, share: float = 1.0, patience: float | None = None) -> bool:
        """Until `share` of the subscribers have their acknowledgement (patience: a generous bound)."""
        needed = int(share * len(self.ids))
        bound = patience if patience is not None else 60.0 + 3 * len(self.ids) / TELEGRAM_RATE
        return await self.tally.wait(lambda: self.tally.acked(self.ids) >= needed, bound)

    async def restart(self, index: int = 0) -> None:
        """Start a stopped worker again, as systemd's Restart= would, and wait until updates flow."""
        worker = self.fleet.workers[index]
        worker.start()
        await worker.wait_started()

    async def figures(self) -> Figures:
        """What the operator counts once the storm is over."""
        tickets = await tickets_per_customer(self.redis, self.keys)
        stats = self.sandbox.core.stats.as_json()
        return Figures(
            workers=len(self.fleet.workers),
            mode=self.fleet.mode,
            unacked=[i for i in self.ids if not self.tally.acks(i)],
            acked_twice=[i for i in self.ids if len(self.tally.acks(i)) > 1],
            repeated=self.tally.duplicates(self.ids),
            without_ticket=[i for i in self.ids if tickets[i] == 0],
            tickets_twice=[i for i in self.ids if tickets[i] > 1],
            throttled_429=int(stats["throttled_429"]),
            group_max=self.tally.busiest_group_minute(),
        )

    def evidence(self, ids: list[int], limit: int = 3) -> str:
        """The fleet's state and every log line naming the first few of these subscribers."""
        lines = [self.fleet.describe()]
        for chat_id in ids[:limit]:
            sent = [text[:80] for _, text in self.tally.from_bot.get(chat_id, [])]
            update = self.update_ids.get(chat_id)
            lines.append(f"subscriber {chat_id} (update {update}): the bot sent {sent}")
            marks = {str(chat_id), *([str(update)] if update else [])}
            for worker in self.fleet.workers:
                lines += [
                    f"  {worker.name}: {line[:300]}"
                    for line in worker.text().splitlines()
                    if any(mark in line for mark in marks)
                ]
        problems = self.fleet.problems()
        lines.append(f"{len(problems)} warnings/errors in the logs; first ones:")
        lines += [f"  {line[:300]}" for line in problems[:10]]
        return "\n".join(lines)


@dataclass
class Figures:
    """Counts of one storm: who got nothing, who got something twice, what the token met."""

    workers: int
    mode: str
    unacked: list[int]
    acked_twice: list[int]
    repeated: dict[int, int]
    without_ticket: list[int]
    tickets_twice: list[int]
    throttled_429: int
    group_max: int

    @property
    def duplicates(self) -> int:
        """Messages a subscriber got a second time (same text)."""
        return sum(self.repeated.values())

    def line(self, label: str) -> str:
        """One printable line of the figures."""
        return (
            f"{label}: {self.workers} worker(s) {self.mode}: unacked {len(self.unacked)}, acked twice "
            f"{len(self.acked_twice)}, duplicates {self.duplicates}, without ticket "
            f"{len(self.without_ticket)}, tickets twice {len(self.tickets_twice)}, 429s "
            f"{self.throttled_429}, agents' group busiest minute {self.group_max}"
        )


@pytest.fixture
def desk_runs(redis_url: str, redis: Redis, namespace: str, tmp_path: Path) -> Callable[..., Any]:
    """`desk_runs(subscribers, workers, mode[, runtime])`: a fresh sandbox, namespace and fleet per storm."""

    @asynccontextmanager
    async def open_run(count: int, workers: int, mode: str, runtime: str = "aiogram") -> AsyncIterator[Run]:
        label = f"{namespace}-{uuid.uuid4().hex[:6]}"
        workdir = tmp_path / label
        workdir.mkdir()
        ids = [FIRST_ID + i for i in range(count)]
        directory = write_directory(workdir / "customers.csv", [*ids, LONE_CUSTOMER, ORDERED_CUSTOMER])
        sandbox = Sandbox(token=TOKEN, limits_enabled=True, webhook_retry_delay=0.2)
        await sandbox.start("127.0.0.1", 0)
        tally = Tally.watch(sandbox.core.world)
        api = SandboxClient(sandbox.base_url)
        env = worker_environment(sandbox.base_url, redis_url, label, workdir, directory)
        fleet = Fleet({**env, "AGENTS_LANGUAGE": "en", "RUNTIME": runtime}, workdir, workers, mode)
        try:
            await create_agents_chat(api)
            await fleet.start()
            await api.send_message(subscriber(READY_ID), "/start")
            assert await tally.wait(lambda: tally.replied(READY_ID), 60), (
                f"no answer to /start: {fleet.describe()}"
            )
            sandbox.core.stats.reset()
            yield Run(sandbox, api, tally, fleet, redis, Keys(label), ids)
        finally:
            await fleet.stop()
            await api.close()
            await sandbox.stop()
            async for key in redis.scan_iter(match=f"{label}:*", count=1000):
                await redis.delete(key)

    return open_run


async def storm_with(run: Run, span: float, during: Callable[[], Awaitable[None]]) -> float:
    """The storm over `span` s and `during` at once; returns when the storm started."""
    reports, _ = await asyncio.gather(storm(run.api, run.ids, span), during())
    run.update_ids.update(reports.update_ids)
    return reports.start


async def nothing() -> None:
    """No disruption: the storm alone."""


def kill_first_worker(run: Run) -> Callable[[], Awaitable[None]]:
    """The disruption: once KILL_AT of the subscribers are acknowledged, SIGKILL worker 0 and restart it."""

    async def kill_and_restart() -> None:
        await run.wait_acks(KILL_AT)
        run.fleet.workers[0].kill()
        await run.restart()

    return kill_and_restart


def assert_nothing_lost(run: Run, figures: Figures) -> None:
    """Every subscriber has a ticket and their acknowledgement."""
    assert not figures.without_ticket, (
        f"{len(figures.without_ticket)} reports never became tickets\n{run.evidence(figures.without_ticket)}"
    )
    assert not figures.unacked, (
        f"{len(figures.unacked)} subscribers were never acknowledged\n{run.evidence(figures.unacked)}"
    )
    assert not figures.tickets_twice, (
        f"{len(figures.tickets_twice)} reports became two tickets\n{run.evidence(figures.tickets_twice)}"
    )


def assert_twice_only_in_flight(run: Run, figures: Figures) -> None:
    """A kill sends again at most what was in flight when it struck."""
    assert figures.duplicates <= SENDS_IN_FLIGHT, (
        f"{figures.duplicates} messages went out twice, more than the {SENDS_IN_FLIGHT} sends that "
        f"can be in flight at a kill: {figures.repeated}\n{run.evidence(list(figures.repeated))}"
    )


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_kill_9_mid_storm_then_restart_loses_nothing(desk_runs: Any, runtime: str) -> None:
    async with desk_runs(200, 1, "polling", runtime) as run:
        await storm_with(run, 2.0, kill_first_worker(run))
        await run.wait_acks()
        figures = await run.figures()
        print(figures.line(f"kill -9 and restart ({runtime})"))
        assert_nothing_lost(run, figures)
        assert_twice_only_in_flight(run, figures)


async def test_sigterm_with_a_backlog_exits_in_seconds_and_a_restart_finishes_the_work(
    desk_runs: Any,
) -> None:
    async with desk_runs(600, 1, "polling") as run:
        took: list[float] = []
        left: list[float] = []

        async def terminate_and_restart() -> None:
            await run.wait_acks(0.15)
            left.append((len(run.ids) - run.tally.acked(run.ids)) / TELEGRAM_RATE)
            took.append(await run.fleet.workers[0].terminate())
            await run.restart()

        await storm_with(run, 1.0, terminate_and_restart)
        await run.wait_acks()
        figures = await run.figures()
        print(
            figures.line("SIGTERM and restart")
            + f"; exited in {took[0]:.1f}s with {left[0]:.0f}s of sends left"
        )
        assert left[0] > 2 * EXIT_WITHIN_S, "the backlog at SIGTERM should outlast the exit by far"
        assert took[0] <= EXIT_WITHIN_S, f"SIGTERM took {took[0]:.1f}s to stop the worker\n{run.evidence([])}"
        assert_nothing_lost(run, figures)
        assert not figures.repeated and not figures.acked_twice, (
            f"a clean stop sent {figures.duplicates} messages twice: {figures.repeated}\n"
            f"{run.evidence(list(figures.repeated))}"
        )


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_several_workers_one_killed_lose_nothing_and_keep_the_tokens_limits(
    desk_runs: Any, mode: str
) -> None:
    count = 150
    async with desk_runs(count, 1, mode) as alone:
        await storm_with(alone, 2.0, nothing)
        await alone.wait_acks()
        baseline = await alone.figures()
    print(baseline.line("one worker"))
    for workers in (2, 3):
        async with desk_runs(count, workers, mode) as run:
            await storm_with(run, 2.0, kill_first_worker(run))
            await run.wait_acks()
            figures = await run.figures()
            print(figures.line(f"{workers} workers, one killed"))
            assert_nothing_lost(run, figures)
            assert_twice_only_in_flight(run, figures)
            assert figures.throttled_429 <= baseline.throttled_429 + EXTRA_429, (
                f"{workers} workers met {figures.throttled_429} 429s where one worker met "
                f"{baseline.throttled_429}: the token's limits are not shared\n{run.evidence([])}"
            )
            assert figures.group_max <= GROUP_PER_MINUTE, (
                f"{figures.group_max} messages to the agents' group within a minute\n{run.evidence([])}"
            )


async def test_order_per_chat_and_a_claim_during_the_storm_with_three_workers(desk_runs: Any) -> None:
    # Polling: the sandbox delivers a webhook's updates one at a time (Telegram: up to 40 at once),
    # so behind a webhook the claim would wait for the sandbox, not for the workers.
    async with desk_runs(200, 3, "polling") as run:
        lone = subscriber(LONE_CUSTOMER)
        await run.api.send_message(lone, "nenhum canal funciona desde ontem")
        card = await run.api.wait_for(
            AGENTS_CHAT, lambda m: "reply_markup" in m and "Claim" in str(m["reply_markup"]), 60
        )
        claim = next(
            button["callback_data"]
            for row in card["reply_markup"]["inline_keyboard"]
            for button in row
            if button["text"] == "Claim"
        )
        answered: list[tuple[float, float, dict[str, Any]]] = []

        async def parts_and_claim() -> None:
            await run.wait_acks(0.2)
            ordered = subscriber(ORDERED_CUSTOMER)
            for part in range(1, PARTS + 1):
                await run.api.send_message(ordered, f"parte {part}: nenhum canal funciona")
            pressed = time.perf_counter()
            press = await run.api.press(
                {"id": AGENT_IDS[0], "first_name": "Agent"}, AGENTS_CHAT, card["message_id"], claim
            )
            answer = await run.api.callback(press, wait=60)
            answered.append((pressed, time.perf_counter(), answer))

        started = await storm_with(run, 2.0, parts_and_claim)
        await run.wait_acks()
        storm_s = max(run.tally.acks(i)[0] for i in run.ids) - started
        pressed, answered_at, answer = answered[0]
        claim_s = answered_at - pressed
        acked_at_press = sum(1 for i in run.ids if run.tally.acks(i) and run.tally.acks(i)[0] < pressed)
        told = [at - pressed for at, _ in run.tally.from_bot.get(LONE_CUSTOMER, []) if at > pressed]
        edits = [at - pressed for at in run.tally.group_edits if at > pressed]
        print(
            f"storm {storm_s:.1f}s; the claim was answered in {claim_s:.2f}s, pressed with "
            f"{acked_at_press}/{len(run.ids)} acknowledged; after the press its customer was told in "
            f"{f'{told[0]:.2f}s' if told else '-'}, the group's first edit came in "
            f"{f'{edits[0]:.2f}s' if edits else '-'}; {run.fleet.describe()}"
        )
        assert await run.tally.wait(lambda: run.tally.replied(ORDERED_CUSTOMER), 30)
        texts = [
            t for t in await ticket_texts(run.redis, run.keys, ORDERED_CUSTOMER) if t.startswith("parte ")
        ]
        assert texts == [f"parte {part}: nenhum canal funciona" for part in range(1, PARTS + 1)], (
            f"the ticket logged {texts}\n{run.evidence([ORDERED_CUSTOMER])}"
        )
        figures = await run.figures()
        print(figures.line("three workers, order and claim"))
        assert_nothing_lost(run, figures)
        assert not figures.repeated, f"sent twice: {figures.repeated}\n{run.evidence(list(figures.repeated))}"
        assert (await tickets_per_customer(run.redis, run.keys))[ORDERED_CUSTOMER] == 1
        assert answer["answered"] and "is yours" in answer["text"], f"claim answer: {answer}"
        assert acked_at_press < len(run.ids), "the claim should be pressed while the storm is on"
        assert claim_s < storm_s / 5, (
            f"the claim waited {claim_s:.1f}s in a {storm_s:.1f}s storm\n{run.evidence([])}"
        )
