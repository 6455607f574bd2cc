"""Activity records and the thread store on each database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from domain.conversation import SeenMessage
from storage import activities, customers, threads
from storage.activities import ActivityDraft
from storage.db import Database
from storage.models import Activity

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def draft(**changes: object) -> ActivityDraft:
    values: dict = dict(
        team_id="T1",
        source="thread",
        channel_id="C1",
        thread_ts="100.1",
        message_ts="100.2",
        author_id="U1",
        customer_id=None,
        activity_type="quote",
        summary="s",
        full_text="f",
        signals=["price_objection"],
        next_action="send quote",
        due_at=NOW + timedelta(days=2),
    )
    return ActivityDraft(**(values | changes))


async def test_one_record_per_thread_and_what_a_rearchive_leaves_out_is_kept(database: Database) -> None:
    async with database.sessions.begin() as session:
        acme = await customers.find_or_create(session, "T1", "ACME", NOW)
        first = await activities.upsert_thread_record(session, draft(customer_id=acme.id), NOW)
    async with database.sessions.begin() as session:
        again = await activities.upsert_thread_record(
            session,
            draft(author_id="U2", activity_type=None, next_action=None, due_at=None, summary="s2"),
            NOW + timedelta(hours=1),
        )
    assert again.id == first.id and again.summary == "s2"
    assert (again.customer_id, again.activity_type, again.next_action) == (acme.id, "quote", "send quote")
    assert again.due_at == NOW + timedelta(days=2) and again.author_id == "U1"
    assert again.created_at == NOW and again.updated_at == NOW + timedelta(hours=1)
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Activity)) == 1


async def test_customers_are_matched_whatever_the_case(database: Database) -> None:
    async with database.sessions.begin() as session:
        one = await customers.find_or_create(session, "T1", "ACME  Corp", NOW)
        two = await customers.find_or_create(session, "T1", "acme corp", NOW)
        named = await customers.named_in(session, "T1", "we met Acme Corp's buyer")
    assert one.id == two.id == named.id and one.name == "ACME Corp"


async def test_unarchived_messages_are_purged_after_retention(database: Database) -> None:
    old, kept, recent = "1700000000.000001", "1700000000.000002", str(NOW.timestamp())
    async with database.sessions.begin() as session:
        for ts, thread in ((old, old), (kept, kept), (recent, recent)):
            await threads.save_message(session, SeenMessage("T1", "C1", ts, thread, "U1", False, "hi"))
        await threads.mark_archived(session, "C1", kept, archived=True)
    async with database.sessions.begin() as session:
        assert await threads.purge_unarchived(session, NOW - timedelta(days=30)) == 1
        remaining = [
            m.ts for ts in (old, kept, recent) for m in await threads.thread_messages(session, "C1", ts)
        ]
    assert remaining == [kept, recent]


async def test_an_edited_message_replaces_its_text(database: Database) -> None:
    async with database.sessions.begin() as session:
        await threads.save_message(session, SeenMessage("T1", "C1", "1.1", "1.1", "U1", False, "before"))
        await threads.save_message(
            session, SeenMessage("T1", "C1", "1.1", "1.1", "U1", False, "after #archive")
        )
        [message] = await threads.thread_messages(session, "C1", "1.1")
    assert message.text == "after #archive"
