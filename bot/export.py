"""`closeloop export TABLE`: the records as CSV, JSON or XLSX, one row per record.

JSON is a list of objects whose keys are the CSV header, so every format carries the same columns.
Structured cells (a lead's fired rules, a decision's reasons and candidates) are flattened into short
text a spreadsheet can filter on, e.g. `region(region=East);open_leads(open=2,cap=5)`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Customer, LeadDecision, LeadRecord

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
}


def _cell(value: Any) -> Any:
    """One value as all three formats show it: ISO times in UTC, lists joined by `;`."""
    if isinstance(value, datetime):
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
