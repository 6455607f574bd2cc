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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import asyncpg
from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.engine import URL
from sqlalchemy.orm import aliased

from storage.db import Database, database_now
from storage.models import InboxEvent

_INSERT = (
    "INSERT INTO inbox_events (event_id, body, received_at, attempts, thread_key) VALUES ({})"
    " ON CONFLICT (event_id) DO NOTHING"
)
# Handling an event no longer waits on Slack, so a failure is a bug or the database: retry for hours.
MAX_ATTEMPTS = 10
BACKOFF_MAX = timedelta(hours=1)


class InboxWriter(Protocol):
    """Appends a delivery to the inbox; says whether it was new."""

    async def add(self, event_id: str, body: str, received_at: datetime, thread_key: str | None) -> bool: ...

    async def close(self) -> None: ...


class SqliteInboxWriter:
    """Inserts through a dedicated sqlite3 connection: a WAL commit costs tens of microseconds.

    The insert runs on the event loop when the file is free. When another connection holds SQLite's
    write lock, waiting on the loop would also stall the coroutine that must finish that transaction,
    so the insert moves to a thread of its own and waits there instead.
    """

    def __init__(self, path: str):
        self._fast = self._connect(path, timeout=0)
        self._patient = self._connect(path, timeout=30)
        self._waiting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="closeloop-inbox")
        self._sql = _INSERT.format("?, ?, ?, 0, ?")

    @staticmethod
    def _connect(path: str, timeout: float) -> sqlite3.Connection:
        # Setting up may meet a lock (a migration finishing): wait for it, then take the insert's timeout.
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        return connection

    async def add(self, event_id: str, body: str, received_at: datetime, thread_key: str | None) -> bool:
        # SQLAlchemy stores SQLite datetimes as naive UTC text in this format; keep to it.
        row = (event_id, body, received_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), thread_key)
        try:
            return self._fast.execute(self._sql, row).rowcount == 1
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._waiting, lambda: self._patient.execute(self._sql, row).rowcount == 1
        )

    async def close(self) -> None:
        self._waiting.shutdown(wait=True)
        self._fast.close()
        self._patient.close()


class PostgresInboxWriter:
    """Inserts through a small asyncpg pool; asyncpg prepares and caches the statement."""

    def __init__(self, url: URL):
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()
        self._sql = _INSERT.format("$1, $2, $3, 0, $4") + " RETURNING id"

    async def add(self, event_id: str, body: str, received_at: datetime, thread_key: str | None) -> bool:
        pool = self._pool or await self._open()
        return await pool.fetchval(self._sql, event_id, body, received_at, thread_key) is not None

    async def _open(self) -> asyncpg.Pool:
        async with self._lock:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=2)
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()


def open_inbox_writer(database: Database) -> InboxWriter:
    """The lean writer for the configured database."""
    if database.is_sqlite:
        return SqliteInboxWriter(database.url.database or "closeloop.db")
    return PostgresInboxWriter(database.url)


@dataclass(frozen=True)
class ClaimedEvent:
    """An inbox row this worker now holds the lease on; only the holder may complete or fail it."""

    id: int
    body: str
    attempts: int
    lease_token: str


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
            event_id = await session.scalar(
                select(InboxEvent.id)
                .where(claimable, first_in_thread)
                .order_by(InboxEvent.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if event_id is None:
                return None
            token = str(uuid.uuid4())
            row = (
                await session.execute(
                    update(InboxEvent)
                    .where(InboxEvent.id == event_id, claimable)
                    .values(
                        claimed_until=now + self._lease,
                        lease_token=token,
                        attempts=InboxEvent.attempts + 1,
                    )
                    .returning(InboxEvent.id, InboxEvent.body, InboxEvent.attempts)
                )
            ).first()
        return ClaimedEvent(row.id, row.body, row.attempts, token) if row else None

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
        async with self._db.sessions.begin() as session:
            result = await session.execute(
                update(InboxEvent)
                .where(InboxEvent.id == event.id, InboxEvent.lease_token == event.lease_token)
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
