"""The thread store: messages the bot has seen, so archiving needs no history reads.

Slack allows apps outside its Marketplace one `conversations.replies` call a minute, so closeloop
keeps channel messages as they arrive and archives from here; unarchived messages are purged after
the retention period.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.conversation import SeenMessage
from storage.models import SlackMessage
from storage.upsert import dialect_of, insert_for

_SEEN_COLUMNS = (
    SlackMessage.team_id,
    SlackMessage.channel_id,
    SlackMessage.ts,
    SlackMessage.thread_ts,
    SlackMessage.user_id,
    SlackMessage.is_bot,
    SlackMessage.text,
)


async def save_message(session: AsyncSession, message: SeenMessage) -> None:
    """Store a message, or its new text when it was edited."""
    await save_messages(session, [message])


async def save_messages(session: AsyncSession, messages: list[SeenMessage]) -> None:
    """Store several messages in one statement; of two copies of one message, the later one wins."""
    latest = {(m.channel_id, m.ts): m for m in messages}
    if not latest:
        return
    await session.execute(
        _save_statement(dialect_of(session)),
        [
            {
                "team_id": m.team_id,
                "channel_id": m.channel_id,
                "ts": m.ts,
                "thread_ts": m.thread_ts,
                "user_id": m.user_id,
                "is_bot": m.is_bot,
                "text": m.text,
                "posted_at": m.posted_at,
                "archived": False,
            }
            for m in latest.values()
        ],
    )


@cache
def _save_statement(dialect: str) -> Any:
    """`save_messages`' upsert, built once. The table, not the entity: the rows go straight to the
    driver, with no identity map to keep."""
    statement = insert_for(dialect, SlackMessage.__table__)
    return statement.on_conflict_do_update(
        index_elements=["channel_id", "ts"],
        set_={"text": statement.excluded.text, "thread_ts": statement.excluded.thread_ts},
    )


async def delete_message(session: AsyncSession, channel_id: str, ts: str) -> None:
    """Forget a message its author deleted."""
    await session.execute(
        delete(SlackMessage).where(SlackMessage.channel_id == channel_id, SlackMessage.ts == ts)
    )


async def has_message(session: AsyncSession, channel_id: str, ts: str) -> bool:
    """Whether the message at `ts` is stored (a thread's first message, say)."""
    found = await session.scalar(
        select(SlackMessage.id).where(SlackMessage.channel_id == channel_id, SlackMessage.ts == ts).limit(1)
    )
    return found is not None


async def thread_messages(session: AsyncSession, channel_id: str, thread_ts: str) -> list[SeenMessage]:
    """The thread's messages in posting order (the root first)."""
    # Columns, not entities: the messages are read once and never changed through the ORM.
    rows = await session.execute(
        select(*_SEEN_COLUMNS)
        .where(SlackMessage.channel_id == channel_id, SlackMessage.thread_ts == thread_ts)
        .order_by(SlackMessage.posted_at, SlackMessage.ts)
    )
    return [SeenMessage(*row) for row in rows]


async def mark_archived(session: AsyncSession, channel_id: str, thread_ts: str, archived: bool) -> None:
    """Keep (or release for purging) the messages of an archived thread."""
    # The table, not the entity: no session copies to keep in step (the thread is read as columns).
    messages = SlackMessage.__table__.c
    await session.execute(
        update(SlackMessage.__table__)
        .where(messages.channel_id == channel_id, messages.thread_ts == thread_ts)
        .values(archived=archived)
    )


async def purge_unarchived(session: AsyncSession, before: datetime) -> int:
    """Delete messages never archived and older than `before`; returns how many."""
    result = await session.execute(
        delete(SlackMessage).where(SlackMessage.archived.is_(False), SlackMessage.posted_at < before)
    )
    return result.rowcount or 0
