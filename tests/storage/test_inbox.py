"""The inbox on each database: one row per event_id, one claimant per row, leases that expire."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import distinct, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.inbox import MAX_ATTEMPTS, ClaimedEvent, InboxRepository, open_inbox_writer
from storage.models import InboxEvent

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


async def add_events(database: Database, *events: tuple[str, str | None]) -> None:
    """Store deliveries as the ack path does: (event_id, thread key)."""
    writer = open_inbox_writer(database)
    try:
        for event_id, thread in events:
            await writer.add(event_id, f'{{"id": "{event_id}"}}', NOW, thread)
    finally:
        await writer.close()


async def insert_event(session: AsyncSession, event_id: str) -> None:
    """Store a delivery through the ORM, as a worker's transaction writes: it takes the write lock."""
    await session.execute(
        insert(InboxEvent).values(event_id=event_id, body="{}", received_at=NOW, attempts=0)
    )


async def claim_all(repository: InboxRepository) -> list[ClaimedEvent]:
    claimed = []
    while (event := await repository.claim()) is not None:
        claimed.append(event)
    return claimed


async def test_the_lean_writer_keeps_one_row_per_event_id(database: Database) -> None:
    writer = open_inbox_writer(database)
    try:
        assert await writer.add("Ev1", '{"a": 1}', NOW, None) is True
        assert await writer.add("Ev1", '{"a": 1}', NOW, None) is False
        assert await writer.add("Ev2", '{"a": 2}', NOW, None) is True
    finally:
        await writer.close()
    claimed = await claim_all(InboxRepository(database))
    assert [c.body for c in claimed] == ['{"a": 1}', '{"a": 2}']


async def test_two_replicas_never_claim_the_same_row(database: Database) -> None:
    await add_events(database, *((f"Ev{n}", f"C1:{n % 7}") for n in range(60)))
    other = Database(database.url.render_as_string(hide_password=False))
    replicas = [InboxRepository(database), InboxRepository(other)]

    async def claim_until_empty(repository: InboxRepository) -> list[int]:
        taken: list[int] = []
        while (event := await repository.claim()) is not None:
            taken.append(event.id)
            assert await repository.complete(event, NOW)
        return taken

    results = await asyncio.gather(*(claim_until_empty(r) for r in replicas for _ in range(3)))
    await other.dispose()
    ids = [i for taken in results for i in taken]
    assert len(ids) == len(set(ids)) == 60


async def test_one_threads_events_are_handed_out_in_order(database: Database) -> None:
    await add_events(database, ("EvT1", "C1:1.0"), ("EvT2", "C1:1.0"), ("EvOTHER", "C1:2.0"))
    repository = InboxRepository(database)
    first = await repository.claim()
    other = await repository.claim()
    assert first is not None and other is not None and '"EvOTHER"' in other.body
    assert await repository.claim() is None  # EvT2 waits for EvT1, even on another replica
    assert await repository.complete(first, NOW)
    second = await repository.claim()
    assert second is not None and '"EvT2"' in second.body


async def test_a_lapsed_lease_passes_the_event_on_and_the_first_holder_cannot_complete_it(
    database: Database,
) -> None:
    await add_events(database, ("EvA", None))
    slow = InboxRepository(database, lease=timedelta(seconds=1))
    held = await slow.claim()
    assert held is not None and await slow.claim() is None
    await asyncio.sleep(1.2)  # leases run on the database's clock
    taken_over = await slow.claim()
    assert taken_over is not None and taken_over.attempts == 2
    assert await slow.complete(held, NOW) is False
    assert await slow.complete(taken_over, NOW) is True
    assert await slow.claim() is None


async def test_a_released_event_is_taken_again_at_once(database: Database) -> None:
    await add_events(database, ("EvA", None))
    repository = InboxRepository(database, lease=timedelta(minutes=5))
    held = await repository.claim()
    assert held is not None
    await repository.release(held)
    again = await repository.claim()
    assert again is not None and again.id == held.id and again.attempts == 1


