"""Pick up where the last console session stopped: its people, its messages, and the ts values taken.

The thread store and the people cache are the bot's own tables; reading them back gives a second
session the same threads (so `/thread 1` still works) without the console keeping any file of its own.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from bot.console.workspace import Member, Message, Workspace
from storage.db import Database
from storage.models import Activity, SlackMessage, SlackUser


async def restore_members(database: Database, workspace: Workspace, tz: str) -> None:
    """Everyone the bot has looked up in this team before, as people the console knows."""
    async with database.sessions() as session:
        rows = await session.scalars(
            select(SlackUser).where(SlackUser.team_id == workspace.team_id, SlackUser.is_bot.is_(False))
        )
        for row in rows:
            name = row.name or row.user_id
            workspace.add_member(Member(row.user_id, name, name, name, row.locale, row.tz or tz))


async def restore_messages(database: Database, workspace: Workspace, channel_ids: Collection[str]) -> None:
    """The messages the thread store still holds for these channels, numbered in posting order."""
    async with database.sessions() as session:
        rows = await session.scalars(
            select(SlackMessage)
            .where(
                SlackMessage.team_id == workspace.team_id,
                SlackMessage.channel_id.in_(channel_ids),
                SlackMessage.user_id.is_not(None),
            )
            .order_by(SlackMessage.posted_at, SlackMessage.ts)
        )
        for row in rows:
            if workspace.find(row.channel_id, row.ts) is None:
                thread_ts = row.thread_ts if row.thread_ts != row.ts else None
                workspace.add_message(Message(row.channel_id, row.ts, row.text, row.user_id, thread_ts))
        taken = [
            await session.scalar(
                select(func.max(SlackMessage.ts)).where(SlackMessage.team_id == workspace.team_id)
            ),
            await session.scalar(
                select(func.max(Activity.card_ts)).where(Activity.team_id == workspace.team_id)
            ),
        ]
    for ts in taken:
        if ts:
            workspace.keep_ts_after(ts)
