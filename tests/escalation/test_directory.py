"""The CSV customer directory: lookups, tiers from the policy, reloads, and forgiving parsing."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from escalation.clock import ManualClock
from escalation.directory import (
    COLUMNS,
    CsvDirectory,
    CustomerDirectory,
    DirectoryError,
    DirectoryFileMissing,
    Subscriber,
)
from escalation.domain import Tier
from escalation.policy import Policy

HEADER = ",".join(COLUMNS)
ROWS = [
    "SUB-1,Carla Souza,+55 (11) 98765-4321,1001,premium,São Paulo,active",
    "SUB-2,João Lima,(21) 8765-4321,1002,básico,Rio de Janeiro,active",
    "SUB-3,Mary Smith,011 91234-5678,1003,Padrão,Florianópolis,Suspended",
    "SUB-4,Pedro Alves,,,mystery plan,,",
]


def write(path: Path, *lines: str, bump: int = 0) -> Path:
    """Write the file; `bump` moves its mtime forward so a same-size rewrite still counts as a change."""
    return write_bytes(path, ("\n".join(lines) + "\n").encode(), bump)


def write_bytes(path: Path, data: bytes, bump: int = 0) -> Path:
    """Write raw bytes, for files that are broken on purpose."""
    path.write_bytes(data)
    if bump:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump * 1_000_000_000))
    return path


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    return write(tmp_path / "customers.csv", HEADER, *ROWS)


@pytest.fixture
def ticker() -> ManualClock:
    """The directory's monotonic clock, moved by hand past the once-a-second check."""
    return ManualClock(0.0)


@pytest.fixture
def directory(csv_file: Path, policy: Policy, ticker: ManualClock) -> CsvDirectory:
    return CsvDirectory(csv_file, policy, monotonic=ticker.now)


def test_it_is_a_customer_directory(directory: CsvDirectory) -> None:
    port: CustomerDirectory = directory
    assert port is directory
    assert len(directory) == 4


async def test_lookup_by_telegram_id(directory: CsvDirectory) -> None:
    carla = await directory.by_telegram_id(1001)
    assert carla == Subscriber(
        subscriber_id="SUB-1",
        name="Carla Souza",
        phone="+5511987654321",
        telegram_id=1001,
        plan="premium",
        tier=Tier.PREMIUM,
        region="São Paulo",
        status="active",
    )
    assert await directory.by_telegram_id(4242) is None


async def test_lookup_by_phone_in_any_format(directory: CsvDirectory) -> None:
    for raw in ("5511987654321", "+55 11 98765-4321", "(11) 98765-4321", "011987654321"):
        found = await directory.by_phone(raw)
        assert found is not None and found.subscriber_id == "SUB-1"
    joao = await directory.by_phone("552187654321")
    assert joao is not None and joao.subscriber_id == "SUB-2"
    assert await directory.by_phone("5521987654321") is None  # the 9 is never invented
    assert await directory.by_phone("") is None
    assert await directory.by_phone("not a phone") is None


async def test_lookup_by_subscriber_id(directory: CsvDirectory) -> None:
    mary = await directory.by_subscriber_id(" SUB-3 ")
    assert mary is not None and mary.name == "Mary Smith"
    assert await directory.by_subscriber_id("sub-3") is None
    assert await directory.by_subscriber_id("SUB-9") is None


async def test_tiers_come_from_the_policy_plan_names(directory: CsvDirectory) -> None:
    tiers = {sid: (await directory.by_subscriber_id(sid)) for sid in ("SUB-1", "SUB-2", "SUB-3", "SUB-4")}
    assert {sid: s.tier for sid, s in tiers.items() if s} == {
        "SUB-1": Tier.PREMIUM,
        "SUB-2": Tier.BASIC,
        "SUB-3": Tier.BASIC,  # Padrão, but suspended: no plan priority
        "SUB-4": Tier.BASIC,
    }
    assert tiers["SUB-3"] is not None and tiers["SUB-3"].plan == "Padrão"  # kept as written