async def test_failures_back_off_and_give_up_after_max_attempts(database: Database) -> None:
    await add_events(database, ("EvBAD", None))
    repository = InboxRepository(database, lease=timedelta(seconds=1))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        event = await repository.claim()
        assert event is not None and event.attempts == attempt
        await repository.fail(event, "boom", NOW)
        assert await repository.claim() is None  # backing off
        async with database.sessions.begin() as session:  # the back-off passes
            await session.execute(update(InboxEvent).values(claimed_until=None))
    assert await repository.claim() is None
    assert await repository.purge(NOW + timedelta(days=1)) == 1


async def test_the_sqlite_writer_waits_off_the_event_loop_while_another_transaction_writes(
    database: Database,
) -> None:
    """Waiting on the loop would stall the very transaction it waits for (until a 30 s timeout)."""
    if not database.is_sqlite:
        pytest.skip("PostgreSQL has no file-wide write lock")
    writer = open_inbox_writer(database)
    try:
        async with database.sessions.begin() as session:
            await insert_event(session, "EvHOLD")
            adding = asyncio.create_task(writer.add("EvWAIT", "{}", NOW, None))
            started = time.monotonic()
            await asyncio.sleep(0.2)
            assert time.monotonic() - started < 1.0 and not adding.done()
        assert await asyncio.wait_for(adding, 5) is True
    finally:
        await writer.close()


async def test_a_batch_claim_takes_each_thread_once_and_in_order(database: Database) -> None:
    await add_events(database, *((f"Ev{n}", f"C1:{n % 3}") for n in range(9)), ("EvLONE", None))
    repository = InboxRepository(database)
    batch = await repository.claim_many(10)
    assert sorted(c.body for c in batch) == sorted(
        ['{"id": "Ev0"}', '{"id": "Ev1"}', '{"id": "Ev2"}', '{"id": "EvLONE"}']
    )
    assert await repository.claim_many(10) == []  # each thread's next event waits for its first
    for event in batch:
        assert await repository.complete(event, NOW)
    assert sorted(c.body for c in await repository.claim_many(10)) == [
        '{"id": "Ev3"}',
        '{"id": "Ev4"}',
        '{"id": "Ev5"}',
    ]


async def test_sqlite_writers_in_one_process_take_turns_instead_of_sleeping_in_sqlite(
    database: Database,
) -> None:
    """SQLite's busy handler sleeps up to 100 ms at a time; a turn passes as soon as the holder commits."""
    if not database.is_sqlite:
        pytest.skip("PostgreSQL locks rows, not the file")
    hold = 0.02

    async def write(n: int) -> None:
        async with database.sessions.begin() as session:
            await insert_event(session, f"EvTURN{n}")
            await asyncio.sleep(hold)  # the write lock stays held across an await, as in a use case

    started = time.monotonic()
    await asyncio.gather(*(write(n) for n in range(20)))
    elapsed = time.monotonic() - started
    assert elapsed < 20 * hold + 1.0, f"20 writers of {hold}s each took {elapsed:.2f}s"
    assert len(await claim_all(InboxRepository(database))) == 20


