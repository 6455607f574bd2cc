"""The outbox: what closeloop must show in Slack, written with the change that made it necessary.

Use cases add rows inside their own transaction (`send_once`, `show`), so a change and the message
about it are committed together or not at all. The delivery worker claims due rows with a lease on
the database clock (`FOR UPDATE SKIP LOCKED` on PostgreSQL), and every later write names the lease
it holds: a worker whose lease lapsed can no longer complete, retry or bury a row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import OUTBOX_WRITTEN, database_now
from storage.models import OutboxMessage
from storage.upsert import dialect_of, insert_for, insert_into

PENDING, SENT, DEAD = "pending", "sent", "dead"


@dataclass(frozen=True)
class Outgoing:
    """A message to show: its name (dedupe key), how to render it, and where it goes."""

    key: str
    kind: str
    team_id: str
    channel: str  # a channel id, or a user id for a direct message
    payload: dict[str, Any] = field(default_factory=dict)
    thread_ts: str | None = None


@dataclass(frozen=True)
class ClaimedMessage:
    """An outbox row this worker holds the lease on, as it was when claimed."""

    id: int
    key: str
    kind: str
    team_id: str
    channel: str
    thread_ts: str | None
    payload: dict[str, Any]
    version: int
    message_channel: str | None
    message_ts: str | None
    attempts: int
    in_doubt: bool
    pending_since: datetime
    lease_token: str

    @classmethod
    def of(cls, row: OutboxMessage, lease_token: str) -> ClaimedMessage:
        """The row as a worker holding `lease_token` sees it (the console re-renders with no lease)."""
        return cls(
            id=row.id,
            key=row.dedupe_key,
            kind=row.kind,
            team_id=row.team_id,
            channel=row.channel,
            thread_ts=row.thread_ts,
            payload=dict(row.payload or {}),
            version=row.version,
            message_channel=row.message_channel,
            message_ts=row.message_ts,
            attempts=row.attempts,
            in_doubt=row.in_doubt,
            pending_since=row.pending_since,
            lease_token=lease_token,
        )


async def send_once(session: AsyncSession, message: Outgoing, now: datetime) -> bool:
    """Queue a message that is shown once, ever, under its key; False if the key was already used."""
    statement = (
        insert_into(session, OutboxMessage)
        .values(**_new_row(message, now))
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    result = await session.execute(statement)
    session.info[OUTBOX_WRITTEN] = True
    return bool(result.rowcount)


async def send_each_once(session: AsyncSession, messages: list[Outgoing], now: datetime) -> None:
    """`send_once` for many messages in one statement (a morning's cards); used keys send nothing again."""
    if not messages:
        return
    # The table, not the entity: rows go straight to the driver, without the ORM's bulk bookkeeping.
    statement = insert_into(session, OutboxMessage.__table__).on_conflict_do_nothing(
        index_elements=["dedupe_key"]
    )
    await session.execute(statement, [_new_row(message, now) for message in messages])
    session.info[OUTBOX_WRITTEN] = True


async def show(session: AsyncSession, message: Outgoing, now: datetime) -> None:
    """Queue the latest state of a message: posted the first time, updated in place after that.

    Several changes before the worker gets to it become one post or one `chat.update` of the newest
    state, since the state is rendered when it is sent.
    """
    await session.execute(_show_statement(dialect_of(session)), _new_row(message, now))
    session.info[OUTBOX_WRITTEN] = True


@cache
def _show_statement(dialect: str) -> Any:
    """`show`'s upsert, built once: the row goes in as parameters (a message is shown on every change)."""
    statement = insert_for(dialect, OutboxMessage.__table__)
    waiting = OutboxMessage.state == PENDING
    return statement.on_conflict_do_update(
        index_elements=["dedupe_key"],
        set_={
            "kind": statement.excluded.kind,
            "payload": statement.excluded.payload,
            "version": OutboxMessage.version + 1,
            "state": PENDING,
            "due_at": case((waiting, OutboxMessage.due_at), else_=statement.excluded.due_at),
            "pending_since": case(
                (waiting, OutboxMessage.pending_since), else_=statement.excluded.pending_since
            ),
        },
    )


async def reshow(session: AsyncSession, key: str, now: datetime) -> bool:
    """Queue the message under `key` again as it stands (its subject changed); False if there is none."""
    waiting = OutboxMessage.state == PENDING
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.dedupe_key == key, OutboxMessage.state != DEAD)
        .values(
            version=OutboxMessage.version + 1,
            state=PENDING,
            due_at=case((waiting, OutboxMessage.due_at), else_=now),
            pending_since=case((waiting, OutboxMessage.pending_since), else_=now),
        )
        .execution_options(synchronize_session=False)
    )
    session.info[OUTBOX_WRITTEN] = True
    return bool(result.rowcount)


