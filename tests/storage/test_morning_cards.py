"""The morning's to-do cards on each database, claimed and queued a batch of reps at a time.

Two replicas run the 09:00 job at once over more reps than one batch holds: every rep with something
to do today gets exactly one card listing their three most urgent items; nobody else gets one.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from storage import tasks as store
from storage import users
from storage.db import Database
from storage.models import JobRun, OutboxMessage
from usecases.leads import LeadDesk
from usecases.tasks import CARD_BATCH, TaskDesk

NOW = datetime(2026, 12, 2, 1, 5, tzinfo=UTC)  # Wednesday 09:05 in Shanghai, 20:05 on Tuesday in New York
TEAM = "T1"
REPS = CARD_BATCH + 20


def desk(database: Database) -> TaskDesk:
    rules = Rules()
    return TaskDesk(database, rules, LeadDesk(database, rules.leads), "Asia/Shanghai")


async def add_task(
    session: AsyncSession, number: int, owner: str, due_in: timedelta, kind: str = "follow_up"
) -> int:
    due_at = NOW + due_in
    task_id = await store.create(
        session,
        {
            "team_id": TEAM,
            "kind": kind,
            "subject_id": number,
            "owner_id": owner,
            "title": f"回访 {number}",
            "customer": None,
            "anchor_at": due_at,
            "due_at": due_at,
            "state": store.OPEN,
            "steps": [],
            "step": 0,
            "told": [],
            "created_at": NOW,
            "updated_at": NOW,
        },
    )
    assert task_id is not None
    return task_id


async def test_two_replicas_queue_one_card_per_rep_with_their_three_most_urgent(database: Database) -> None:
    expected: dict[str, list[int]] = {}
    async with database.sessions.begin() as session:
        for rep in range(REPS):  # one overdue follow-up each
            expected[f"U{rep:04d}"] = [await add_task(session, rep, f"U{rep:04d}", timedelta(hours=-2))]
        # U0000's list: a lead past its limit comes after overdue follow-ups; the latest follow-up first.
        late = await add_task(session, 10_001, "U0000", timedelta(days=-2))
        lead = await add_task(session, 10_002, "U0000", timedelta(days=-3), kind="lead_contact")
        await add_task(session, 10_003, "U0000", timedelta(hours=3))  # due today: fourth, "1 more"
        expected["U0000"] = [late, expected["U0000"][0], lead]
        await add_task(session, 10_004, "ULATER", timedelta(days=1))  # tomorrow only: no card today
        await add_task(session, 10_005, "UNEWYORK", timedelta(hours=-1))  # not 09:00 there yet
        await add_task(session, 10_006, "UGONE", timedelta(hours=-1))  # deactivated in Slack
        for user, tz, deleted in (("UNEWYORK", "America/New_York", False), ("UGONE", "Asia/Shanghai", True)):
            await users.remember(
                session, team_id=TEAM, user_id=user, name=user, locale="en-US", tz=tz, is_bot=False, now=NOW,
                deleted=deleted,
            )  # fmt: skip

    queued = await asyncio.gather(
        desk(database).morning_cards(NOW, "a"), desk(database).morning_cards(NOW, "b")
    )

    assert sum(queued) == REPS
    async with database.sessions() as session:
        cards = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "todo_card")))
        claims = await session.scalar(
            select(func.count()).select_from(JobRun).where(JobRun.job == "todo_card")
        )
    assert {card.channel: card.payload["task_ids"] for card in cards} == expected
    assert {card.dedupe_key for card in cards} == {f"todo:{rep}:2026-12-02" for rep in expected}
    [first] = [card for card in cards if card.channel == "U0000"]
    assert first.payload["more"] == 1 and claims == REPS
    assert await desk(database).morning_cards(NOW + timedelta(minutes=5), "a") == 0  # once a day


async def test_a_team_with_its_own_hour_gets_its_cards_then(database: Database) -> None:
    rules = Rules.model_validate(
        {
            "leads": {
                "pools": [{"id": "early", "members": ["UEARLY"], "todo_at": "08:30"}],
                "reps": [{"user_id": "UEARLY", "name": "Early", "joined": "2024-01-01"}],
            }
        }
    )
    team_desk = TaskDesk(database, rules, LeadDesk(database, rules.leads), "Asia/Shanghai")
    async with database.sessions.begin() as session:
        for number, owner in enumerate(("UEARLY", "UUSUAL")):
            await add_task(session, number, owner, timedelta(hours=-3))
    at_8_35 = NOW - timedelta(minutes=30)  # 08:35 in Shanghai
    assert await team_desk.morning_cards(at_8_35, "a") == 1  # the early team's member only
    assert await team_desk.morning_cards(NOW, "a") == 1  # 09:05: everyone else
    async with database.sessions() as session:
        cards = await session.execute(select(OutboxMessage.channel, OutboxMessage.created_at))
        assert sorted(cards) == [("UEARLY", at_8_35), ("UUSUAL", NOW)]
