"""`closeloop export tasks` and `export notifications`: every open item, and who was told what, when.

Two leads become their owners' items; a day later the ladder tells each owner, the next working morning
their manager (the evening step waits out the quiet hours); the manager takes one on, the other owner
marks theirs done. The delivery worker's own storage calls then send one message and bury another.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from config.rules import Rules
from storage import outbox
from storage.db import Database
from tests.storage.test_lead_desk import RULES
from tests.test_surface import closeloop
from usecases.lead_input import LeadInput
from usecases.leads import LeadDesk
from usecases.task_book import TaskBook
from usecases.tasks import TaskDesk

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai, everyone's zone here
TEAM = "T1"


def at(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


@dataclass(frozen=True)
class Audited:
    """The database to export, ACME's owner, and the keys of the message sent and the one given up."""

    env: dict[str, str]
    owner: str
    sent: str
    dead: str


@pytest.fixture
async def exported(database_url: str) -> AsyncIterator[Audited]:
    """A database with two leads' items through their ladders, and the environment to export it."""
    database = Database(database_url)
    await database.upgrade()
    rules = Rules(leads=RULES)
    leads = LeadDesk(database, RULES, TaskBook(rules, "Asia/Shanghai"))
    desk = TaskDesk(database, rules, leads, "Asia/Shanghai")
    acme = await leads.intake(TEAM, LeadInput(company="ACME", phone="13800001111", region="East"), NOW)
    north = await leads.intake(TEAM, LeadInput(company="北方重工", phone="13900001111", region="North"), NOW)
    await leads.claim(north.lead.id, "UCHEN", at(2))
    assert await desk.sweep(at(26.5)) == 2  # both owners, 24 h after each assignment
    assert await desk.sweep(at(38)) == 0  # Tuesday 22:00 in Shanghai: both manager steps wait
    assert await desk.sweep(at(47.5)) == 2  # Wednesday 09:30: the manager is told about both
    await desk.acknowledge(1, "UBOSS", at(48))
    await desk.done(2, "UCHEN", at(49))
    async with database.sessions.begin() as session:  # the delivery worker's calls, without Slack
        claimed = {
            m.channel: m for m in await outbox.claim(session, at(50), limit=100, lease=timedelta(minutes=1))
        }
        await outbox.complete(session, claimed["UCHEN"], "DUCHEN", "1700000000.000100", at(50))
        await outbox.bury(session, claimed["UBOSS"], "user_not_found")
    await database.dispose()
    yield Audited(
        {"DATABASE_URL": database_url}, acme.lead.owner_id or "", claimed["UCHEN"].key, claimed["UBOSS"].key
    )


def csv_rows(text: str) -> tuple[str, list[dict[str, str]]]:
    return text.splitlines()[0], list(csv.DictReader(io.StringIO(text)))


async def test_tasks_export_shows_each_ladder_and_whom_it_told(exported: Audited, tmp_path: Path) -> None:
    result = closeloop("export", "tasks", cwd=tmp_path, env=exported.env)
    assert result.returncode == 0, result.stderr
    header, (acme, north) = csv_rows(result.stdout.removeprefix("\ufeff"))
    assert header == (
        "id,team_id,kind,subject_id,owner_id,title,customer,due_at,state,snoozed_until,ladder,step,"
        "next_step_at,told,acknowledged_by,acknowledged_at,closed_by,closed_at,created_at"
    )
    owner = exported.owner
    assert (acme["kind"], acme["owner_id"], acme["title"], acme["state"]) == (
        "lead_contact",
        owner,
        "ACME",
        "open",
    )
    assert acme["ladder"] == "owner+24h;manager+36h" and acme["step"] == "2" and acme["next_step_at"] == ""
    assert acme["told"] == (
        f"{owner}(step=1,at=2026-12-08T04:30:00+00:00);UBOSS(step=2,at=2026-12-09T01:30:00+00:00)"
    )
    assert (acme["acknowledged_by"], acme["acknowledged_at"]) == ("UBOSS", "2026-12-09T02:00:00+00:00")
    assert (acme["due_at"], acme["created_at"]) == ("2026-12-08T02:00:00+00:00", "2026-12-07T02:00:00+00:00")
    assert (north["title"], north["customer"], north["owner_id"]) == ("北方重工", "北方重工", "UCHEN")
    assert (north["state"], north["closed_by"], north["closed_at"]) == (
        "done",
        "UCHEN",
        "2026-12-09T03:00:00+00:00",
    )
    assert north["due_at"] == "2026-12-08T04:00:00+00:00"  # 24 h after the claim

    result = closeloop(
        "export", "tasks", "--format", "xlsx", "--out", "tasks.xlsx", cwd=tmp_path, env=exported.env
    )
    assert result.returncode == 0 and result.stderr.strip().endswith("2 rows written to tasks.xlsx")
    sheet = load_workbook(tmp_path / "tasks.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == header.split(",")
    assert rows[2][rows[0].index("title")] == "北方重工" and rows[2][rows[0].index("step")] == 2


async def test_notifications_export_is_who_was_told_what_when(exported: Audited, tmp_path: Path) -> None:
    result = closeloop("export", "notifications", "--format", "json", cwd=tmp_path, env=exported.env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0]) == [
        "id", "dedupe_key", "kind", "team_id", "recipient", "thread_ts", "created_at", "sent_at", "state",
        "error", "attempts",
    ]  # fmt: skip
    owner = exported.owner
    told = {row["dedupe_key"]: row for row in rows if row["kind"] == "escalation"}
    assert {key: (row["recipient"], row["created_at"]) for key, row in told.items()} == {
        f"escalation:1:0:0:{owner}": (owner, "2026-12-08T04:30:00+00:00"),
        "escalation:2:0:0:UCHEN": ("UCHEN", "2026-12-08T04:30:00+00:00"),
        "escalation:1:0:1:UBOSS": ("UBOSS", "2026-12-09T01:30:00+00:00"),
        "escalation:2:0:1:UBOSS": ("UBOSS", "2026-12-09T01:30:00+00:00"),
    }
    sent, dead = told[exported.sent], told[exported.dead]
    assert (sent["state"], sent["sent_at"], sent["error"]) == ("sent", "2026-12-09T04:00:00+00:00", None)
    assert (dead["state"], dead["sent_at"], dead["error"], dead["attempts"]) == (
        "dead",
        None,
        "user_not_found",
        1,
    )
    waiting = [row for row in rows if row["dedupe_key"] not in (exported.sent, exported.dead)]
    assert {row["state"] for row in waiting} == {"pending"} and all(row["sent_at"] is None for row in waiting)
    cards = {row["dedupe_key"]: row["recipient"] for row in rows if row["kind"] == "lead_card"}
    assert cards == {"lead-card:1": "CEAST", "lead-card:2": "COPEN"}
