"""The roster changes made in Slack, kept per team on top of the rules file's roster."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.leads import RepOverride
from storage.models import RepSetting
from storage.upsert import insert_into


async def overrides(session: AsyncSession, team_id: str) -> dict[str, RepOverride]:
    """Each changed rep's override."""
    rows = await session.scalars(select(RepSetting).where(RepSetting.team_id == team_id))
    return {
        row.user_id: RepOverride(
            away=row.away,
            regions=None if row.regions is None else frozenset(row.regions),
            industries=None if row.industries is None else frozenset(row.industries),
            weight=row.weight,
            status_away=row.status_away,
        )
        for row in rows
    }


async def change(
    session: AsyncSession, team_id: str, user_id: str, changes: dict[str, Any], by: str, now: datetime
) -> None:
    """Record a change (e.g. `{"away": True}`), keeping the rep's other changes."""
    values = changes | {"updated_by": by, "updated_at": now}
    statement = insert_into(session, RepSetting).values(team_id=team_id, user_id=user_id, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=["team_id", "user_id"], set_=values))
