"""Tasks and ladders on each database: items follow their lead, ladders keep their steps, sweeps read only what is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from config.rules import Rules
from storage import customers
from storage.db import Database
from storage.models import OutboxMessage, Task
from usecases.activities import ActivityDesk, RecordEdit
from usecases.deals import DealDesk
from usecases.lead_input import LeadInput
from usecases.leads import LeadDesk
from usecases.task_book import TaskBook
from usecases.tasks import TaskDesk

TEAM = "T1"
MONDAY_NOON = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
LEADS = {
    "managers": ["UBOSS"],
    "pools": [{"id": "east", "channel": "CEAST", "regions": ["East"], "members": ["UALICE"]}],
    "reps": [{"user_id": "UALICE", "name": "Alice", "joined": "2024-01-01", "regions": ["East"]}],
}


def rules_with(ladder: list[dict]) -> Rules:
    return Rules.model_validate({"leads": LEADS, "ladders": {"lead_not_contacted": ladder}})


def desks(database: Database, rules: Rules) -> tuple[LeadDesk, TaskDesk]:
    leads = LeadDesk(database, rules.leads, TaskBook(rules, "Asia/Shanghai"))
    return leads, TaskDesk(database, rules, leads, "Asia/Shanghai")


async def only_task(database: Database) -> Task:
    async with database.sessions() as session:
        return await session.scalar(select(Task))


async def escalations(database: Database) -> list[str]:
    async with database.sessions() as session:
        keys = await session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "escalation")
        )
        return sorted(keys)


def acme() -> LeadInput:
    return LeadInput.model_validate(
        {"company": "ACME", "contact": "Li", "phone": "13800000000", "region": "East"}
    )


async def test_an_assigned_lead_is_its_owners_item_until_contacted(database: Database) -> None:
    leads, _ = desks(database, rules_with([{"tell": "owner", "hours": 24}]))
    placed = await leads.intake(TEAM, acme(), MONDAY_NOON)
    task = await only_task(database)
    assert (task.kind, task.owner_id, task.state) == ("lead_contact", "UALICE", "open")
    assert task.due_at == MONDAY_NOON + timedelta(hours=24)
    assert task.next_step_at == MONDAY_NOON + timedelta(hours=24)
    await leads.mark_contacted(placed.lead.id, "UALICE", MONDAY_NOON + timedelta(hours=2))
    task = await only_task(database)
    assert task.state == "done" and task.next_step_at is None and task.closed_by == "UALICE"


async def test_a_running_ladder_keeps_the_steps_it_started_with(database: Database) -> None:
    before = rules_with([{"tell": "owner", "hours": 24}, {"tell": "manager", "hours": 30}])
    leads, _ = desks(database, before)
    await leads.intake(TEAM, acme(), MONDAY_NOON)
    # The rules file changes: the manager is now told after 2 hours, and never the owner.
    _, tasks = desks(database, rules_with([{"tell": "manager", "hours": 2}]))
    assert await tasks.sweep(MONDAY_NOON + timedelta(hours=3)) == 0  # the old ladder has nothing due yet
    assert await tasks.sweep(MONDAY_NOON + timedelta(hours=24)) == 1
    assert await escalations(database) == ["escalation:1:0:0:UALICE"]  # the owner, as the old ladder said
    assert await tasks.sweep(MONDAY_NOON + timedelta(hours=30)) == 1
    assert await escalations(database) == ["escalation:1:0:0:UALICE", "escalation:1:0:1:UBOSS"]
    assert await tasks.sweep(MONDAY_NOON + timedelta(days=2)) == 0  # the ladder is over
    assert (await only_task(database)).next_step_at is None


async def test_a_sweep_reads_only_due_rows(database: Database) -> None:
    leads, tasks = desks(database, rules_with([{"tell": "owner", "hours": 24}]))
    await leads.intake(TEAM, acme(), MONDAY_NOON)
    statements: list[str] = []
    engine = database.engine.sync_engine

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert await tasks.sweep(MONDAY_NOON + timedelta(hours=1)) == 0
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    task_reads = [s for s in statements if "FROM tasks" in s]
    assert len(task_reads) == 1 and "next_step_at <=" in task_reads[0]  # nothing due: one indexed read


async def test_the_auditor_counts_ladders_more_than_five_minutes_behind(database: Database) -> None:
    leads, tasks = desks(database, rules_with([{"tell": "owner", "hours": 24}]))
    await leads.intake(TEAM, acme(), MONDAY_NOON)
    due = MONDAY_NOON + timedelta(hours=24)
    assert await tasks.late_ladders(due + timedelta(minutes=4)) == 0  # a sweep may still be on its way
    assert await tasks.late_ladders(due + timedelta(minutes=6)) == 1  # no sweep took it: say so
    await tasks.sweep(due + timedelta(minutes=6))
    assert await tasks.late_ladders(due + timedelta(minutes=6)) == 0


def activity_desks(database: Database) -> tuple[ActivityDesk, TaskDesk]:
    rules = rules_with([{"tell": "owner", "hours": 0}, {"tell": "manager", "hours": 4}])
    leads, tasks = desks(database, rules)
    book = TaskBook(rules, "Asia/Shanghai")
    return ActivityDesk(database, rules, leads, book, DealDesk(database, rules, book)), tasks


async def log_quote_follow_up(desk: ActivityDesk) -> int:
    filed = await desk.log_follow_up(
        team_id=TEAM,
        channel_id="CSALES",
        author_id="UALICE",
        author_tz="Asia/Shanghai",
        text="ACME called, next: today 14:00 send the quote",
        now=MONDAY_NOON,
    )
    return filed.activity.id


async def test_a_new_due_time_starts_the_ladder_over_with_messages_of_its_own(database: Database) -> None:
    desk, tasks = activity_desks(database)
    activity_id = await log_quote_follow_up(desk)
    assert await tasks.sweep(MONDAY_NOON + timedelta(hours=3)) == 1  # 15:00: the owner was told at 14:00
    edit = RecordEdit(None, None, None, "send the quote", "tomorrow 14:00", None)
    await desk.edit(activity_id, "UALICE", edit, "Asia/Shanghai", MONDAY_NOON + timedelta(hours=3))
    task = await only_task(database)
    assert task.ladder_round == 1 and task.step == 0 and task.state == "open"
    assert task.next_step_at == MONDAY_NOON + timedelta(days=1, hours=2)
    assert await tasks.sweep(MONDAY_NOON + timedelta(days=1, hours=3)) == 1
    assert await escalations(database) == ["escalation:1:0:0:UALICE", "escalation:1:1:0:UALICE"]


async def test_filing_the_same_follow_up_again_after_done_leaves_it_done(database: Database) -> None:
    desk, tasks = activity_desks(database)
    activity_id = await log_quote_follow_up(desk)
    task = await only_task(database)
    await tasks.done(task.id, "UALICE", MONDAY_NOON + timedelta(hours=1))
    await desk.pick_customer(
        activity_id, await customer_id(database), "UALICE", MONDAY_NOON + timedelta(hours=2)
    )
    assert (await only_task(database)).state == "done"


async def customer_id(database: Database) -> int:
    async with database.sessions.begin() as session:
        return (await customers.find_or_create(session, TEAM, "ACME Corp", MONDAY_NOON)).id
