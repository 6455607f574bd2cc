"""Activity records (跟进记录): written once per archived thread, updated on re-archive or edit."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Activity
from storage.upsert import dialect_of, insert_for

DEFAULT_TYPE = "note"
_FIXED_ON_UPDATE = {"created_at", "team_id", "channel_id", "thread_ts", "author_id", "source"}
_KEPT_WHEN_UNSAID = ("customer_id", "permalink", "next_action", "lead_id", "deal_id")


@dataclass(frozen=True)
class ActivityDraft:
    """The fields an archive or a log command sets on a record."""

    team_id: str
    source: str
    channel_id: str
    thread_ts: str | None
    message_ts: str | None
    author_id: str
    customer_id: int | None
    activity_type: str | None
    summary: str
    full_text: str
    signals: list[str]
    next_action: str | None
    due_at: datetime | None
    blocker: str | None = None
    permalink: str | None = None
    lead_id: int | None = None
    deal_id: int | None = None


async def upsert_thread_record(session: AsyncSession, draft: ActivityDraft, now: datetime) -> Activity:
    """Create the thread's record, or update it: one record per thread, whatever Slack redelivers.

    A re-archive that leaves out the customer, the type or the next action keeps what the record had;
    the record stays its first archiver's.
    """
    values = asdict(draft) | {"created_at": now, "updated_at": now}
    values["activity_type"] = draft.activity_type or DEFAULT_TYPE
    upsert = _thread_upsert(dialect_of(session), draft.activity_type is None, draft.next_action is None)
    # The row as stored, in the same statement; a copy already in the session takes its values.
    return (await session.scalars(upsert, [values], execution_options={"populate_existing": True})).one()


@cache
def _thread_upsert(dialect: str, keep_type: bool, keep_due: bool) -> Any:
    """The upsert of a thread's record, built once per shape: the values go in as parameters, so the
    statement and its cache key are made once, not on every archive."""
    statement = insert_for(dialect, Activity)
    columns = [field.name for field in fields(ActivityDraft)] + ["created_at", "updated_at"]
    changed = {name: statement.excluded[name] for name in columns if name not in _FIXED_ON_UPDATE}
    for kept in _KEPT_WHEN_UNSAID:
        changed[kept] = func.coalesce(statement.excluded[kept], getattr(Activity, kept))
    if keep_type:
        changed["activity_type"] = Activity.activity_type
    if keep_due:  # the due date belongs to the next action it came with
        changed["due_at"] = Activity.due_at
    return statement.on_conflict_do_update(
        index_elements=["team_id", "channel_id", "thread_ts"], set_=changed
    ).returning(Activity)


async def create_logged(session: AsyncSession, draft: ActivityDraft, now: datetime) -> Activity:
    """A record from `/closeloop log`, which has no thread to key on."""
    activity = Activity(
        **asdict(draft) | {"activity_type": draft.activity_type or DEFAULT_TYPE},
        created_at=now,
        updated_at=now,
    )
    session.add(activity)
    await session.flush()
    return activity


async def get(session: AsyncSession, activity_id: int) -> Activity | None:
    """A record by id (None once undone)."""
    return await session.get(Activity, activity_id, populate_existing=True)


async def update_fields(session: AsyncSession, activity: Activity, now: datetime, **fields: Any) -> Activity:
    """Apply an edit to a record."""
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.updated_at = now
    await session.flush()
    return activity


async def set_permalink(session: AsyncSession, activity_id: int, permalink: str | None) -> None:
    """Remember the link to the record's thread (nothing happens once the record is undone)."""
    await session.execute(_SET_PERMALINK, {"record": activity_id, "link": permalink})


async def set_card(session: AsyncSession, activity_id: int, channel_id: str, ts: str) -> None:
    """Remember where the record's card was posted, so it is updated, never posted twice (nothing
    happens once the record is undone)."""
    await session.execute(_SET_CARD, {"record": activity_id, "card_at": channel_id, "card_is": ts})


# Written after every card is sent: built once, through the table (one statement, no read; a copy of
# the record already in a session is left as it was).
_RECORDS = Activity.__table__
_SET_PERMALINK = (
    update(_RECORDS).where(_RECORDS.c.id == bindparam("record")).values(permalink=bindparam("link"))
)
_SET_CARD = (
    update(_RECORDS)
    .where(_RECORDS.c.id == bindparam("record"))
    .values(card_channel=bindparam("card_at"), card_ts=bindparam("card_is"))
)


async def delete(session: AsyncSession, activity: Activity) -> None:
    """Undo: the record is gone."""
    await session.delete(activity)
    await session.flush()
