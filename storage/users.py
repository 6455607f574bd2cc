"""What the bot remembers about people: name, language and time zone, refreshed daily."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SlackUser
from storage.upsert import insert_into

FRESH_FOR = timedelta(days=1)


async def cached(session: AsyncSession, team_id: str, user_id: str, now: datetime) -> SlackUser | None:
    """The remembered profile, unless it is older than a day."""
    user = await session.get(SlackUser, (team_id, user_id), populate_existing=True)
    return user if user is not None and now - user.fetched_at < FRESH_FOR else None


async def remembered(session: AsyncSession, team_id: str, user_id: str) -> SlackUser | None:
    """The remembered profile, however old: better than nothing when Slack cannot be asked."""
    return await session.get(SlackUser, (team_id, user_id), populate_existing=True)


async def zone_of(session: AsyncSession, team_id: str, user_id: str, default: str) -> str:
    """Where someone is, as last seen (however long ago), else `default`: for deadlines written in a
    transaction that must not wait for Slack."""
    known = await remembered(session, team_id, user_id)
    return (known.tz if known else None) or default


async def remember(
    session: AsyncSession,
    *,
    team_id: str,
    user_id: str,
    name: str,
    locale: str | None,
    tz: str | None,
    is_bot: bool,
    now: datetime,
    deleted: bool = False,
) -> None:
    """Store a profile read from `users.info`."""
    values = {
        "name": name,
        "locale": locale,
        "tz": tz,
        "is_bot": is_bot,
        "deleted": deleted,
        "fetched_at": now,
    }
    statement = insert_into(session, SlackUser).values(team_id=team_id, user_id=user_id, **values)
    await session.execute(statement.on_conflict_do_update(index_elements=["team_id", "user_id"], set_=values))


async def many(session: AsyncSession, team_id: str, user_ids: list[str]) -> dict[str, SlackUser]:
    """The remembered profiles of several people at once (for a morning of to-do cards)."""
    found: dict[str, SlackUser] = {}
    for start in range(0, len(user_ids), 500):
        rows = await session.scalars(
            select(SlackUser).where(
                SlackUser.team_id == team_id, SlackUser.user_id.in_(user_ids[start : start + 500])
            )
        )
        found |= {row.user_id: row for row in rows}
    return found
