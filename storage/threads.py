"""The thread store: messages the bot has seen, so archiving needs no history reads.

Slack allows apps outside its Marketplace one `conversations.replies` call a minute, so closeloop
keeps channel messages as they arrive and archives from here; unarchived messages are purged after
the retention period.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.conversation import SeenMessage
from storage.models import SlackMessage
from storage.upsert import insert_into


async def save_message(session: AsyncSession, message: SeenMessage) -> None:
    """Store a message, or its new text when it was edited."""
    statement = insert_into(session, SlackMessage).values(
        team_id=message.team_id,
        channel_id=message.channel_id,
        ts=message.ts,
        thread_ts=message.thread_ts,
        user_id=message.user_id,
        is_bot=message.is_bot,
        text=message.text,
        posted_at=message.posted_at,
        archived=False,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["channel_id", "ts"],
            set_={"text": statement.excluded.text, "thread_ts": statement.excluded.thread_ts},
        )
    )


async def delete_message(session: AsyncSession, channel_id: str, ts: str) -> None:
    """Forget a message its author deleted."""
    await session.execute(
        delete(SlackMessage).where(SlackMessage.channel_id == channel_id, SlackMessage.ts == ts)
    )


async def thread_messages(session: AsyncSession, channel_id: str, thread_ts: str) -> list[SeenMessage]:
    """The thread's messages in posting order (the root first)."""
    rows = await session.scalars(
        select(SlackMessage)
        .where(SlackMessage.channel_id == channel_id, SlackMessage.thread_ts == thread_ts)
        .order_by(SlackMessage.posted_at, SlackMessage.ts)
    )
    return [
        SeenMessage(r.team_id, r.channel_id, r.ts, r.thread_ts, r.user_id, r.is_bot, r.text) for r in rows
    ]


async def mark_archived(session: AsyncSession, channel_id: str, thread_ts: str, archived: bool) -> None:
    """Keep (or release for purging) the messages of an archived thread."""
    await session.execute(
        update(SlackMessage)
        .where(SlackMessage.channel_id == channel_id, SlackMessage.thread_ts == thread_ts)
        .values(archived=archived)
    )


async def purge_unarchived(session: AsyncSession, before: datetime) -> int:
    """Delete messages never archived and older than `before`; returns how many."""
    result = await session.execute(
        delete(SlackMessage).where(SlackMessage.archived.is_(False), SlackMessage.posted_at < before)
    )
    return result.rowcount or 0
