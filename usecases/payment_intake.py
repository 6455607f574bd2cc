"""Payments as the intake surfaces hand them in: fields read from a request, a form or a file row, a
request under an `Idempotency-Key`, a whole file in one transaction, and who may record by hand.

Every surface ends in `PaymentDesk.record`; this module only adds what one surface needs around it.
A key is claimed in the payment's own transaction, so a refused request leaves the key free; a file's
rows are all tried in one transaction that is kept only when no row was refused and it is not a dry
run, so a person sees every problem in one pass and a file lands whole or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from domain.money import parse_amount
from storage import idempotency
from storage.db import Database
from usecases.contracts import ContractDesk
from usecases.payments import PaymentDesk, PaymentError, PaymentInput, PaymentResult

IDEMPOTENCY_SCOPE = "payments"  # the `Idempotency-Key` namespace of payment intake
MAX_TEXT = 200
MAX_AMOUNT = Decimal(10) ** 15
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_SLASHED_DAY = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")


@dataclass(frozen=True)
class PaymentReply:
    """What an API caller is told: 201 for a new payment, 200 for a reference seen before."""

    status: int
    body: dict[str, Any]


def reply_for(result: PaymentResult) -> PaymentReply:
    """The answer for a payment, the same body for the first request and every replay of it."""
    return PaymentReply(200 if result.duplicate else 201, result.as_json())


def read_payment(
    values: Mapping[str, object], tz: str, now: datetime
) -> tuple[PaymentInput | None, list[PaymentError]]:
    """A payment from loosely typed fields (JSON, a form, a file row), or every field that is wrong.

    `amount` may be text as people write it (`80,000`, `12万`) or a number; `paid_at` is ISO-8601
    (a day alone is fine) and, without a zone, read in `tz`; it defaults to `now`.
    """
    problems: list[PaymentError] = []
    contract = _text(values, "contract", problems, required=True)
    reference = _text(values, "reference", problems, required=True)
    payer = _text(values, "payer", problems)
    currency = _text(values, "currency", problems)
    if currency is not None and not _CURRENCY.fullmatch(currency):
        problems.append(PaymentError("payment.error.currency_code", "currency", text=currency))
    amount = _amount(values.get("amount"), problems)
    paid_at = _moment(values.get("paid_at"), tz, now, problems)
    if problems or contract is None or reference is None or amount is None:
        return None, problems
    return PaymentInput(contract, reference, amount, paid_at, currency and currency.upper(), payer), []


def _text(
    values: Mapping[str, object], field: str, problems: list[PaymentError], *, required: bool = False
) -> str | None:
    value = values.get(field)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a spreadsheet's numeric transaction id
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(PaymentError("payment.error.required", field))
        return None
    if not isinstance(value, str):
        problems.append(PaymentError("payment.error.not_text", field))
        return None
    if "\x00" in value:  # PostgreSQL cannot store it, and no person typed it
        problems.append(PaymentError("payment.error.nul", field))
        return None
    if len(value.strip()) > MAX_TEXT:
        problems.append(PaymentError("payment.error.too_long", field, limit=MAX_TEXT))
        return None
    return value.strip()


def _amount(value: object, problems: list[PaymentError]) -> Decimal | None:
    if value is None or value == "":
        problems.append(PaymentError("payment.error.required", "amount"))
        return None
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        if isinstance(value, str):
            amount = parse_amount(value)
        elif isinstance(value, float):
            amount = Decimal(repr(value))  # a spreadsheet's number, as it displays
        elif isinstance(value, int | Decimal):
            amount = Decimal(value)
        else:
            raise ValueError(value)
    except (ValueError, InvalidOperation):
        problems.append(PaymentError("payment.error.amount_text", "amount", text=str(value)[:40]))
        return None
    if not amount.is_finite():
        problems.append(PaymentError("payment.error.amount_text", "amount", text=str(value)[:40]))
        return None
    if abs(amount) >= MAX_AMOUNT:  # beyond what the table stores, and what rounding to cents can hold
        problems.append(PaymentError("payment.error.amount_large", "amount"))
        return None
    return amount


def _moment(value: object, tz: str, now: datetime, problems: list[PaymentError]) -> datetime:
    if value is None or (isinstance(value, str) and not value.strip()):
        return now
    text = str(value).strip()
    slashed = _SLASHED_DAY.fullmatch(text)
    if slashed:  # 2026/12/07, as Chinese spreadsheets write days
        text = "-".join(part.zfill(2) for part in slashed.groups())
    try:
        if not isinstance(value, str | datetime):
            raise ValueError(value)
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        problems.append(PaymentError("payment.error.paid_at", "paid_at", text=text[:40]))
        return now
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def refuse_unless_allowed(contracts: ContractDesk, user_id: str) -> None:
    """Raise the private "not yours" refusal for anyone who may not record payments."""
    if not contracts.handles_money(user_id):
        raise PaymentError("payment.error.not_finance", "contract")


async def receive_keyed(
    db: Database,
    desk: PaymentDesk,
    team_id: str,
    payment: PaymentInput,
    now: datetime,
    key: str,
    request_hash: str,
) -> PaymentReply:
    """An API payment under an `Idempotency-Key`: the first request with the key does the work, the
    rest (at once or later) get its answer; the key with another request is refused (`key_reused`)."""
    async with db.sessions.begin() as session:
        stored = await idempotency.claim(session, IDEMPOTENCY_SCOPE, key, request_hash, now)
        if stored is not None:
            if stored.request_hash not in (None, request_hash):
                raise PaymentError("payment.error.key_reused", "idempotency_key")
            return PaymentReply(stored.status, stored.body)
        reply = reply_for(await desk.record(session, team_id, payment, "api", None, now))
        await idempotency.answer(session, IDEMPOTENCY_SCOPE, key, reply.status, reply.body)
        return reply


@dataclass(frozen=True)
class RowOutcome:
    """A file row's fate: what it recorded (or had been recorded before), or why it was refused."""

    line: int
    result: PaymentResult | None = None
    error: PaymentError | None = None
    reference: str = ""
    amount: Decimal = Decimal(0)
    currency: str = ""  # the contract's


async def receive_rows(
    db: Database,
    desk: PaymentDesk,
    team_id: str,
    rows: Sequence[tuple[int, PaymentInput]],
    by: str | None,
    now: datetime,
    *,
    commit: bool,
) -> list[RowOutcome]:
    """Try every row in file order in one transaction, each seeing the ones before it (two rows
    together may overpay a contract); keep it only with `commit` and no row refused."""
    outcomes: list[RowOutcome] = []
    async with db.sessions.begin() as session:
        for line, payment in rows:
            try:
                result = await desk.record(session, team_id, payment, "import", by, now)
            except PaymentError as error:
                outcomes.append(RowOutcome(line, error=error))
                continue
            outcomes.append(
                RowOutcome(line, result, None, payment.reference.strip(), payment.amount, result.currency)
            )
        if not commit or any(outcome.error for outcome in outcomes):
            await session.rollback()
    return outcomes
