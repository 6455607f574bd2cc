"""`closeloop export TABLE`: the records as CSV, JSON or XLSX, one row per record.

JSON is a list of objects whose keys are the CSV header, so every format carries the same columns.
Structured cells (a lead's fired rules, a decision's reasons and candidates, a task's ladder and whom
it told) are flattened into short text a spreadsheet can filter on, e.g.
`region(region=East);open_leads(open=2,cap=5)`. `notifications` is the outbox: every message kept, sent,
pending or given up, with its dedupe key and recipient.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.approvals import ChainStep
from domain.quotes import QuoteContent
from storage.models import (
    Activity,
    ApprovalEvent,
    Contract,
    Customer,
    Deal,
    Instalment,
    LeadDecision,
    LeadRecord,
    OutboxMessage,
    Payment,
    Quote,
    QuoteVersion,
    Task,
)

Row = dict[str, Any]
Exporter = Callable[[AsyncSession], Awaitable[list[Row]]]
FORMATS = ("csv", "json", "xlsx")


ACTIVITY_COLUMNS = (
    "id", "team_id", "source", "channel_id", "thread_ts", "message_ts", "permalink", "author_id", "customer",
    "activity_type", "summary", "full_text", "signals", "next_action", "due_at", "blocker", "created_at",
    "updated_at",
)  # fmt: skip


LEAD_COLUMNS = (
    "id", "team_id", "company", "contact", "phone", "email", "region", "industry", "source", "budget_min",
    "budget_max", "urgency", "signals", "notes", "score", "grade", "fired_rules", "pool_id", "status", "owner_id",
    "assigned_at", "first_contact_at", "released_from", "card_channel", "card_ts", "created_at",
    "updated_at",
)  # fmt: skip

ASSIGNMENT_COLUMNS = (
    "id", "lead_id", "company", "kind", "decided_at", "actor_id", "pool_id", "mode", "outcome", "owner_id",
    "grade", "reasons", "candidates",
)  # fmt: skip


TASK_COLUMNS = (
    "id", "team_id", "kind", "subject_id", "owner_id", "title", "customer", "due_at", "state", "snoozed_until",
    "ladder", "step", "next_step_at", "told", "acknowledged_by", "acknowledged_at", "closed_by", "closed_at",
    "created_at",
)  # fmt: skip

NOTIFICATION_COLUMNS = (
    "id", "dedupe_key", "kind", "team_id", "recipient", "thread_ts", "created_at", "sent_at", "state", "error",
    "attempts",
)  # fmt: skip


DEAL_COLUMNS = (
    "id", "team_id", "title", "customer", "value", "currency", "stage", "expected_close", "owner_id", "lead_id",
    "channel_id", "last_activity_at", "created_by", "created_at", "closed_at",
)  # fmt: skip

QUOTE_COLUMNS = (
    "number", "version", "deal_id", "customer", "owner_id", "currency", "subtotal", "discount_pct", "total",
    "prepayment_pct", "remainder", "net_days", "special_terms", "valid_until", "lines", "chain", "state",
    "submitted_by", "submitted_at", "decided_at",
)  # fmt: skip

APPROVAL_COLUMNS = (
    "id", "quote", "version", "step", "event", "actor_id", "on_behalf_of", "reason", "at",
)  # fmt: skip

CONTRACT_COLUMNS = (
    "number", "quote", "deal_id", "customer", "owner_id", "currency", "total", "paid", "outstanding",
    "signed_on", "delivery_on", "ends_on", "paid_on", "schedule", "level", "late_reasons", "missing",
    "awaiting_handover", "signed_by", "created_at",
)  # fmt: skip

PAYMENT_COLUMNS = (
    "id", "contract", "customer", "reference", "amount", "currency", "paid_at", "payer", "source",
    "recorded_by", "applied", "outstanding", "created_at",
)  # fmt: skip


def _row(record: object, columns: tuple[str, ...], **computed: Any) -> Row:
    """The record's attributes named by `columns`, except those given in `computed`."""
    return {column: computed[column] if column in computed else getattr(record, column) for column in columns}


async def _activities(session: AsyncSession) -> list[Row]:
    rows = await session.execute(
        select(Activity, Customer.name)
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .order_by(Activity.id)
    )
    return [_row(activity, ACTIVITY_COLUMNS, customer=name) for activity, name in rows]


async def _leads(session: AsyncSession) -> list[Row]:
    leads = await session.scalars(select(LeadRecord).order_by(LeadRecord.id))
    return [
        _row(lead, LEAD_COLUMNS, fired_rules=[f"{rule['id']}:{rule['points']}" for rule in lead.fired_rules])
        for lead in leads
    ]


