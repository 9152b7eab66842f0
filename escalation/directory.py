"""The customer directory: who a Telegram user or a phone number is, and what plan they pay for.

Customer value in priority comes from here and never from what the customer says. The desk
asks through the `CustomerDirectory` port; `CsvDirectory`, the default adapter, reads the file
named by CUSTOMERS_FILE, a CSV export a provider can produce from any billing system:

    subscriber_id,name,phone,telegram_id,plan,region,status
    SUB-0001,Carla Souza,+55 (11) 90000-1001,1001,premium,São Paulo,active

The header is required (any order, any case; extra columns are ignored), the file is UTF-8 with
or without a BOM, and the delimiter may be `,` or `;` (what spreadsheets in pt-BR locales
export). Every value but subscriber_id may be empty. The plan is mapped to a tier by the
policy's `plans` table (case and accents ignored), so renaming a plan needs no code; a plan the
table does not name counts as basic, with a warning naming the line. The status decides whether
the plan counts at all: a suspended, cancelled or expired subscriber gets no plan priority.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from escalation.domain import INACTIVE_STATUSES, Tier
from escalation.phones import DEFAULT_COUNTRY_CODE, check_country_code, normalize_phone
from escalation.policy import Policy, plan_key

log = logging.getLogger(__name__)

COLUMNS = ("subscriber_id", "name", "phone", "telegram_id", "plan", "region", "status")
_DELIMITERS = (",", ";")
_MAX_ROW_WARNINGS = 20
ACTIVE = "active"
# Status words billing systems export (pt, en, es), folded to the desk's four states.
_STATUSES = {
    **dict.fromkeys(("active", "ativo", "ativa", "activo", "activa", "ok"), ACTIVE),
    **dict.fromkeys(
        (
            "suspended",
            "suspenso",
            "suspensa",
            "suspendido",
            "suspendida",
            "blocked",
            "bloqueado",
            "bloqueada",
        ),
        "suspended",
    ),
    **dict.fromkeys(("cancelled", "canceled", "cancelado", "cancelada"), "cancelled"),
    **dict.fromkeys(
        ("expired", "expirado", "expirada", "vencido", "vencida", "inactive", "inativo", "inactivo"),
        "expired",
    ),
}


@dataclass(frozen=True, slots=True)
class Subscriber:
    """One directory entry; `tier` is already resolved, so callers never see raw plan logic.

    `phone` is in E.164 form (see `escalation.phones`) or None when the directory has no usable
    number; `plan` is kept as written for display. `status` is one of active, suspended,
    cancelled or expired (pt and es words folded in; an empty status counts as active, an
    unknown one is kept lower-cased, with a warning). `tier` is the plan's tier only while the
    subscriber is active: priority is for paying subscribers.
    """

    subscriber_id: str
    name: str
    phone: str | None
    telegram_id: int | None
    plan: str
    tier: Tier
    region: str | None
    status: str

    @property
    def active(self) -> bool:
        """Whether the subscription is in force (unknown status words count as active)."""
        return self.status not in INACTIVE_STATUSES


class CustomerDirectory(Protocol):
    """The port: look a subscriber up by the keys a conversation can offer.

    Async because the adapters that follow the CSV one (a Redis-imported copy, an HTTP lookup)
    do I/O per call; None means "not a known subscriber", never an error.
    """

    async def by_telegram_id(self, telegram_id: int) -> Subscriber | None:
        """The subscriber linked to this Telegram user, if any."""
        ...

    async def by_phone(self, phone: str) -> Subscriber | None:
        """The subscriber with this phone number, written in any of the usual formats."""
        ...

    async def by_subscriber_id(self, subscriber_id: str) -> Subscriber | None:
        """The subscriber with this id, as the billing system spells it."""
        ...


class DirectoryError(Exception):
    """The directory file cannot be used; the message names the file and, if known, the line."""

    def __init__(self, path: Path, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class DirectoryFileMissing(DirectoryError):
    """CUSTOMERS_FILE names a file that does not exist: fail at start rather than run unlinked."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "customer directory file not found (check CUSTOMERS_FILE)")