async def test_status_words_fold_and_only_active_subscribers_keep_their_plan(
    tmp_path: Path, policy: Policy, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [
        "SUB-1,A,,2001,PREMIUM,,Ativo",
        "SUB-2,B,,2002,premium,,Cancelado",
        "SUB-3,C,,2003,Ouro,,vencida",
        "SUB-4,D,,2004,premium,,SUSPENSO",
        "SUB-5,E,,2005,premium,,trial",
        "SUB-6,F,,2006,Premium Anual,,active",
        "SUB-7,G,,2007,prêmio,,active",
    ]
    with caplog.at_level(logging.WARNING, logger="escalation.directory"):
        directory = CsvDirectory(write(tmp_path / "customers.csv", HEADER, *rows), policy)
        for telegram_id in range(2001, 2008):
            await directory.by_telegram_id(telegram_id)
    found = {
        s.subscriber_id: (s.status, s.tier)
        for s in [await directory.by_subscriber_id(f"SUB-{n}") for n in range(1, 8)]
        if s
    }
    assert found == {
        "SUB-1": ("active", Tier.PREMIUM),
        "SUB-2": ("cancelled", Tier.BASIC),
        "SUB-3": ("expired", Tier.BASIC),
        "SUB-4": ("suspended", Tier.BASIC),
        "SUB-5": ("trial", Tier.PREMIUM),
        "SUB-6": ("active", Tier.BASIC),
        "SUB-7": ("active", Tier.BASIC),
    }
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 3  # once per load, one per line
    assert any("customers.csv:6:" in m and "status 'trial'" in m for m in messages)
    assert any("customers.csv:7:" in m and "plan 'Premium Anual'" in m for m in messages)
    assert any("customers.csv:8:" in m and "plan 'prêmio'" in m for m in messages)


async def test_empty_values(directory: CsvDirectory) -> None:
    pedro = await directory.by_subscriber_id("SUB-4")
    assert pedro is not None
    assert (pedro.phone, pedro.telegram_id, pedro.region, pedro.status) == (None, None, None, "active")
    mary = await directory.by_subscriber_id("SUB-3")
    assert mary is not None and mary.status == "suspended"


async def test_reload_on_change(csv_file: Path, directory: CsvDirectory, ticker: ManualClock) -> None:
    write(csv_file, HEADER, ROWS[0].replace("premium", "basic"), bump=5)
    ticker.advance(1.0)
    carla = await directory.by_telegram_id(1001)
    assert carla is not None and carla.tier is Tier.BASIC
    assert await directory.by_telegram_id(1002) is None
    assert len(directory) == 1


async def test_the_file_is_checked_at_most_once_per_interval(
    csv_file: Path, directory: CsvDirectory, ticker: ManualClock
) -> None:
    write(csv_file, HEADER, bump=5)
    ticker.advance(0.5)
    assert await directory.by_telegram_id(1001) is not None
    ticker.advance(0.5)
    assert await directory.by_telegram_id(1001) is None


async def test_reload_when_replaced_by_rename(
    csv_file: Path, directory: CsvDirectory, ticker: ManualClock
) -> None:
    fresh = write(csv_file.with_name("export.tmp"), HEADER, "SUB-9,Lucía Gómez,,1001,vip,,active")
    os.replace(fresh, csv_file)
    ticker.advance(1.0)
    lucia = await directory.by_telegram_id(1001)
    assert lucia is not None and lucia.name == "Lucía Gómez" and lucia.tier is Tier.PREMIUM


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        (f"{HEADER.replace('telegram_id', 'tg')}\n{ROWS[0]}\n".encode(), "customers.csv:1: header lacks"),
        (f"{HEADER}\n{ROWS[0]}\n".encode() + b"SUB-2,Jo\xe3o,,,,,\n", "customers.csv:3: not UTF-8"),
        (f'{HEADER}\n{ROWS[0]}\nSUB-2,"João Lima,,\n'.encode(), "customers.csv:3: not valid CSV"),
    ],
    ids=["header", "encoding", "unterminated-quote"],
)
async def test_broken_reload_keeps_the_last_good_data_and_warns_once(
    csv_file: Path,
    directory: CsvDirectory,
    ticker: ManualClock,
    caplog: pytest.LogCaptureFixture,
    broken: bytes,
    where: str,
) -> None:
    write_bytes(csv_file, broken, bump=5)
    with caplog.at_level(logging.WARNING, logger="escalation.directory"):
        for _ in range(3):
            ticker.advance(1.0)
            joao = await directory.by_telegram_id(1002)
            assert joao is not None and joao.name == "João Lima"
    assert len(caplog.records) == 1
    assert where in caplog.records[0].getMessage()
    assert "keeping the last good data (4 subscribers)" in caplog.records[0].getMessage()

    write(csv_file, HEADER, ROWS[1], bump=10)
    ticker.advance(1.0)
    assert await directory.by_telegram_id(1001) is None
    assert len(directory) == 1


