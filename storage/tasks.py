"""Open items and their ladders: written by the use cases, read by sweeps that touch only what is due.

Every ladder move is a compare-and-set on (`id`, `step`, `state`): of two replicas sweeping at once,
one moves the step and writes its messages; the other's update matches no row and it sends nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Task
from storage.upsert import dialect_of, insert_for

OPEN, DONE, CANCELLED = "open", "done", "cancelled"


async def get(session: AsyncSession, task_id: int, *, for_update: bool = False) -> Task | None:
    """One task, locked for the caller's transaction when asked."""
    query = select(Task).where(Task.id == task_id).execution_options(populate_existing=True)
    return await session.scalar(query.with_for_update() if for_update else query)


async def of_subject(session: AsyncSession, team_id: str, kind: str, subject_id: int) -> Task | None:
    """The task about one follow-up or lead, locked: its state is about to follow the subject's."""
    query = select(Task).where(Task.team_id == team_id, Task.kind == kind, Task.subject_id == subject_id)
    return await session.scalar(query.with_for_update().execution_options(populate_existing=True))


async def create(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """A new task, written whole in one statement: its id, or None if one about the same subject exists."""
    return await session.scalar(_create_statement(dialect_of(session)), values)


@cache
def _create_statement(dialect: str) -> Any:
    """`create`'s insert, built once: the values go in as parameters (a task per record filed). The
    table, not the entity: nothing reads the new task back."""
    return (
        insert_for(dialect, Task.__table__)
        .on_conflict_do_nothing(index_elements=["team_id", "kind", "subject_id"])
        .returning(Task.__table__.c.id)
    )


def close(task: Task | None, state: str, actor: str | None, now: datetime) -> None:
    """End an open task (done or cancelled) and its ladder with it; a closed task (or none) stays as it was."""
    if task is None or task.state != OPEN:
        return
    task.state, task.closed_by, task.closed_at, task.updated_at = state, actor, now, now
    task.next_step_at = None


async def due_steps(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    """Tasks whose ladder has a step due at `now`, oldest first: an index range, whatever the table holds."""
    rows = await session.scalars(
        select(Task.id).where(Task.next_step_at <= now).order_by(Task.next_step_at).limit(limit)
    )
    return list(rows)


async def move_ladder(session: AsyncSession, task: Task, *, from_step: int, values: dict[str, Any]) -> bool:
    """Compare-and-set: change the ladder only if nobody moved it past `from_step` or closed the task."""
    result = await session.execute(
        update(Task)
        .where(Task.id == task.id, Task.step == from_step, Task.state == OPEN)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def open_of(
    session: AsyncSession, team_id: str, owner_ids: Sequence[str], due_by: datetime | None = None
) -> list[Task]:
    """The open tasks of some owners (due by `due_by` when given), for their lists."""
    query = select(Task).where(Task.team_id == team_id, Task.owner_id.in_(owner_ids), Task.state == OPEN)
    if due_by is not None:
        query = query.where(Task.due_at <= due_by)
    return list(await session.scalars(query.order_by(Task.due_at, Task.id)))


async def open_items_of(
    session: AsyncSession, team_id: str, owner_ids: Sequence[str], due_by: datetime
) -> list[tuple[int, str, str, datetime, datetime | None]]:
    """(id, owner, kind, due_at, snoozed_until) of some owners' open tasks due by `due_by`.

    Only what ranking reads: a morning of cards ranks tens of thousands of items, and loading each as a
    whole `Task` (title, ladder, told) took longer than everything else the cards need.
    """
    rows = await session.execute(
        select(Task.id, Task.owner_id, Task.kind, Task.due_at, Task.snoozed_until).where(
            Task.team_id == team_id, Task.owner_id.in_(owner_ids), Task.state == OPEN, Task.due_at <= due_by
        )
    )
    return [(task_id, owner, kind, due_at, snoozed) for task_id, owner, kind, due_at, snoozed in rows]


async def owners_with_open(session: AsyncSession, due_by: datetime) -> list[tuple[str, str]]:
    """(team, owner) of everyone with an open task due by `due_by`: who may need a card this morning."""
    rows = await session.execute(
        select(Task.team_id, Task.owner_id)
        .where(Task.state == OPEN, Task.due_at <= due_by)
        .group_by(Task.team_id, Task.owner_id)
    )
    return [(team, owner) for team, owner in rows]


async def listing(session: AsyncSession) -> list[Task]:
    """Every task, for the export."""
    return list(await session.scalars(select(Task).order_by(Task.id)))


async def late_ladders(session: AsyncSession, before: datetime) -> int:
    """How many running ladders have a step due before `before` and not yet taken (the auditor's count)."""
    return int(await session.scalar(select(func.count()).where(Task.next_step_at < before)) or 0)
