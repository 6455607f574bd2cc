"""Delegations of approvals: who decides for whom, until when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delegation


async def in_force(session: AsyncSession, team_id: str, now: datetime) -> list[Delegation]:
    """The team's delegations running at `now`."""
    query = select(Delegation).where(
        Delegation.team_id == team_id, Delegation.ended_at.is_(None), Delegation.until_at > now
    )
    return list(await session.scalars(query.order_by(Delegation.id)))


def as_map(delegations: list[Delegation]) -> dict[str, str]:
    """Each delegating person → their delegate (the newest delegation wins)."""
    return {d.from_id: d.to_id for d in delegations}


async def of(session: AsyncSession, team_id: str, from_id: str, now: datetime) -> Delegation | None:
    """`from_id`'s delegation in force at `now`, locked: it is about to change."""
    query = (
        select(Delegation)
        .where(
            Delegation.team_id == team_id,
            Delegation.from_id == from_id,
            Delegation.ended_at.is_(None),
            Delegation.until_at > now,
        )
        .order_by(Delegation.id.desc())
        .with_for_update()
    )
    return await session.scalar(query)


async def add(session: AsyncSession, delegation: Delegation) -> Delegation:
    session.add(delegation)
    await session.flush()
    return delegation


async def ran_out(session: AsyncSession, now: datetime, limit: int = 200) -> list[Delegation]:
    """Delegations whose date has passed and whose approvals are not yet handed back."""
    query = (
        select(Delegation)
        .where(Delegation.ended_at.is_(None), Delegation.until_at <= now)
        .order_by(Delegation.until_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(query))
