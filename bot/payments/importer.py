"""Payment files (CSV or XLSX) read into payments, each row kept with its line in the file or its problems.

The header row names the columns in English or Chinese, as a bank statement or an ERP export writes
them: contract (合同编号, 合同号), reference (流水号, 交易号), amount (金额), currency (币种), paid_at
(付款日期, 到账日期), payer (付款方). Nothing here touches the database: the command line hands the
good rows to `usecases.payment_intake.receive_rows`, which tries them all in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from bot.i18n import t
from bot.render.money import format_money
from bot.table_files import BadRow, Cell, TableFileError, header_key, read_table
from usecases.payment_intake import RowOutcome, read_payment
from usecases.payments import PaymentError, PaymentInput

HEADER_FIELDS: dict[str, str] = {
    **{name: name for name in ("contract", "reference", "amount", "currency", "paid_at", "payer")},
    "合同编号": "contract",
    "合同号": "contract",
    "流水号": "reference",
    "交易号": "reference",
    "金额": "amount",
    "币种": "currency",
    "付款日期": "paid_at",
    "到账日期": "paid_at",
    "付款方": "payer",
}
REQUIRED = ("contract", "reference", "amount")


class PaymentFileError(TableFileError):
    """The file cannot be read as a list of payments at all; the message says what to fix."""


@dataclass(frozen=True)
class PaymentFile:
    """A file's rows: the payments read (with their line), the rows that are not, and the headers."""

    good: list[tuple[int, PaymentInput]]
    bad: list[BadRow]
    headers: dict[str, str]  # field -> the column's header as written

    def refused(self, line: int, error: PaymentError, lang: str) -> BadRow:
        """A row the use case refused, named like a row that could not be read."""
        name = self.headers.get(error.field, error.field)
        return BadRow(line, {name: t(lang, error.code, **error.params)})


def read_payment_file(path: Path, lang: str, tz: str, now: datetime) -> PaymentFile:
    """Every row of a CSV or XLSX payment file, read as the API reads one payment.

    Raises PaymentFileError when the file itself is unusable (type, encoding, header).
    """
    try:
        table = read_table(path, lang)
    except TableFileError as error:
        raise PaymentFileError(str(error)) from None
    if not table or all(cell is None for cell in table[0][1]):
        raise PaymentFileError(f"{path}:1: {t(lang, 'payments.import.no_header')}")
    fields = [HEADER_FIELDS.get(header_key(cell)) for cell in table[0][1]]
    headers: dict[str, str] = {}  # the first column naming a field is the one read
    for field, cell in zip(fields, table[0][1], strict=True):
        if field is not None:
            headers.setdefault(field, str(cell).strip())
    for required in REQUIRED:
        if required not in headers:
            raise PaymentFileError(f"{path}:1: {_missing_column(required, lang)}")
    good: list[tuple[int, PaymentInput]] = []
    bad: list[BadRow] = []
    for line, cells in table[1:]:
        values = _row_values(fields, cells)
        if not values:
            continue
        payment, problems = read_payment(values, tz, now)
        if payment is None:
            bad.append(
                BadRow(line, {headers.get(p.field, p.field): t(lang, p.code, **p.params) for p in problems})
            )
        else:
            good.append((line, payment))
    return PaymentFile(good, bad, headers)


def _missing_column(field: str, lang: str) -> str:
    names = [name for name, target in HEADER_FIELDS.items() if target == field]
    return t(
        lang,
        "payments.import.no_column",
        column=t(lang, f"payments.import.column.{field}"),
        names=" / ".join(names),
    )


def _row_values(fields: list[str | None], cells: list[Cell | None]) -> dict[str, Cell]:
    """A row's non-empty cells by field; the first of two columns for one field wins."""
    values: dict[str, Cell] = {}
    for field, cell in zip(fields, cells, strict=False):
        if field is not None and cell is not None:
            values.setdefault(field, cell)
    return values


def outcome_line(outcome: RowOutcome, lang: str) -> str:
    """What became of a good row: recorded (or would be), or already recorded."""
    result = outcome.result
    assert result is not None
    if result.duplicate:
        return t(
            lang,
            "payments.import.already_line",
            line=outcome.line,
            reference=outcome.reference,
            contract=result.contract,
        )
    return t(
        lang,
        "payments.import.recorded_line",
        line=outcome.line,
        reference=outcome.reference,
        contract=result.contract,
        amount=format_money(outcome.amount, outcome.currency, lang),
        outstanding=format_money(result.outstanding, outcome.currency, lang),
    )


def total_text(outcomes: Sequence[RowOutcome], lang: str) -> str:
    """The new rows' money, one sum per currency: `CNY 100,000.00`, or `CNY 1.00 + USD 2.00`."""
    sums: dict[str, Decimal] = {}
    for outcome in outcomes:
        if outcome.result is not None and not outcome.result.duplicate:
            sums[outcome.currency] = sums.get(outcome.currency, Decimal(0)) + outcome.amount
    return (
        " + ".join(format_money(amount, currency, lang) for currency, amount in sorted(sums.items())) or "0"
    )
