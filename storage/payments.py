"""Payments received: a reference (the bank's or ERP's transaction id) is recorded once per team.

The unique key is the guard: of concurrent deliveries of one reference, one insert wins and the
others find its row, so a retried webhook or a re-imported file changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Payment
from storage.upsert import insert_into


async def by_reference(session: AsyncSession, team_id: str, reference: str) -> Payment | None:
    query = select(Payment).where(Payment.team_id == team_id, Payment.reference == reference)
    return await session.scalar(query.execution_options(populate_existing=True))


async def add(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """A new payment's id, or None when its reference is already recorded (nothing is written)."""
    statement = (
        insert_into(session, Payment.__table__)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["team_id", "reference"])
        .returning(Payment.__table__.c.id)
    )
    return await session.scalar(statement)


async def of_contract(session: AsyncSession, contract_id: int) -> list[Payment]:
    query = select(Payment).where(Payment.contract_id == contract_id).order_by(Payment.paid_at, Payment.id)
    return list(await session.scalars(query))


async def collected_between(
    session: AsyncSession, team_id: str, start: datetime, end: datetime
) -> list[Payment]:
    """Payments received in [start, end), for the month's figures."""
    query = select(Payment).where(Payment.team_id == team_id, Payment.paid_at >= start, Payment.paid_at < end)
    return list(await session.scalars(query))


async def listing(session: AsyncSession) -> list[Payment]:
    return list(await session.scalars(select(Payment).order_by(Payment.id)))


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Payment)) or 0)