async def _assignments(session: AsyncSession) -> list[Row]:
    rows = await session.execute(
        select(LeadDecision, LeadRecord.company)
        .join(LeadRecord, LeadRecord.id == LeadDecision.lead_id)
        .order_by(LeadDecision.id)
    )
    return [
        _row(
            decision,
            ASSIGNMENT_COLUMNS,
            company=company,
            reasons=[_reason_text(reason) for reason in decision.reasons],
            candidates=[_candidate_text(candidate) for candidate in decision.candidates],
        )
        for decision, company in rows
    ]


async def _tasks(session: AsyncSession) -> list[Row]:
    tasks = await session.scalars(select(Task).order_by(Task.id))
    return [
        _row(
            task,
            TASK_COLUMNS,
            ladder=[_step_text(step) for step in task.steps],
            told=[_told_text(told) for told in task.told],
        )
        for task in tasks
    ]


async def _notifications(session: AsyncSession) -> list[Row]:
    messages = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    return [
        _row(message, NOTIFICATION_COLUMNS, recipient=message.channel, error=message.last_error)
        for message in messages
    ]


async def _deals(session: AsyncSession) -> list[Row]:
    rows = await session.execute(
        select(Deal, Customer.name).join(Customer, Customer.id == Deal.customer_id).order_by(Deal.id)
    )
    return [_row(deal, DEAL_COLUMNS, customer=name) for deal, name in rows]


async def _quotes(session: AsyncSession) -> list[Row]:
    """Every version of every quote: what it offered, the chain chosen for it, and how it ended."""
    rows = await session.execute(
        select(Quote, QuoteVersion, Customer.name)
        .join(QuoteVersion, QuoteVersion.quote_id == Quote.id)
        .join(Deal, Deal.id == Quote.deal_id)
        .join(Customer, Customer.id == Deal.customer_id)
        .order_by(Quote.id, QuoteVersion.version)
    )
    exported = []
    for quote, version, customer in rows:
        content = QuoteContent.from_json(version.content)
        terms = content.terms
        exported.append(
            _row(
                version,
                QUOTE_COLUMNS,
                number=quote.number,
                deal_id=quote.deal_id,
                customer=customer,
                owner_id=quote.owner_id,
                subtotal=content.subtotal,
                discount_pct=content.discount_pct,
                total=content.total,
                prepayment_pct=terms.prepayment_pct,
                remainder=terms.remainder.value,
                net_days=terms.net_days,
                special_terms=terms.special,
                valid_until=content.valid_until,
                lines=[f"{x.product}×{x.quantity.normalize():f}@{x.unit_price:f}" for x in content.lines],
                chain=[_chain_text(step) for step in version.chain],
            )
        )
    return exported


async def _contracts(session: AsyncSession) -> list[Row]:
    """Every contract with its schedule, what is paid and owed, its worst dunning level and the reasons."""
    rows = (
        await session.execute(
            select(Contract, Quote.number, Customer.name)
            .join(Quote, Quote.id == Contract.quote_id)
            .join(Customer, Customer.id == Contract.customer_id)
            .order_by(Contract.id)
        )
    ).all()
    schedules: dict[int, list[Instalment]] = {}
    for instalment in await session.scalars(
        select(Instalment).order_by(Instalment.contract_id, Instalment.seq)
    ):
        schedules.setdefault(instalment.contract_id, []).append(instalment)
    levels = ("yellow", "orange", "red")
    result = []
    for contract, quote, customer in rows:
        parts = schedules.get(contract.id, [])
        worst = max((levels.index(i.level) for i in parts if i.level), default=None)
        result.append(
            _row(
                contract,
                CONTRACT_COLUMNS,
                quote=quote,
                customer=customer,
                outstanding=contract.total - contract.paid,
                schedule=";".join(f"{i.seq}:{i.part}:{i.amount}:{i.due_on}:paid={i.paid}" for i in parts),
                level=levels[worst] if worst is not None else "",
                late_reasons=";".join(f"{i.seq}:{i.reason}" for i in parts if i.reason),
                missing=",".join(contract.missing),
                awaiting_handover=contract.handover_id is not None,
            )
        )
    return result


async def _payments(session: AsyncSession) -> list[Row]:
    rows = await session.execute(
        select(Payment, Contract.number, Customer.name)
        .join(Contract, Contract.id == Payment.contract_id)
        .join(Customer, Customer.id == Contract.customer_id)
        .order_by(Payment.id)
    )
    return [
        _row(
            payment,
            PAYMENT_COLUMNS,
            contract=number,
            customer=name,
            applied=";".join(f"{a['instalment']}:{a['amount']}" for a in payment.applied),
        )
        for payment, number, name in rows
    ]


