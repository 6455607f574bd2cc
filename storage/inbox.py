"""The event inbox: a lean write before Slack's ack, and claims for processing afterwards.

The write sits on the ack path, so it bypasses the ORM: one prepared insert on a dedicated connection
(stdlib sqlite3 in WAL mode, or an asyncpg pool). A unique `event_id` turns Slack's retries and double
deliveries into no-ops. Processing claims rows with a lease, so two replicas never work on the same
event and a replica that dies leaves its events to be claimed again when the lease runs out.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import asyncpg
from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.engine import URL
from sqlalchemy.orm import aliased

from storage.db import Database, WriteTurns, database_now
from storage.models import InboxEvent

_INSERT = (
    "INSERT INTO inbox_events (event_id, body, received_at, attempts, thread_key) VALUES ({})"
    " ON CONFLICT (event_id) DO NOTHING"
)
# Handling an event no longer waits on Slack, so a failure is a bug or the database: retry for hours.
MAX_ATTEMPTS = 10
# The ack's insert, when another connection is writing: tried again every half millisecond at first,
# at least every 5 ms later, and given up (Slack retries the delivery) after 30 s.
LOCKED_RETRY_FIRST, LOCKED_RETRY_MOST, LOCKED_AT_MOST = 0.0005, 0.005, 30.0
BACKOFF_MAX = timedelta(hours=1)
# PostgreSQL takes a group of deliveries in one statement; rows go in the order given (ids follow it).
_INSERT_MANY = (
    "INSERT INTO inbox_events (event_id, body, received_at, attempts, thread_key)"
    " SELECT event_id, body, received_at, 0, thread_key FROM unnest("
    "$1::varchar[], $2::text[], $3::timestamptz[], $4::varchar[]) WITH ORDINALITY"
    " AS delivery(event_id, body, received_at, thread_key, position) ORDER BY position"
    " ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)


class InboxWriter(Protocol):
    """Appends a delivery to the inbox; says whether it was new."""

    async def add(self, event_id: str, body: str, received_at: datetime, thread_key: str | None) -> bool: ...

    async def close(self) -> None: ...


Delivery = tuple[str, str, datetime, str | None]  # event_id, body, received_at, thread_key
# Rows one group commit takes at most; more wait for the next one.
GROUP_AT_MOST = 256


class _GroupCommit:
    """Acks that arrive together share one transaction: one commit (one log flush) for all of them.

    Each `add` queues its row and waits; one writer task at a time takes everything queued, writes it
    in one transaction and only then answers each waiting ack, so nothing is acked before its row is
    durable. An ack that arrives alone is written alone, at once; rows that arrive while a commit is
    under way go in the next one. A failed commit fails every ack in it, and Slack retries them.
    """

    def __init__(self, write: Callable[[list[Delivery]], Awaitable[list[bool]]]):
        self._write = write
        self._queued: list[tuple[Delivery, asyncio.Future[bool]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def add(self, delivery: Delivery) -> bool:
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queued.append((delivery, answer))
        if self._writing is None:
            self._writing = asyncio.create_task(self._write_queued(), name="closeloop-inbox-commit")
        # Shielded: an ack given up on (the client left) must not cancel the others' commit.
        return await asyncio.shield(answer)

    async def _write_queued(self) -> None:
        group: list[tuple[Delivery, asyncio.Future[bool]]] = []
        try:
            while self._queued:
                group, self._queued = self._queued[:GROUP_AT_MOST], self._queued[GROUP_AT_MOST:]
                try:
                    new = await self._write([delivery for delivery, _ in group])
                except Exception as error:
                    _answer(group, error=error)
                else:
                    _answer(group, new=new)
        finally:
            self._writing = None
            # Cancelled (the loop is closing): nothing held or queued was committed, and no ack waits forever.
            stopped = ConnectionError("the inbox writer stopped before committing")
            _answer(group, error=stopped)
            _answer(self._queued, error=stopped)
            self._queued = []

    async def close(self) -> None:
        """Let the commit under way and everything queued behind it finish."""
        while self._writing is not None:
            await asyncio.shield(self._writing)


def _answer(
    group: list[tuple[Delivery, asyncio.Future[bool]]],
    *,
    new: list[bool] | None = None,
    error: Exception | None = None,
) -> None:
    for position, (_, answer) in enumerate(group):
        if answer.done():
            continue
        if new is not None:
            answer.set_result(new[position])
        else:
            answer.set_exception(error or ConnectionError("no answer from the inbox writer"))


def _first_of_each(deliveries: list[Delivery], inserted: set[str]) -> list[bool]:
    """Which deliveries were new: the first of each inserted event_id (a retry in the same group is not)."""
    new = []
    for event_id, *_ in deliveries:
        new.append(event_id in inserted)
        inserted.discard(event_id)
    return new


class SqliteInboxWriter:
    """Inserts through a dedicated sqlite3 connection: a WAL commit costs tens of microseconds.

    The insert runs on the event loop and never waits there: when another connection holds SQLite's
    write lock it fails at once, and the writer tries again after a short sleep on the loop, so the
    transaction it waits for can finish meanwhile. SQLite's own busy handler would sleep in growing
    steps (up to 100 ms) after the lock is already free; the ack cannot afford that. Acks that arrive
    together, or while it waits for the lock, are committed together (`_GroupCommit`).
    """

    def __init__(self, path: str, turns: WriteTurns | None = None):
        self._connection = self._connect(path)
        self._turns = turns
        self._sql = _INSERT.format("?, ?, ?, 0, ?")
        self._group = _GroupCommit(self._write)

    @staticmethod
    def _connect(path: str) -> sqlite3.Connection:
        # Setting up may meet a lock (a migration finishing): wait for it, then never wait inside SQLite.
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=0")
        # The connection that commits past the threshold copies the log into the database (tens of ms);
        # leave that to the workers' connections, never the ack.
        connection.execute("PRAGMA wal_autocheckpoint=0")
        return connection

    async def add(self, event_id: str, body: str, received_at: datetime, thread_key: str | None) -> bool:
        return await self._group.add((event_id, body, received_at, thread_key))

    async def _write(self, deliveries: list[Delivery]) -> list[bool]:
        # SQLAlchemy stores SQLite datetimes as naive UTC text in this format; keep to it.
        rows = [
            (event_id, body, received.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), thread)
            for event_id, body, received, thread in deliveries
        ]
        try:
            return self._insert(rows)
        except sqlite3.OperationalError as error:
            if not _locked(error):
                raise
        # Another connection is writing: until these rows are in, this process's other work waits.
        with self._turns.acks_waiting() if self._turns else nullcontext():
            loop = asyncio.get_running_loop()
            give_up = loop.time() + LOCKED_AT_MOST
            pause = LOCKED_RETRY_FIRST
            while True:
                await asyncio.sleep(pause)
                pause = min(pause * 2, LOCKED_RETRY_MOST)
                try:
                    return self._insert(rows)
                except sqlite3.OperationalError as error:
                    if not _locked(error) or loop.time() > give_up:
                        raise

    def _insert(self, rows: list[tuple[str, str, str, str | None]]) -> list[bool]:
        if len(rows) == 1:  # alone: one autocommitted statement, the shortest way
            return [self._connection.execute(self._sql, rows[0]).rowcount == 1]
        self._connection.execute("BEGIN IMMEDIATE")  # takes the write lock now, or fails at once
        try:
            new = [self._connection.execute(self._sql, row).rowcount == 1 for row in rows]
            self._connection.execute("COMMIT")
        except BaseException:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            raise
        return new

    async def close(self) -> None:
        await self._group.close()
        self._connection.close()


def _locked(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


class PostgresInboxWriter:
    """Inserts through a small asyncpg pool, a group of acks in one multi-row statement and commit."""

    def __init__(self, url: URL):
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()
        self._group = _GroupCommit(self._write)

    async def add(self, event_id: str, body: str, received_at: datetime, thread_key: str | None) -> bool:
        return await self._group.add((event_id, body, received_at, thread_key))

    async def _write(self, deliveries: list[Delivery]) -> list[bool]:
        pool = self._pool or await self._open()
        columns = [list(column) for column in zip(*deliveries, strict=True)]
        inserted = await pool.fetch(_INSERT_MANY, *columns)
        return _first_of_each(deliveries, {row["event_id"] for row in inserted})

    async def _open(self) -> asyncpg.Pool:
        async with self._lock:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=2)
        return self._pool

    async def close(self) -> None:
        await self._group.close()
        if self._pool is not None:
            await self._pool.close()


def open_inbox_writer(database: Database) -> InboxWriter:
    """The lean writer for the configured database."""
    if database.is_sqlite:
        return SqliteInboxWriter(database.url.database or "closeloop.db", database.write_turns)
    return PostgresInboxWriter(database.url)


@dataclass(frozen=True)
class ClaimedEvent:
    """An inbox row this worker now holds the lease on; only the holder may complete or fail it."""

    id: int
    body: str
    attempts: int
    lease_token: str


def _by_id(event: ClaimedEvent) -> int:
    return event.id


class InboxRepository:
    """Claims, completes and retries inbox rows (off the ack path, so the ORM is fine here).

    Each event has a lease of its own, measured on the database's clock, and the events of one thread
    are handed out in order: none is claimed while an earlier one of its thread is unfinished.
    """

    def __init__(self, database: Database, lease: timedelta = timedelta(minutes=1)):
        self._db = database
        self._lease = lease

    async def claim(self) -> ClaimedEvent | None:
        """Take the oldest event that is free and first in its thread, or None when there is none."""
        claimed = await self.claim_many(1)
        return claimed[0] if claimed else None

    async def claim_many(self, limit: int) -> list[ClaimedEvent]:
        """Take up to `limit` of the oldest events that are free and first in their thread, in one
        transaction; never two of one thread, since the later one waits for the earlier."""
        earlier = aliased(InboxEvent)
        async with self._db.sessions.begin() as session:
            now = await database_now(session)
            claimable = and_(
                InboxEvent.processed_at.is_(None),
                or_(InboxEvent.claimed_until.is_(None), InboxEvent.claimed_until < now),
            )
            first_in_thread = or_(
                InboxEvent.thread_key.is_(None),
                ~exists().where(
                    earlier.thread_key == InboxEvent.thread_key,
                    earlier.id < InboxEvent.id,
                    earlier.processed_at.is_(None),
                ),
            )
            event_ids = list(
                await session.scalars(
                    select(InboxEvent.id)
                    .where(claimable, first_in_thread)
                    .order_by(InboxEvent.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            if not event_ids:
                return []
            token = str(uuid.uuid4())
            rows = (
                await session.execute(
                    update(InboxEvent)
                    .where(InboxEvent.id.in_(event_ids), claimable)
                    .values(
                        claimed_until=now + self._lease,
                        lease_token=token,
                        attempts=InboxEvent.attempts + 1,
                    )
                    .returning(InboxEvent.id, InboxEvent.body, InboxEvent.attempts)
                )
            ).all()
        return sorted((ClaimedEvent(row.id, row.body, row.attempts, token) for row in rows), key=_by_id)

    async def complete(self, event: ClaimedEvent, now: datetime) -> bool:
        """Mark the event handled; False if this worker's lease had passed to another."""
        return await self._by_holder(event, processed_at=now, error=None, lease_token=None)

    async def fail(self, event: ClaimedEvent, error: str, now: datetime) -> None:
        """Record a failure: retried later with back-off, given up after MAX_ATTEMPTS."""
        values: dict[str, object] = {"error": error[:2000], "lease_token": None}
        if event.attempts >= MAX_ATTEMPTS:
            values["processed_at"] = now
        else:
            async with self._db.sessions() as session:
                database_time = await database_now(session)
            backoff = min(BACKOFF_MAX, timedelta(seconds=5 * 2**event.attempts))
            values["claimed_until"] = database_time + backoff
        await self._by_holder(event, **values)

    async def release(self, event: ClaimedEvent) -> None:
        """Hand an event back unhandled (shutdown): another worker takes it at once."""
        await self._by_holder(event, claimed_until=None, lease_token=None, attempts=InboxEvent.attempts - 1)

    async def _by_holder(self, event: ClaimedEvent, **values: object) -> bool:
        # The table, not the entity: one statement per event handled, with no ORM bookkeeping.
        events = InboxEvent.__table__.c
        async with self._db.sessions.begin() as session:
            result = await session.execute(
                update(InboxEvent.__table__)
                .where(events.id == event.id, events.lease_token == event.lease_token)
                .values(**values)
            )
        return bool(result.rowcount)

    async def purge(self, before: datetime) -> int:
        """Forget processed rows older than `before`; their unique key has done its job."""
        async with self._db.sessions.begin() as session:
            result = await session.execute(
                delete(InboxEvent).where(
                    InboxEvent.processed_at.is_not(None), InboxEvent.processed_at < before
                )
            )
        return result.rowcount or 0