def _new_row(message: Outgoing, now: datetime) -> dict[str, Any]:
    return {
        "dedupe_key": message.key,
        "kind": message.kind,
        "team_id": message.team_id,
        "channel": message.channel,
        "thread_ts": message.thread_ts,
        "payload": message.payload,
        "state": PENDING,
        "version": 1,
        "sent_version": 0,
        "due_at": now,
        "pending_since": now,
        "attempts": 0,
        "in_doubt": False,
        "created_at": now,
    }


async def claim(
    session: AsyncSession,
    now: datetime,
    *,
    limit: int,
    lease: timedelta,
    busy_channels: frozenset[str] = frozenset(),
) -> list[ClaimedMessage]:
    """Lease up to `limit` due rows, oldest first, skipping rows another worker holds.

    `now` (the bot's clock) decides what is due; the lease is measured on the database's clock, which
    every replica shares. Rows for `busy_channels` stay for later, so one channel's messages go out
    one at a time and in order.
    """
    database_time = await database_now(session)
    free = or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < database_time)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.state == PENDING, OutboxMessage.due_at <= now, free)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if busy_channels:
        query = query.where(OutboxMessage.channel.not_in(busy_channels))
    rows = list((await session.scalars(query.execution_options(populate_existing=True))).all())
    if not rows:
        return []
    token = str(uuid.uuid4())
    claimed = []
    seen_channels: set[str] = set()
    for row in rows:
        if row.channel in seen_channels:  # one message per channel at a time, in order
            continue
        seen_channels.add(row.channel)
        claimed.append(ClaimedMessage.of(row, token))
    # Still free when written: SQLite has no row locks, so another claimer may have got there first.
    taken = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([c.id for c in claimed]), OutboxMessage.state == PENDING, free)
        .values(
            lease_token=token,
            leased_until=database_time + lease,
            attempts=OutboxMessage.attempts + 1,
            # A post from here on may reach Slack even if this worker never hears back.
            in_doubt=or_(OutboxMessage.in_doubt, OutboxMessage.message_ts.is_(None)),
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    won = set(taken)
    return [c for c in claimed if c.id in won]


def _held(message: ClaimedMessage) -> Any:
    return and_(OutboxMessage.id == message.id, OutboxMessage.lease_token == message.lease_token)


_RELEASED = {"lease_token": None, "leased_until": None}


async def renew(session: AsyncSession, message: ClaimedMessage, lease: timedelta) -> bool:
    """Extend the lease just before a send that cannot be taken back; False if it passed to another.

    Waiting for Slack's pace can outlast a lease: a worker that lost it must not post as well.
    """
    now = await database_now(session)
    result = await session.execute(
        update(OutboxMessage)
        .where(_held(message))
        .values(leased_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def complete(
    session: AsyncSession, message: ClaimedMessage, channel: str, ts: str | None, now: datetime
) -> bool:
    """Slack shows version `message.version` at (channel, ts); False if the lease was lost meanwhile.

    A newer version queued while this one was being sent leaves the row pending, for one more update.
    The thread is kept as sent: a message placed in its thread at send time (a quote's progress under
    a deal card posted meanwhile) is found there again.
    """
    result = await session.execute(
        _COMPLETE,
        {
            "held_id": message.id,
            "held_token": message.lease_token,
            "shown_version": message.version,
            "shown_thread": message.thread_ts,
            "shown_channel": channel,
            "shown_ts": ts,
            "now": now,
        },
    )
    return bool(result.rowcount)


# `complete`, built once (every send ends with it): the table, so no ORM session is synchronised.
_OUTBOX = OutboxMessage.__table__.c
_COMPLETE = (
    update(OutboxMessage.__table__)
    .where(_OUTBOX.id == bindparam("held_id"), _OUTBOX.lease_token == bindparam("held_token"))
    .values(
        sent_version=bindparam("shown_version"),
        thread_ts=bindparam("shown_thread"),
        message_channel=bindparam("shown_channel"),
        message_ts=bindparam("shown_ts"),
        in_doubt=False,
        attempts=0,
        last_error=None,
        sent_at=bindparam("now"),
        due_at=bindparam("now"),
        state=case((_OUTBOX.version == bindparam("shown_version"), SENT), else_=PENDING),
        **_RELEASED,
    )
)


async def retry_later(
    session: AsyncSession, message: ClaimedMessage, due_at: datetime, error: str, *, in_doubt: bool
) -> bool:
    """Try again at `due_at`; `in_doubt` says whether the failed attempt may have posted anyway."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_held(message))
        .values(due_at=due_at, last_error=error[:2000], in_doubt=in_doubt, **_RELEASED)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def bury(session: AsyncSession, message: ClaimedMessage, error: str) -> bool:
    """Give up: Slack refused for good, or for 24 h. The row stays as a dead letter."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_held(message))
        .values(state=DEAD, last_error=error[:2000], in_doubt=False, **_RELEASED)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def redirect(session: AsyncSession, message: ClaimedMessage, channel: str, now: datetime) -> bool:
    """Send to `channel` instead (a DM when the bot may not post where the message was meant to go)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_held(message))
        .values(channel=channel, thread_ts=None, due_at=now, in_doubt=False, **_RELEASED)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def release(session: AsyncSession, message: ClaimedMessage, *, attempted: bool) -> None:
    """Hand a row back at once (shutdown): another worker may take it without waiting for the lease.

    A row never `attempted` is as it was before the claim; one whose send was cut short stays in
    doubt, so the next holder looks for it in Slack before posting.
    """
    values: dict[str, Any] = {"attempts": OutboxMessage.attempts - 1, **_RELEASED}
    if not attempted:
        values["in_doubt"] = message.in_doubt
    await session.execute(
        update(OutboxMessage)
        .where(_held(message))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def listing(session: AsyncSession, *, dead: bool, limit: int = 500) -> list[OutboxMessage]:
    """Pending rows (or dead letters), oldest first, for `closeloop outbox`."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.state == (DEAD if dead else PENDING))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(rows)


async def requeue(session: AsyncSession, row_id: int, now: datetime) -> bool:
    """Send a dead (or pending) row again from now on, with a fresh 24 h; False if there is no such row.

    A lease still running is left to its holder, who may be posting this very moment (and, having
    been given the row for that long, does not ask again before it posts).
    """
    live = OutboxMessage.leased_until >= await database_now(session)
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.state != SENT)
        .values(
            state=PENDING,
            due_at=now,
            pending_since=now,
            attempts=0,
            **{column: case((live, getattr(OutboxMessage, column)), else_=None) for column in _RELEASED},
        )
        .execution_options(synchronize_session=False)
    )
    session.info[OUTBOX_WRITTEN] = True
    return bool(result.rowcount)


async def purge_sent(session: AsyncSession, before: datetime) -> int:
    """Forget messages sent before `before`; the features' own ledgers keep what was told whom."""
    result = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.state == SENT, OutboxMessage.sent_at < before)
    )
    return result.rowcount or 0
