"""Scheduled runs claimed once for the whole cluster: a unique (job, subject, slot) row per run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import JobRun
from storage.upsert import insert_into


async def claim(
    session: AsyncSession, job: str, slot: datetime, claimed_by: str, now: datetime, subject: str = ""
) -> bool:
    """Take the run of `job` (for `subject`) due at `slot`; False if anyone, anywhere, already did."""
    result = await session.execute(
        insert_into(session, JobRun)
        .values(job=job, subject=subject, slot=slot, claimed_by=claimed_by, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["job", "subject", "slot"])
    )
    return bool(result.rowcount)


async def claim_each(
    session: AsyncSession, job: str, slots: dict[str, datetime], claimed_by: str, now: datetime
) -> set[str]:
    """Take the run of `job` due at `slots[subject]` for each subject at once; the subjects won.

    One statement for a whole batch (a morning of to-do cards), with the same guarantee as `claim`.
    Subjects go in sorted order, so two replicas claiming overlapping batches wait on each other's
    rows in the same order and never deadlock.
    """
    if not slots:
        return set()
    rows = [
        {"job": job, "subject": subject, "slot": slots[subject], "claimed_by": claimed_by, "claimed_at": now}
        for subject in sorted(slots)
    ]
    statement = insert_into(session, JobRun.__table__).on_conflict_do_nothing(
        index_elements=["job", "subject", "slot"]
    )
    won = await session.scalars(statement.returning(JobRun.__table__.c.subject), rows)
    return set(won)


async def finish(
    session: AsyncSession,
    job: str,
    slot: datetime,
    now: datetime,
    error: str | None = None,
    subject: str = "",
) -> None:
    """Note how a claimed run ended."""
    await session.execute(
        update(JobRun)
        .where(JobRun.job == job, JobRun.subject == subject, JobRun.slot == slot)
        .values(finished_at=now, error=error[:2000] if error else None)
    )


async def claimed_subjects(session: AsyncSession, job: str, slot: datetime) -> set[str]:
    """The subjects whose run of `job` at `slot` someone has claimed (one index range)."""
    return set(await session.scalars(select(JobRun.subject).where(JobRun.job == job, JobRun.slot == slot)))
