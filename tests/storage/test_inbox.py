"""The inbox on each database: one row per event_id, one claimant per row, leases that expire."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from storage.db import Database
from storage.inbox import MAX_ATTEMPTS, InboxRepository, open_inbox_writer
from storage.models import InboxEvent

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


async def test_the_lean_writer_keeps_one_row_per_event_id(database: Database) -> None:
    writer = open_inbox_writer(database)
    try:
        assert await writer.add("Ev1", '{"a": 1}', NOW) is True
        assert await writer.add("Ev1", '{"a": 1}', NOW) is False
        assert await writer.add("Ev2", '{"a": 2}', NOW) is True
    finally:
        await writer.close()
    claimed = await InboxRepository(database).claim(NOW)
    assert [c.body for c in claimed] == ['{"a": 1}', '{"a": 2}']


async def test_two_replicas_never_claim_the_same_row(database: Database) -> None:
    writer = open_inbox_writer(database)
    for n in range(60):
        await writer.add(f"Ev{n}", "{}", NOW)
    await writer.close()
    other = Database(database.url.render_as_string(hide_password=False))
    replicas = [InboxRepository(database), InboxRepository(other)]

    async def claim_until_empty(repository: InboxRepository) -> list[int]:
        taken: list[int] = []
        while batch := await repository.claim(NOW, limit=7):
            taken += [c.id for c in batch]
        return taken

    results = await asyncio.gather(*(claim_until_empty(r) for r in replicas for _ in range(3)))
    await other.dispose()
    ids = [i for taken in results for i in taken]
    assert len(ids) == len(set(ids)) == 60


async def test_a_lease_runs_out_and_a_completed_row_is_never_claimed_again(database: Database) -> None:
    writer = open_inbox_writer(database)
    await writer.add("EvA", "{}", NOW)
    await writer.add("EvB", "{}", NOW)
    await writer.close()
    repository = InboxRepository(database, lease=timedelta(seconds=30))
    first, second = await repository.claim(NOW)
    assert await repository.claim(NOW + timedelta(seconds=10)) == []
    await repository.complete(first.id, NOW)
    again = await repository.claim(NOW + timedelta(seconds=31))
    assert [c.id for c in again] == [second.id] and again[0].attempts == 2


async def test_failures_back_off_and_give_up_after_max_attempts(database: Database) -> None:
    writer = open_inbox_writer(database)
    await writer.add("EvBAD", "{}", NOW)
    await writer.close()
    repository = InboxRepository(database, lease=timedelta(seconds=1))
    moment = NOW
    for _ in range(MAX_ATTEMPTS):
        [event] = await repository.claim(moment)
        await repository.fail(event, "boom", moment)
        moment += timedelta(hours=1)
    assert await repository.claim(moment) == []
    assert await repository.purge(moment + timedelta(days=1)) == 1


async def test_the_sqlite_writer_waits_off_the_event_loop_while_another_transaction_writes(
    database: Database,
) -> None:
    """Waiting on the loop would stall the very transaction it waits for (until a 30 s timeout)."""
    if not database.is_sqlite:
        pytest.skip("PostgreSQL has no file-wide write lock")
    writer = open_inbox_writer(database)
    try:
        async with database.sessions.begin() as session:
            await session.execute(
                insert(InboxEvent).values(event_id="EvHOLD", body="{}", received_at=NOW, attempts=0)
            )
            adding = asyncio.create_task(writer.add("EvWAIT", "{}", NOW))
            started = time.monotonic()
            await asyncio.sleep(0.2)
            assert time.monotonic() - started < 1.0 and not adding.done()
        assert await asyncio.wait_for(adding, 5) is True
    finally:
        await writer.close()