async def test_a_vanished_file_keeps_the_data_until_it_returns(
    csv_file: Path, directory: CsvDirectory, ticker: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    os.remove(csv_file)
    with caplog.at_level(logging.WARNING, logger="escalation.directory"):
        for _ in range(3):
            ticker.advance(1.0)
            assert await directory.by_telegram_id(1001) is not None
    assert len(caplog.records) == 1 and "customers.csv" in caplog.records[0].getMessage()
    write(csv_file, HEADER, ROWS[2])
    ticker.advance(1.0)
    assert await directory.by_telegram_id(1001) is None
    assert await directory.by_telegram_id(1003) is not None


def test_malformed_rows_are_skipped_with_a_warning_naming_the_line(
    tmp_path: Path, policy: Policy, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path / "customers.csv",
        HEADER,
        ROWS[0],
        "SUB-5,Bad Id,,12ab,basic,,active",
        ",No Id,,1005,basic,,active",
        "SUB-6,Negative,,-7,basic,,active",
        "SUB-7,Underscore,,1_007,basic,,active",
        ",,,,,,",  # a blank spreadsheet row: skipped silently
        "SUB-8,Short Row,11 91111-2222",
        "SUB-9,Bad Phone,12345,1009,premium,,active",
    )
    with caplog.at_level(logging.WARNING, logger="escalation.directory"):
        directory = CsvDirectory(path, policy)
    assert len(directory) == 3
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 5
    assert any("customers.csv:3:" in m and "'12ab'" in m for m in messages)
    assert any("customers.csv:4:" in m and "subscriber_id is empty" in m for m in messages)
    assert any("customers.csv:5:" in m and "'-7'" in m for m in messages)
    assert any("customers.csv:6:" in m and "'1_007'" in m for m in messages)
    assert any("customers.csv:9:" in m and "'12345'" in m and "kept" in m for m in messages)


async def test_duplicates_last_row_wins_and_is_logged(
    tmp_path: Path, policy: Policy, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path / "customers.csv",
        HEADER,
        "SUB-1,Carla Souza,11 98765-4321,1001,premium,,active",
        "SUB-2,Shared Phone,11 98765-4321,1002,basic,,active",
        "SUB-1,Carla Souza,11 91234-0000,1011,basic,,active",
    )
    with caplog.at_level(logging.WARNING, logger="escalation.directory"):
        directory = CsvDirectory(path, policy)
    carla = await directory.by_subscriber_id("SUB-1")
    assert carla is not None and (carla.telegram_id, carla.tier) == (1011, Tier.BASIC)
    assert await directory.by_telegram_id(1001) is None  # the replaced row's keys are gone
    shared = await directory.by_phone("11 98765-4321")
    assert shared is not None and shared.subscriber_id == "SUB-2"
    messages = [record.getMessage() for record in caplog.records]
    assert any("customers.csv:4:" in m and "repeats line 2" in m for m in messages)


def test_missing_file_at_start_is_a_clear_error(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "nowhere.csv"
    with pytest.raises(DirectoryFileMissing) as caught:
        CsvDirectory(path, policy)
    assert caught.value.path == path
    assert str(path) in str(caught.value) and "CUSTOMERS_FILE" in str(caught.value)


def test_broken_file_at_start_is_an_error(tmp_path: Path, policy: Policy) -> None:
    path = write(tmp_path / "customers.csv", "id,name,phone")
    with pytest.raises(DirectoryError, match=r"customers\.csv:1: header lacks subscriber_id, telegram_id"):
        CsvDirectory(path, policy)


def test_bad_country_code_fails_at_start(csv_file: Path, policy: Policy) -> None:
    with pytest.raises(ValueError, match="country code"):
        CsvDirectory(csv_file, policy, default_country_code="+55")


async def test_bom_semicolons_crlf_column_order_and_extra_columns(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Status;Plan;Email;Telegram_ID;Phone;Name;Region;Subscriber_ID\r\n"
        "ativo;Ouro;carla@example.com;1001;(11) 98765-4321;Souza, Carla;SP;SUB-1\r\n",
        encoding="utf-8-sig",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    directory = CsvDirectory(path, policy)
    carla = await directory.by_phone("5511987654321")
    assert carla == Subscriber(
        subscriber_id="SUB-1",
        name="Souza, Carla",
        phone="+5511987654321",
        telegram_id=1001,
        plan="Ouro",
        tier=Tier.PREMIUM,
        region="SP",
        status="active",  # "ativo", folded
    )


async def test_quoted_commas_with_comma_delimiter(tmp_path: Path, policy: Policy) -> None:
    row = '"SUB-1","Souza, Carla","+55 11 98765-4321",1001,vip,"SP",active'
    path = write(tmp_path / "customers.csv", HEADER, row)
    carla = await CsvDirectory(path, policy).by_telegram_id(1001)
    assert carla is not None and carla.name == "Souza, Carla" and carla.tier is Tier.PREMIUM


async def test_decomposed_accents_still_match_plan_names(tmp_path: Path, policy: Policy) -> None:
    path = write(tmp_path / "customers.csv", HEADER, "SUB-1,Joa\u0303o,,1002,padra\u0303o,,active")
    joao = await CsvDirectory(path, policy).by_telegram_id(1002)
    assert joao is not None and joao.tier is Tier.STANDARD and joao.name == "João"


async def test_demo_directory(repo_root: Path, policy: Policy) -> None:
    directory = CsvDirectory(repo_root / "bot" / "demo" / "customers.csv", policy)
    expected = {
        1001: ("Carla Souza", Tier.PREMIUM),
        1002: ("João Lima", Tier.BASIC),
        1003: ("Mary Smith", Tier.STANDARD),
        1004: ("Lucía Gómez", Tier.PREMIUM),
    }
    for telegram_id, (name, tier) in expected.items():
        found = await directory.by_telegram_id(telegram_id)
        assert found is not None and (found.name, found.tier) == (name, tier)
    everyone = [await directory.by_subscriber_id(f"SUB-{n}") for n in range(1001, 1009)]
    assert all(s is not None and s.phone and s.phone.startswith("+55") for s in everyone)
    assert {s.tier for s in everyone if s} == set(Tier)
    assert [s.status for s in everyone if s].count("suspended") == 1