@dataclass(slots=True)
class _Index:
    by_id: dict[str, Subscriber] = field(default_factory=dict)
    by_telegram: dict[int, Subscriber] = field(default_factory=dict)
    by_phone: dict[str, Subscriber] = field(default_factory=dict)

    def add(self, subscriber: Subscriber, line: int, warnings: _Warnings) -> None:
        """Index one subscriber; rows come in file order, so on a shared phone or Telegram id the
        later row wins, with a warning, since only one subscriber can be the answer."""
        self.by_id[subscriber.subscriber_id] = subscriber
        keys: tuple[tuple[str, object, dict[Any, Subscriber]], ...] = (
            ("telegram_id", subscriber.telegram_id, self.by_telegram),
            ("phone", subscriber.phone, self.by_phone),
        )
        for label, key, table in keys:
            if key is None:
                continue
            other = table.get(key)
            if other is not None:
                warnings.add(
                    line,
                    f"{label} {key} is also subscriber {other.subscriber_id!r}'s; "
                    f"{subscriber.subscriber_id!r} wins",
                )
            table[key] = subscriber


# (inode, size, mtime in ns) of the file, or None when it cannot be stat'ed.
_Signature = tuple[int, int, int] | None


class CsvDirectory:
    """The default directory: a CSV file held in memory and reloaded when it changes.

    Providers re-export the file whenever billing changes, so it is re-read without a restart:
    a lookup stats the file at most once per `check_interval` seconds (no watcher thread), and
    re-reads it off the event loop only when its size, mtime or inode moved. A reload that
    fails (unreadable, bad header, not UTF-8) keeps the last good data and logs one warning per
    change of the file, naming the file and line, so a half-written export never empties the
    directory. A missing or broken file at start raises instead: better to refuse to start
    than to treat every customer as unknown.
    """

    def __init__(
        self,
        path: Path | str,
        policy: Policy,
        *,
        default_country_code: str = DEFAULT_COUNTRY_CODE,
        check_interval: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self._policy = policy
        self._country = check_country_code(default_country_code)
        self._check_interval = check_interval
        self._monotonic = monotonic
        self._lock = asyncio.Lock()
        self._signature = self._stat()
        if self._signature is None:
            raise DirectoryFileMissing(self.path)
        self._index = self._load()
        self._checked_at = monotonic()

    def __len__(self) -> int:
        """How many subscribers are loaded, for the startup log and health checks."""
        return len(self._index.by_id)

    async def by_telegram_id(self, telegram_id: int) -> Subscriber | None:
        """The subscriber whose telegram_id column holds this user id."""
        return (await self._current()).by_telegram.get(telegram_id)

    async def by_phone(self, phone: str) -> Subscriber | None:
        """The subscriber with this number; both sides are compared in normalised form."""
        normalised = normalize_phone(phone, self._country)
        return (await self._current()).by_phone.get(normalised) if normalised else None

    async def by_subscriber_id(self, subscriber_id: str) -> Subscriber | None:
        """The subscriber with this id (surrounding spaces ignored, case kept)."""
        return (await self._current()).by_id.get(subscriber_id.strip())

    async def _current(self) -> _Index:
        now = self._monotonic()
        if now - self._checked_at < self._check_interval:
            return self._index
        self._checked_at = now
        if self._stat() == self._signature:
            return self._index
        async with self._lock:
            signature = self._stat()
            if signature != self._signature:
                self._signature = signature
                await asyncio.to_thread(self._reload, signature)
        return self._index

    def _reload(self, signature: _Signature) -> None:
        kept = f"keeping the last good data ({len(self)} subscribers)"
        if signature is None:
            log.warning("%s: cannot read the customer directory (missing?); %s", self.path, kept)
            return
        try:
            self._index = self._load()
        except DirectoryError as exc:
            log.warning("%s; %s", exc, kept)

    def _stat(self) -> _Signature:
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    def _load(self) -> _Index:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise DirectoryFileMissing(self.path) from None
        except OSError as exc:
            raise DirectoryError(self.path, f"cannot read ({exc.strerror})") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise DirectoryError(self.path, "not UTF-8 text", line) from None
        # NFC: a file saved on macOS may spell "padrão" with a combining tilde, which would
        # miss the policy's plan name and silently drop the subscriber to basic.
        index = self._parse(unicodedata.normalize("NFC", text))
        log.info("%s: %d subscribers loaded", self.path, len(index.by_id))
        return index

    def _parse(self, text: str) -> _Index:
        header, delimiter = self._header(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        next(reader)
        warnings = _Warnings(self.path)
        rows: dict[str, tuple[int, Subscriber]] = {}
        try:
            for record in reader:
                line = reader.line_num
                values = {
                    name: (record[position] if position < len(record) else "").strip()
                    for name, position in header.items()
                }
                if not any(values.values()):
                    continue
                subscriber = self._subscriber(values, line, warnings)
                if subscriber is None:
                    continue
                if subscriber.subscriber_id in rows:
                    earlier, _ = rows.pop(subscriber.subscriber_id)
                    warnings.add(
                        line,
                        f"subscriber_id {subscriber.subscriber_id!r} repeats line {earlier}; this row wins",
                    )
                rows[subscriber.subscriber_id] = (line, subscriber)
        except csv.Error as exc:
            raise DirectoryError(self.path, f"not valid CSV ({exc})", reader.line_num) from None
        index = _Index()
        for line, subscriber in rows.values():  # in file order: a repeated id was moved to its last line
            index.add(subscriber, line, warnings)
        warnings.flush()
        return index

    def _header(self, text: str) -> tuple[dict[str, int], str]:
        """Column positions and the delimiter.

        The delimiter is whichever of `,` and `;` splits the header into more of the expected
        columns; guessing from the data rows would trip over commas inside names and plans.
        """
        first_line = text.partition("\n")[0].rstrip("\r")
        best: dict[str, int] = {}
        chosen = _DELIMITERS[0]
        for delimiter in _DELIMITERS:
            names = [name.strip().lower() for name in next(csv.reader([first_line], delimiter=delimiter), [])]
            found = {name: names.index(name) for name in COLUMNS if name in names}
            if len(found) > len(best):
                best, chosen = found, delimiter
        missing = [name for name in COLUMNS if name not in best]
        if missing:
            raise DirectoryError(
                self.path, f"header lacks {', '.join(missing)} (expected the columns {','.join(COLUMNS)})", 1
            )
        return best, chosen

    def _subscriber(self, values: dict[str, str], line: int, warnings: _Warnings) -> Subscriber | None:
        subscriber_id, raw_telegram, raw_phone = (
            values["subscriber_id"],
            values["telegram_id"],
            values["phone"],
        )
        if not subscriber_id:
            warnings.add(line, "row skipped: subscriber_id is empty")
            return None
        telegram_id = int(raw_telegram) if raw_telegram.isascii() and raw_telegram.isdigit() else None
        if raw_telegram and not telegram_id:
            warnings.add(
                line,
                f"row skipped: telegram_id {raw_telegram!r} is not a Telegram user id "
                "(a positive whole number)",
            )
            return None
        phone = normalize_phone(raw_phone, self._country)
        if raw_phone and phone is None:
            warnings.add(line, f"phone {raw_phone!r} is not a complete number; row kept without it")
        plan, raw_status = values["plan"], values["status"]
        tier = self._policy.tier_of(plan)
        if plan and tier is None:
            warnings.add(
                line, f"plan {plan!r} is not in the policy's plans; counted as basic (add it under plans:)"
            )
        status = _STATUSES.get(plan_key(raw_status), plan_key(raw_status)) if raw_status else ACTIVE
        if status not in _STATUSES.values():
            warnings.add(
                line,
                f"status {raw_status!r} is not active, suspended, cancelled or expired; counted as active",
            )
        subscriber = Subscriber(
            subscriber_id=subscriber_id,
            name=values["name"],
            phone=phone,
            telegram_id=telegram_id,
            plan=plan,
            tier=tier or Tier.BASIC,
            region=values["region"] or None,
            status=status,
        )
        return subscriber if subscriber.active else replace(subscriber, tier=Tier.BASIC)


class _Warnings:
    """Row warnings of one load, held back until it succeeds: a load that fails as a whole
    reports only why it failed, in a single warning."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._messages: list[str] = []

    def add(self, line: int, message: str) -> None:
        """Note one row problem."""
        self._messages.append(f"{self._path}:{line}: {message}")

    def flush(self) -> None:
        """Log the first few in detail and count the rest, so a wrong export cannot flood the log."""
        for message in self._messages[:_MAX_ROW_WARNINGS]:
            log.warning("%s", message)
        hidden = len(self._messages) - _MAX_ROW_WARNINGS
        if hidden > 0:
            log.warning("%s: %d more row warnings not shown", self._path, hidden)
