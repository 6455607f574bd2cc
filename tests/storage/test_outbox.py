"""The outbox on each database: one row per key, one holder per row, only the holder settles it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import Outgoing

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def dm(n: int, key: str | None = None) -> Outgoing:
    return Outgoing(key=key or f"dm:{n}", kind="text", team_id="T1", channel=f"U{n:04d}", payload={"n": n})


async def claim(database: Database, now: datetime = NOW, **options: object) -> list[outbox.ClaimedMessage]:
    async with database.sessions.begin() as session:
        return await outbox.claim(
            session, now, limit=options.pop("limit", 50), lease=timedelta(seconds=30), **options
        )  # type: ignore[arg-type]


async def row(database: Database, key: str) -> OutboxMessage:
    async with database.sessions() as session:
        return (await session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))).one()


async def test_a_key_is_queued_once_ever(database: Database) -> None:
    async with database.sessions.begin() as session:
        assert await outbox.send_once(session, dm(1), NOW)
        assert not await outbox.send_once(session, dm(1), NOW)
    [held] = await claim(database)
    async with database.sessions.begin() as session:
        assert await outbox.complete(session, held, "D1", "1.1", NOW)
    async with database.sessions.begin() as session:
        assert not await outbox.send_once(session, dm(1), NOW + timedelta(days=1))  # sent: still never again
    assert await claim(database, NOW + timedelta(days=1)) == []


async def test_rows_are_due_by_the_bots_clock(database: Database) -> None:
    async with database.sessions.begin() as session:
        await outbox.send_once(session, dm(1), NOW + timedelta(minutes=5))
    assert await claim(database, NOW) == []
    assert len(await claim(database, NOW + timedelta(minutes=5))) == 1


async def test_two_replicas_never_hold_the_same_row(database: Database) -> None:
    async with database.sessions.begin() as session:
        for n in range(80):
            await outbox.send_once(session, dm(n), NOW)
    other = Database(database.url.render_as_string(hide_password=False))

    async def drain(db: Database) -> list[int]:
        taken = []
        while batch := await claim(db, limit=7):
            for message in batch:
                async with db.sessions.begin() as session:
                    assert await outbox.complete(session, message, message.channel, "1.1", NOW)
                taken.append(message.id)
        return taken

    results = await asyncio.gather(*(drain(db) for db in (database, other) for _ in range(3)))
    await other.dispose()
    ids = [i for taken in results for i in taken]
    assert len(ids) == len(set(ids)) == 80


async def test_only_the_lease_holder_settles_a_row(database: Database) -> None:
    async with database.sessions.begin() as session:
        await outbox.send_once(session, dm(1), NOW)
    [held] = await claim(database)
    assert await claim(database) == []  # leased
    stale = held.__class__(**{**held.__dict__, "lease_token": "someone-else"})
    async with database.sessions.begin() as session:
        assert not await outbox.complete(session, stale, "D1", "1.1", NOW)
        assert not await outbox.bury(session, stale, "nope")
        assert await outbox.retry_later(
            session, held, NOW + timedelta(seconds=1), "ratelimited", in_doubt=False
        )
    stored = await row(database, "dm:1")
    assert stored.state == "pending" and stored.lease_token is None and stored.last_error == "ratelimited"


async def test_a_post_in_flight_is_in_doubt_until_slack_answers(database: Database) -> None:
    async with database.sessions.begin() as session:
        await outbox.send_once(session, dm(1), NOW)
    [held] = await claim(database)
    assert not held.in_doubt  # nobody has tried yet
    assert (await row(database, "dm:1")).in_doubt  # this attempt may reach Slack
    async with database.sessions.begin() as session:
        await outbox.release(session, held, attempted=True)  # the worker stopped mid-post
    [again] = await claim(database)
    assert again.in_doubt and again.attempts == 0  # handed back unspent; the next holder looks first
    async with database.sessions.begin() as session:
        await outbox.release(session, again, attempted=True)


async def test_a_row_handed_back_before_any_attempt_is_not_in_doubt(database: Database) -> None:
    async with database.sessions.begin() as session:
        await outbox.send_once(session, dm(1), NOW)
    [held] = await claim(database)
    async with database.sessions.begin() as session:
        await outbox.release(session, held, attempted=False)  # stopping before the send began
    [again] = await claim(database)
    assert not again.in_doubt  # so no look-up in Slack before posting


async def test_newer_states_of_one_message_coalesce_into_one_update(database: Database) -> None:
    card = Outgoing(key="record-card:1", kind="record_card", team_id="T1", channel="C1", payload={"v": 1})
    async with database.sessions.begin() as session:
        await outbox.show(session, card, NOW)
    [first] = await claim(database)
    async with database.sessions.begin() as session:  # two edits while the post is on its way
        await outbox.show(session, card, NOW)
        await outbox.show(session, card, NOW)
        assert await outbox.complete(session, first, "C1", "9.9", NOW)
    [update] = await claim(database)
    assert update.message_ts == "9.9" and update.version == 3  # one update, to the latest state
    async with database.sessions.begin() as session:
        assert await outbox.complete(session, update, "C1", "9.9", NOW)
    stored = await row(database, "record-card:1")
    assert stored.state == "sent" and stored.sent_version == 3
    assert await claim(database) == []


async def test_dead_letters_wait_for_a_person_to_retry_them(database: Database) -> None:
    async with database.sessions.begin() as session:
        await outbox.send_once(session, dm(1), NOW)
    [held] = await claim(database)
    async with database.sessions.begin() as session:
        assert await outbox.bury(session, held, "channel_not_found")
        assert [r.dedupe_key for r in await outbox.listing(session, dead=True)] == ["dm:1"]
        assert await outbox.listing(session, dead=False) == []
    assert await claim(database, NOW + timedelta(days=2)) == []
    async with database.sessions.begin() as session:
        assert await outbox.requeue(session, held.id, NOW + timedelta(days=2))
        assert not await outbox.requeue(session, 12345, NOW)
    [again] = await claim(database, NOW + timedelta(days=2))
    assert again.pending_since == NOW + timedelta(days=2)  # a fresh 24 h


async def test_a_retry_asked_for_while_a_worker_holds_the_row_leaves_it_to_that_worker(
    database: Database,
) -> None:
    async with database.sessions.begin() as session:
        await outbox.send_once(session, dm(1), NOW)
    [held] = await claim(database)
    async with database.sessions.begin() as session:
        assert await outbox.requeue(session, held.id, NOW)
    assert await claim(database) == []  # nobody else may post it while the holder may be posting
    async with database.sessions.begin() as session:
        assert await outbox.complete(session, held, "D1", "1.1", NOW)
    assert (await row(database, "dm:1")).state == "sent"


async def test_one_message_per_channel_is_handed_out_at_a_time(database: Database) -> None:
    async with database.sessions.begin() as session:
        for n in range(3):
            await outbox.send_once(session, Outgoing(f"post:{n}", "text", "T1", "CBUSY", {}), NOW)
        await outbox.send_once(session, dm(9), NOW)
    batch = await claim(database)
    assert sorted(m.channel for m in batch) == ["CBUSY", "U0009"]
    assert [m.key for m in batch if m.channel == "CBUSY"] == ["post:0"]  # in order
    assert await claim(database, busy_channels=frozenset({"CBUSY"})) == []