async def test_the_ack_insert_lands_as_soon_as_a_long_transaction_commits(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("PostgreSQL has no file-wide write lock")
    writer = open_inbox_writer(database)
    try:
        async with database.sessions.begin() as session:
            await insert_event(session, "EvHOLD")
            adding = asyncio.create_task(writer.add("EvWAIT", "{}", NOW, None))
            await asyncio.sleep(0.5)
            assert not adding.done()
        committed = time.monotonic()
        assert await asyncio.wait_for(adding, 5) is True
        # SQLite's own busy handler would be sleeping in 50-100 ms steps by now.
        assert time.monotonic() - committed < 0.05
    finally:
        await writer.close()


async def test_acks_that_arrive_together_share_one_commit_and_each_learns_whether_it_was_new(
    database: Database,
) -> None:
    """Group commit: a burst of acks costs a few commits (log flushes), not one each; retries stay no-ops."""
    writer = open_inbox_writer(database)
    await writer.add("EvEARLIER", "{}", NOW, None)
    log_before = await _commit_marker(database)
    burst = [f"EvBURST{n}" for n in range(100)]
    # Slack's retries: a delivery already stored, and one event delivered twice within the burst.
    deliveries = [*burst, "EvEARLIER", "EvBURST7"]
    try:
        answers = await asyncio.gather(
            *(writer.add(event_id, f'{{"id": "{event_id}"}}', NOW, None) for event_id in deliveries)
        )
        # Each ack was answered after its row was committed: another connection sees every row now.
        reader = Database(database.url.render_as_string(hide_password=False))
        async with reader.sessions() as other:
            stored = set(await other.scalars(select(InboxEvent.event_id)))
        await reader.dispose()
    finally:
        await writer.close()
    assert answers == [True] * 100 + [False, False]
    assert stored == {*burst, "EvEARLIER"}
    commits = await _commits_since(database, log_before, burst)
    assert commits <= 10, f"100 acks that arrived together took {commits} commits"


async def _commit_marker(database: Database) -> int:
    """Where SQLite's write-ahead log stands (emptied first); PostgreSQL needs no marker."""
    if not database.is_sqlite:
        return 0
    path = database.url.database or ""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return os.path.getsize(f"{path}-wal") if os.path.exists(f"{path}-wal") else 0


async def _commits_since(database: Database, log_before: int, event_ids: list[str]) -> int:
    """How many transactions wrote these rows: PostgreSQL's row `xmin`s; for SQLite, frames in the log
    over the fewest any one commit writes (a commit of one row writes at least two pages)."""
    if database.is_sqlite:
        path = database.url.database or ""
        with sqlite3.connect(path) as connection:
            page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        frames = (os.path.getsize(f"{path}-wal") - max(log_before, 32)) // (page_size + 24)
        return frames // 2
    async with database.sessions() as session:
        return await session.scalar(
            select(func.count(distinct(text("xmin::text")))).where(InboxEvent.event_id.in_(event_ids))
        )


async def test_acks_waiting_for_the_write_lock_go_before_this_process_s_next_writer(
    database: Database,
) -> None:
    """The next transaction in line would take the lock the moment the holder commits; acks go first."""
    if not database.is_sqlite:
        pytest.skip("PostgreSQL has no file-wide write lock")
    writer = open_inbox_writer(database)

    async def later_writer() -> None:
        async with database.sessions.begin() as session:
            await insert_event(session, "EvLATER")

    try:
        async with database.sessions.begin() as session:
            await insert_event(session, "EvHOLD")
            acking = asyncio.create_task(writer.add("EvACK", "{}", NOW, None))
            await asyncio.sleep(0.05)  # the ack met the lock and waits
            queued = asyncio.create_task(later_writer())
            await asyncio.sleep(0.05)  # the later writer waits for its turn
        assert await asyncio.wait_for(acking, 5) is True
        await asyncio.wait_for(queued, 5)
    finally:
        await writer.close()
    assert [c.body for c in await claim_all(InboxRepository(database))] == ["{}"] * 3
    async with database.sessions() as session:
        order = list(await session.scalars(select(InboxEvent.event_id).order_by(InboxEvent.id)))
    assert order == ["EvHOLD", "EvACK", "EvLATER"]


async def test_statements_wait_for_acks_only_so_long_when_another_process_holds_the_lock(
    database: Database,
) -> None:
    """The lock's holder may be another process (a CLI command): this one's reads go on after a second."""
    if not database.is_sqlite:
        pytest.skip("PostgreSQL has no file-wide write lock")
    writer = open_inbox_writer(database)
    other_process = sqlite3.connect(database.url.database or "", isolation_level=None)
    try:
        other_process.execute("BEGIN IMMEDIATE")
        acking = asyncio.create_task(writer.add("EvACK", "{}", NOW, None))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        async with database.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(InboxEvent)) == 0
        assert 0.5 < time.monotonic() - started < 3.0  # waited for the acks, but not for ever
        other_process.execute("COMMIT")
        assert await asyncio.wait_for(acking, 5) is True
    finally:
        other_process.close()
        await writer.close()


async def test_a_writer_cancelled_mid_statement_ends_cancelled(database: Database) -> None:
    """Shutdown cancels listeners mid-statement: handing the write turn back must not raise instead."""

    async def busy_writer() -> None:
        async with database.sessions.begin() as session:
            await insert_event(session, "EvCANCELLED")
            while True:
                await session.scalar(select(func.count()).select_from(InboxEvent))

    writing = asyncio.create_task(busy_writer())
    await asyncio.sleep(0.05)
    writing.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(writing, 5)
