"""Deals: written by the deal desk, found by their card's thread when a record is filed there."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Deal


async def add(session: AsyncSession, deal: Deal) -> Deal:
    """A new deal, with its id."""
    session.add(deal)
    await session.flush()
    return deal


async def get(session: AsyncSession, deal_id: int, *, for_update: bool = False) -> Deal | None:
    """One deal, locked for the caller's transaction when asked."""
    query = select(Deal).where(Deal.id == deal_id).execution_options(populate_existing=True)
    return await session.scalar(query.with_for_update() if for_update else query)


async def of_lead(session: AsyncSession, lead_id: int) -> Deal | None:
    """The deal a lead became, if it did."""
    return await session.scalar(select(Deal).where(Deal.lead_id == lead_id))


async def by_card(session: AsyncSession, channel_id: str, ts: str | None) -> Deal | None:
    """The deal whose card starts the thread at (`channel_id`, `ts`): a record filed there is the deal's."""
    if ts is None:
        return None
    return await session.scalar(select(Deal).where(Deal.card_channel == channel_id, Deal.card_ts == ts))


async def open_of(session: AsyncSession, team_id: str, owner_id: str) -> list[Deal]:
    """An owner's open deals, newest first (the quote form's choice)."""
    query = (
        select(Deal)
        .where(Deal.team_id == team_id, Deal.owner_id == owner_id, Deal.closed_at.is_(None))
        .order_by(Deal.id.desc())
        .limit(100)
    )
    return list(await session.scalars(query))
