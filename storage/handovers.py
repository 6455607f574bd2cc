"""Handovers: what a leaving rep owns, the handover row, and its confirmation.

What a rep owns is read once for the preview and once, locked, for the move: two managers confirming
the same handover at once find the rows the first one moved no longer theirs, and move nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from storage.models import Contract, Deal, Handover, LeadRecord, Quote

PENDING, CONFIRMED = "pending", "confirmed"
_Row = TypeVar("_Row", LeadRecord, Deal, Quote, Contract)


@dataclass(frozen=True)
class Owned:
    """A rep's leads, deals, quotes and contracts, oldest first."""

    leads: list[LeadRecord]
    deals: list[Deal]
    quotes: list[Quote]
    contracts: list[Contract]


async def owned_by(session: AsyncSession, team_id: str, owner_id: str, *, lock: bool) -> Owned:
    """Everything `owner_id` owns in the team; with `lock`, held for the caller's transaction."""

    async def rows(model: type[_Row]) -> list[_Row]:
        query: Select[Any] = (
            select(model)
            .where(model.team_id == team_id, model.owner_id == owner_id)
            .order_by(model.id)
            .execution_options(populate_existing=True)
        )
        return list(await session.scalars(query.with_for_update() if lock else query))

    return Owned(await rows(LeadRecord), await rows(Deal), await rows(Quote), await rows(Contract))


async def add(session: AsyncSession, handover: Handover) -> Handover:
    session.add(handover)
    await session.flush()
    return handover


async def get(session: AsyncSession, handover_id: int, *, for_update: bool = False) -> Handover | None:
    query = select(Handover).where(Handover.id == handover_id).execution_options(populate_existing=True)
    return await session.scalar(query.with_for_update() if for_update else query)


async def confirm(session: AsyncSession, handover: Handover, now: datetime) -> bool:
    """Compare-and-set: pending → confirmed, and its contracts count for their new owner; False when
    another click confirmed it first."""
    result = await session.execute(
        update(Handover)
        .where(Handover.id == handover.id, Handover.state == PENDING)
        .values(state=CONFIRMED, confirmed_at=now)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return False
    await session.execute(
        update(Contract)
        .where(Contract.handover_id == handover.id)
        .values(handover_id=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return True


async def handed_over_from(session: AsyncSession, team_id: str, user_id: str) -> bool:
    """Whether `user_id`'s work was ever handed over: they left the team."""
    query = select(Handover.id).where(Handover.team_id == team_id, Handover.from_id == user_id).limit(1)
    return await session.scalar(query) is not None
