"""`closeloop import payments FILE`: every row checked first, then all recorded or none, on each database.

The command runs as a subprocess, as finance runs it, against a contract the desks signed:
C-2026-0001 (quote Q-2026-0001), 100,000 CNY in two instalments of 30,000 and 70,000.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from domain.quotes import PaymentTerms
from storage.db import Database
from storage.models import Contract, OutboxMessage, Payment
from tests.storage.test_contract_desk import signed
from tests.test_surface import closeloop

CHINESE_CSV = """\
合同编号,流水号,金额,币种,到账日期,付款方
C-2026-0001,BANK-1,"30,000",CNY,2026/12/07,华东机械

q-2026-0001,BANK-2,2万,,2026-12-08T09:30:00+08:00,
"""


@pytest.fixture
async def contract_db(database_url: str) -> str:
    """The test database with C-2026-0001 signed in it."""
    database = Database(database_url)
    try:
        await database.upgrade()
        await signed(database, PaymentTerms(Decimal(30), net_days=30))
    finally:
        await database.dispose()
    return database_url


def run_import(tmp_path: Path, database_url: str, *args: str, lang: str = "en"):
    env = {"DATABASE_URL": database_url, "CLOSELOOP_LANG": lang, "CLOSELOOP_TZ": "Asia/Shanghai"}
    return closeloop("import", "payments", *args, cwd=tmp_path, env=env)


async def stored(database_url: str) -> tuple[list[Payment], Decimal, int]:
    """The payments, what the contract has been paid, and how many owner notes are queued."""
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            payments = list(await session.scalars(select(Payment).order_by(Payment.id)))
            paid = await session.scalar(select(Contract.paid))
            notes = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "payment_note"))
            return payments, paid, len(notes.all())
    finally:
        await database.dispose()


async def test_a_chinese_csv_is_checked_in_a_dry_run_then_recorded_once(
    tmp_path: Path, contract_db: str
) -> None:
    path = tmp_path / "回款.csv"
    path.write_text(CHINESE_CSV, encoding="utf-8")

    dry = run_import(tmp_path, contract_db, str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "line 2: BANK-1 → C-2026-0001, CNY 30,000.00; CNY 70,000.00 still owed",
        "line 4: BANK-2 → C-2026-0001, CNY 20,000.00; CNY 50,000.00 still owed",
        "2 rows: would record 2 (CNY 50,000.00), 0 already recorded; run again without --dry-run to record them",
    ]
    assert await stored(contract_db) == ([], Decimal(0), 0)

    done = run_import(tmp_path, contract_db, str(path), lang="zh")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "共 2 行：已登记 2 笔（¥50,000.00），0 笔此前已登记"
    payments, paid, notes = await stored(contract_db)
    assert [(p.reference, p.amount, p.source, p.payer) for p in payments] == [
        ("BANK-1", Decimal("30000.00"), "import", "华东机械"),
        ("BANK-2", Decimal("20000.00"), "import", None),
    ]
    midnight_in_shanghai = datetime(2026, 12, 6, 16, 0, tzinfo=UTC)  # a day alone, in CLOSELOOP_TZ
    assert payments[0].paid_at.astimezone(UTC) == midnight_in_shanghai
    assert payments[1].paid_at.astimezone(UTC) == datetime(2026, 12, 8, 1, 30, tzinfo=UTC)
    assert (paid, notes) == (Decimal("50000.00"), 2)

    again = run_import(tmp_path, contract_db, str(path))
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "line 2: BANK-1 already recorded on C-2026-0001",
        "line 4: BANK-2 already recorded on C-2026-0001",
        "2 rows: recorded 0 (0), 2 already recorded",
    ]
    again_payments, paid, notes = await stored(contract_db)
    assert [p.id for p in again_payments] == [p.id for p in payments]
    assert (paid, notes) == (Decimal("50000.00"), 2)


async def test_an_xlsx_with_numbers_in_its_cells_is_recorded(tmp_path: Path, contract_db: str) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Contract", "Reference", "Amount", "Paid at", "Payer"])
    sheet.append(["C-2026-0001", 20261207001, 1234.56, datetime(2026, 12, 7, 15, 0), "ACME"])
    path = tmp_path / "payments.xlsx"
    workbook.save(path)

    result = run_import(tmp_path, contract_db, str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "1 row: recorded 1 (CNY 1,234.56), 0 already recorded"
    [payment], paid, _ = await stored(contract_db)
    assert (payment.reference, payment.amount, paid) == (
        "20261207001",
        Decimal("1234.56"),
        Decimal("1234.56"),
    )


async def test_one_bad_row_is_named_by_file_and_line_and_nothing_is_recorded(
    tmp_path: Path, contract_db: str
) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "contract,reference,amount\n"
        "C-2026-0001,OK-1,30000\n"  # good on its own: must not be recorded either
        "C-2026-0099,OK-2,100\n"
        "C-2026-0001,OK-3,lots\n"
        "\n"
        "C-2026-0001,OK-4,60000\n"
        "C-2026-0001,OK-5,10001\n",  # with the rows above, more than the 100,000 owed
        encoding="utf-8",
    )
    result = run_import(tmp_path, contract_db, str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{path}:3: contract: no contract C-2026-0099")
    assert lines[1] == f"{path}:4: amount: 'lots' is not an amount; write 30000, 30,000.50 or 3万"
    assert (
        lines[2] == f"{path}:7: amount: 10001 CNY is more than the 10000.00 CNY still owed on this contract"
    )
    assert len(lines) == 3
    assert result.stdout.strip() == "5 rows: 3 bad rows; nothing recorded: fix them and run again"
    assert await stored(contract_db) == ([], Decimal(0), 0)


def test_a_file_without_the_amount_column_is_refused_at_its_header(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text("合同号,交易号\nC-2026-0001,X\n", encoding="utf-8")
    result = closeloop("import", "payments", str(path), cwd=tmp_path, env={"CLOSELOOP_LANG": "en"})
    assert result.returncode == 2
    assert result.stderr.strip() == f"{path}:1: no amount column; name it amount / 金额"
