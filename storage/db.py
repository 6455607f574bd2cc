"""Open the database named by `DATABASE_URL` and bring its schema up to date.

SQLite is the embedded default; PostgreSQL serves teams that run several replicas. Both are reached
through SQLAlchemy's async engine; migrations are Alembic's, applied on start and by `db upgrade`.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Several replicas may start at once; only one of them should migrate (PostgreSQL advisory lock key).
_MIGRATION_LOCK_KEY = 7_321_004
# Set in `session.info` by whoever writes outbox rows; read after the commit to wake the delivery worker.
OUTBOX_WRITTEN = "closeloop_outbox_written"


class Database:
    """The engine, its session factory, and the schema operations the CLI needs."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.engine: AsyncEngine = create_async_engine(
            self.url, **_engine_options(self.url.get_backend_name())
        )
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            self.write_turns: WriteTurns | None = WriteTurns()
            self.write_turns.listen(self.engine)
        else:
            self.write_turns = None
        # A session class of this database's own, so commit hooks see only its sessions.
        session_class = type("CloseloopSession", (Session,), {})
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=session_class
        )
        self._outbox_listeners: list[Callable[[], None]] = []
        event.listen(session_class, "after_commit", self._after_commit)

    def on_outbox_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every commit that wrote outbox rows, so delivery starts at once."""
        self._outbox_listeners.append(listener)

    def _after_commit(self, session: object) -> None:
        if session.info.pop(OUTBOX_WRITTEN, False):  # type: ignore[attr-defined]
            for listener in self._outbox_listeners:
                listener()

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite database."""
        return self.url.get_backend_name() == "sqlite"

    async def upgrade(self) -> None:
        """Apply every pending migration."""
        async with self.engine.begin() as connection:
            if not self.is_sqlite:
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(_run_alembic_upgrade)

    async def ping(self) -> bool:
        """Whether the database answers a trivial query."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def _engine_options(backend: str) -> dict[str, object]:
    if backend == "sqlite":
        # Every pooled connection is a thread of aiosqlite's: keep enough for the workers' lanes, so
        # connections are not opened and closed (a thread started, the loop waiting) all the time.
        return {"connect_args": {"timeout": 30}, "pool_size": 24, "max_overflow": 16}
    # Several replicas share one server (100 connections by default): each keeps a modest pool, and
    # its workers wait their turn for a connection rather than open more.
    return {"pool_pre_ping": True, "pool_size": 8, "max_overflow": 4, "pool_timeout": 60}


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """WAL lets the inbox writer and the ORM share the file; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_HOLDS_TURN = "closeloop_write_turn"
# Seconds a statement waits for acks at most: the lock's holder may be another process.
ACKS_FIRST_AT_MOST = 1.0


class _AcksWaiting:
    """This loop's acks that wait for SQLite's write lock; while there are any, other statements wait."""

    def __init__(self) -> None:
        self.count = 0
        self.none = asyncio.Event()
        self.none.set()


class WriteTurns:
    """SQLite takes one writer at a time: this process's transactions take turns before they write.

    Without this, a transaction that meets another's write lock waits in SQLite's busy handler, which
    sleeps in growing steps (up to 100 ms) and looks again only then, long after the lock is free;
    with many workers writing, most of their time went there. Here the next transaction in line
    starts writing as soon as the previous one commits or rolls back. Reads never wait (WAL).
    The ack path's insert (`storage.inbox`) uses its own connection and never waits for a turn; when it
    finds the lock taken it says so (`acks_waiting`), and until its rows are in, every other statement
    of this process except the turn holder's waits: the holder then has the event loop to itself and
    commits within milliseconds, instead of taking turns on the loop with a dozen lanes' reads while
    acks wait for its lock, and no other transaction takes the lock before the acks.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._acks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _AcksWaiting] = (
            weakref.WeakKeyDictionary()
        )

    @contextmanager
    def acks_waiting(self) -> Iterator[None]:
        """While inside, acks wait for the write lock: this loop's other statements let them go first."""
        acks = self._waiting_acks()
        acks.count += 1
        acks.none.clear()
        try:
            yield
        finally:
            acks.count -= 1
            if not acks.count:
                acks.none.set()

    def _waiting_acks(self) -> _AcksWaiting:
        loop = asyncio.get_running_loop()
        acks = self._acks.get(loop)
        if acks is None:
            acks = self._acks[loop] = _AcksWaiting()
        return acks

    def _acks_first(self) -> None:
        acks = self._waiting_acks()
        if acks.count:
            with suppress(TimeoutError):
                await_(asyncio.wait_for(acks.none.wait(), ACKS_FIRST_AT_MOST))

    def listen(self, engine: AsyncEngine) -> None:
        sync_engine = engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", self._before_execute)
        event.listen(sync_engine, "commit", self._end, insert=False)
        event.listen(sync_engine, "rollback", self._end, insert=False)
        # A connection back in the pool (or closed) holds no turn, however its transaction ended.
        event.listen(sync_engine.pool, "reset", self._reset)
        event.listen(sync_engine.pool, "checkin", self._returned)
        event.listen(sync_engine.pool, "close", self._returned)

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def _before_execute(self, conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if conn.info.get(_HOLDS_TURN) is not None:
            return
        self._acks_first()
        if not _WRITE.match(statement):
            return
        lock = self._lock()
        await_(lock.acquire())
        conn.info[_HOLDS_TURN] = lock
        self._acks_first()  # acks that began waiting while this one queued for its turn

    @staticmethod
    def _end(conn: Connection) -> None:
        try:
            info = conn.info
        except PendingRollbackError:  # a statement was cancelled mid-way: the pool's reset hands it back
            return
        _hand_back(info)

    @staticmethod
    def _reset(_dbapi_connection: Any, record: ConnectionPoolEntry | None, _state: Any) -> None:
        if record is not None:
            _hand_back(record.info)

    @staticmethod
    def _returned(_dbapi_connection: Any, record: ConnectionPoolEntry | None) -> None:
        if record is not None:
            _hand_back(record.info)


def _hand_back(info: dict[Any, Any]) -> None:
    lock = info.pop(_HOLDS_TURN, None)
    if lock is not None and lock.locked():
        lock.release()


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _run_alembic_upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def database_now(session: AsyncSession) -> datetime:
    """The database server's clock: leases taken by several replicas must agree on what "now" is.

    SQLite is embedded and serves one replica, so its clock is this process's.
    """
    if session.get_bind().dialect.name == "sqlite":
        return datetime.now(UTC)
    moment = await session.scalar(text("SELECT clock_timestamp()"))
    return moment.astimezone(UTC)
