"""The event inbox: a lean write before Slack's ack, and claims for processing afterwards.

The write sits on the ack path, so it bypasses the ORM: one prepared insert on a dedicated connection
(stdlib sqlite3 in WAL mode, or an asyncpg pool). A unique `event_id` turns Slack's retries and double
deliveries into no-ops. Processing claims rows with a lease, so two replicas never work on the same
event and a replica that dies leaves its events to be claimed again when the lease runs out.
"""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import asyncpg
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import URL

from storage.db import Database
from storage.models import InboxEvent

_INSERT = "INSERT INTO inbox_events (event_id, body, received_at, attempts) VALUES ({}) ON CONFLICT (event_id) DO NOTHING"
MAX_ATTEMPTS = 5


class InboxWriter(Protocol):
    """Appends a delivery to the inbox; says whether it was new."""

    async def add(self, event_id: str, body: str, received_at: datetime) -> bool: ...

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
        self._sql = _INSERT.format("?, ?, ?, 0")

    @staticmethod
    def _connect(path: str, timeout: float) -> sqlite3.Connection:
        # Setting up may meet a lock (a migration finishing): wait for it, then take the insert's timeout.
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        return connection

    async def add(self, event_id: str, body: str, received_at: datetime) -> bool:
        # SQLAlchemy stores SQLite datetimes as naive UTC text in this format; keep to it.
        row = (event_id, body, received_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"))
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
        self._sql = _INSERT.format("$1, $2, $3, 0") + " RETURNING id"

    async def add(self, event_id: str, body: str, received_at: datetime) -> bool:
        pool = self._pool or await self._open()
        return await pool.fetchval(self._sql, event_id, body, received_at) is not None

    async def _open(self) -> asyncpg.Pool:
        async with self._lock:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=4)
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
    """An inbox row this process now holds the lease on."""

    id: int
    body: str
    attempts: int


class InboxRepository:
    """Claims, completes and retries inbox rows (off the ack path, so the ORM is fine here)."""

    def __init__(self, database: Database, lease: timedelta = timedelta(minutes=2)):
        self._db = database
        self._lease = lease

    async def claim(self, now: datetime, limit: int = 50) -> list[ClaimedEvent]:
        """Take the oldest unprocessed rows whose lease is free, in arrival order."""
        claimable = and_(
            InboxEvent.processed_at.is_(None),
            or_(InboxEvent.claimed_until.is_(None), InboxEvent.claimed_until < now),
        )
        async with self._db.sessions.begin() as session:
            ids = (
                await session.scalars(
                    select(InboxEvent.id)
                    .where(claimable)
                    .order_by(InboxEvent.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not ids:
                return []
            rows = await session.execute(
                update(InboxEvent)
                .where(InboxEvent.id.in_(ids), claimable)
                .values(claimed_until=now + self._lease, attempts=InboxEvent.attempts + 1)
                .returning(InboxEvent.id, InboxEvent.body, InboxEvent.attempts)
            )
            claimed = [ClaimedEvent(row.id, row.body, row.attempts) for row in rows]
        return sorted(claimed, key=lambda c: c.id)

    async def complete(self, event_id: int, now: datetime) -> None:
        """Mark a row processed; it is never claimed again."""
        async with self._db.sessions.begin() as session:
            await session.execute(
                update(InboxEvent).where(InboxEvent.id == event_id).values(processed_at=now, error=None)
            )

    async def fail(self, event: ClaimedEvent, error: str, now: datetime) -> None:
        """Record a failure: retried later with back-off, given up after MAX_ATTEMPTS."""
        values: dict[str, object] = {"error": error[:2000]}
        if event.attempts >= MAX_ATTEMPTS:
            values["processed_at"] = now
        else:
            values["claimed_until"] = now + timedelta(seconds=5 * 2**event.attempts)
        async with self._db.sessions.begin() as session:
            await session.execute(update(InboxEvent).where(InboxEvent.id == event.id).values(**values))

    async def purge(self, before: datetime) -> int:
        """Forget processed rows older than `before`; their unique key has done its job."""
        async with self._db.sessions.begin() as session:
            result = await session.execute(
                delete(InboxEvent).where(
                    InboxEvent.processed_at.is_not(None), InboxEvent.processed_at < before
                )
            )
        return result.rowcount or 0