def _chain_text(step: dict[str, Any]) -> str:
    """`manager:needed(always)`, `legal:skipped(skipped_by:terms=cash_on_delivery)`."""
    chosen = ChainStep.from_json(step)
    reasons = ",".join(reason.summary for reason in chosen.reasons)
    return f"{chosen.id}:{'needed' if chosen.needed else 'skipped'}({reasons})"


async def _approvals(session: AsyncSession) -> list[Row]:
    """The approval ledger: every submission, decision, skip and delegation, with who acted for whom."""
    rows = await session.execute(
        select(ApprovalEvent, Quote.number)
        .join(Quote, Quote.id == ApprovalEvent.quote_id)
        .order_by(ApprovalEvent.id)
    )
    return [_row(event, APPROVAL_COLUMNS, quote=number, event=event.kind) for event, number in rows]


def _step_text(step: dict[str, Any]) -> str:
    """`owner+24h`, `manager+1wd` (working days), `director+3wd+2h`: a ladder step as the rules file says it."""
    days, hours = int(step.get("working_days") or 0), float(step.get("hours") or 0)
    offsets = ([f"{days}wd"] if days else []) + ([f"{hours:g}h"] if hours or not days else [])
    return "+".join([str(step["rung"]), *offsets])


def _told_text(told: dict[str, Any]) -> str:
    """`UBOSS(step=2,at=2026-12-08T01:00:00+00:00)`: whom the ladder's 2nd step reached, and when (UTC)."""
    at = datetime.fromisoformat(told["at"]).astimezone(UTC).isoformat()
    again = f"round={int(told['round']) + 1}," if told.get("round") else ""  # a ladder started over
    return f"{told['user']}({again}step={int(told['step']) + 1},at={at})"


def _reason_text(reason: dict[str, Any]) -> str:
    """`open_leads(open=2,cap=5)`, or the bare code when the reason has no figures."""
    params = ",".join(f"{name}={value}" for name, value in reason.get("params", {}).items())
    return f"{reason['code']}({params})" if params else reason["code"]


def _candidate_text(candidate: dict[str, Any]) -> str:
    """`UALICE:eligible#1` (rank), `UBOB:skipped:at_cap` (first reason), else `USER:verdict`."""
    user, verdict = candidate["user_id"], candidate["verdict"]
    if verdict == "eligible":
        return f"{user}:eligible#{candidate['rank']}"
    if verdict == "skipped":
        return f"{user}:skipped:{candidate['reason']['code']}"
    return f"{user}:{verdict}"


@dataclass(frozen=True)
class Export:
    """A table as exported: its columns (the CSV header) and how to read its rows."""

    columns: tuple[str, ...]
    fetch: Exporter


EXPORTS: dict[str, Export] = {
    "activities": Export(ACTIVITY_COLUMNS, _activities),
    "leads": Export(LEAD_COLUMNS, _leads),
    "assignments": Export(ASSIGNMENT_COLUMNS, _assignments),
    "tasks": Export(TASK_COLUMNS, _tasks),
    "notifications": Export(NOTIFICATION_COLUMNS, _notifications),
    "deals": Export(DEAL_COLUMNS, _deals),
    "quotes": Export(QUOTE_COLUMNS, _quotes),
    "approvals": Export(APPROVAL_COLUMNS, _approvals),
    "contracts": Export(CONTRACT_COLUMNS, _contracts),
    "payments": Export(PAYMENT_COLUMNS, _payments),
}


def _cell(value: Any) -> Any:
    """One value as all three formats show it: ISO times in UTC, lists joined by `;`."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def _json_money(value: object) -> str:
    """Money in JSON is a string ("50000.00"): a JSON number would be read back as a rounded float.

    CSV writes the same digits and XLSX keeps a number a spreadsheet can sum, so only JSON needs this.
    """
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot export {type(value).__name__} as JSON")


def to_bytes(columns: tuple[str, ...], rows: list[Row], fmt: str) -> bytes:
    """Serialise rows in `fmt` (csv, json or xlsx), columns in the export's order."""
    header = list(columns)
    flat = [{k: _cell(row[k]) for k in header} for row in rows]
    if fmt == "json":
        return (json.dumps(flat, ensure_ascii=False, indent=2, default=_json_money) + "\n").encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header)
        writer.writeheader()
        writer.writerows(flat)
        return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read Chinese correctly
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in flat:
        sheet.append([row[k] for k in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
