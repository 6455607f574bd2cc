"""`closeloop export TABLE`: the records as CSV, JSON or XLSX, one row per record.

JSON is a list of objects whose keys are the CSV header, so every format carries the same columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity, Customer

Row = dict[str, Any]
Exporter = Callable[[AsyncSession], Awaitable[list[Row]]]
FORMATS = ("csv", "json", "xlsx")


ACTIVITY_COLUMNS = (
    "id", "team_id", "source", "channel_id", "thread_ts", "message_ts", "permalink", "author_id", "customer",
    "activity_type", "summary", "full_text", "signals", "next_action", "due_at", "blocker", "created_at",
    "updated_at",
)  # fmt: skip


async def _activities(session: AsyncSession) -> list[Row]:
    rows = await session.execute(
        select(Activity, Customer.name)
        .outerjoin(Customer, Customer.id == Activity.customer_id)
        .order_by(Activity.id)
    )
    return [
        {column: name if column == "customer" else getattr(a, column) for column in ACTIVITY_COLUMNS}
        for a, name in rows
    ]


@dataclass(frozen=True)
class Export:
    """A table as exported: its columns (the CSV header) and how to read its rows."""

    columns: tuple[str, ...]
    fetch: Exporter


EXPORTS: dict[str, Export] = {"activities": Export(ACTIVITY_COLUMNS, _activities)}


def _cell(value: Any) -> Any:
    """One value as all three formats show it: ISO times in UTC, lists joined by `;`."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


def to_bytes(columns: tuple[str, ...], rows: list[Row], fmt: str) -> bytes:
    """Serialise rows in `fmt` (csv, json or xlsx), columns in the export's order."""
    header = list(columns)
    flat = [{k: _cell(row[k]) for k in header} for row in rows]
    if fmt == "json":
        return (json.dumps(flat, ensure_ascii=False, indent=2) + "\n").encode()
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
