"""`closeloop export leads` and `export assignments`: leads and their audit trail, as a manager reads them."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.export import EXPORTS, to_bytes
from storage.db import Database
from tests.storage.test_lead_desk import RULES
from tests.test_surface import closeloop
from usecases.lead_input import LeadInput
from usecases.leads import LeadDesk

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
TEAM = "T1"


@pytest.fixture
async def desk(database_url: str) -> AsyncIterator[LeadDesk]:
    """A desk that has taken an East lead (later released by its owner) and an offered North lead."""
    database = Database(database_url)
    await database.upgrade()
    desk = LeadDesk(database, RULES)
    acme = await desk.intake(
        TEAM,
        LeadInput(
            company="ACME",
            contact="Li",
            phone="13800001111",
            region="East",
            budget_min=Decimal(50000),
            budget_max=Decimal("80000.50"),
            signals=["website_form", "phone_inquiry"],
            notes="wants a pump quote; call after 3 pm",
        ),
        NOW,
    )
    await desk.release(acme.lead.id, acme.lead.owner_id, NOW + timedelta(hours=1))
    north = await desk.intake(TEAM, LeadInput(company="北方重工", phone="13900001111", region="North"), NOW)
    await desk.claim(north.lead.id, "UCHEN", NOW + timedelta(hours=2))
    yield desk
    await database.dispose()


async def exported(desk: LeadDesk, table: str, fmt: str) -> bytes:
    export = EXPORTS[table]
    async with desk._db.sessions() as session:
        return to_bytes(export.columns, await export.fetch(session), fmt)


def csv_rows(data: bytes) -> tuple[str, list[dict[str, str]]]:
    text = data.decode("utf-8-sig")
    return text.splitlines()[0], list(csv.DictReader(io.StringIO(text)))


async def test_leads_export_with_scores_rules_and_owners(desk: LeadDesk) -> None:
    header, (acme, north) = csv_rows(await exported(desk, "leads", "csv"))
    assert header == (
        "id,team_id,company,contact,phone,email,region,industry,source,budget_min,budget_max,urgency,"
        "signals,notes,score,grade,fired_rules,pool_id,status,owner_id,assigned_at,first_contact_at,"
        "released_from,card_channel,card_ts,created_at,updated_at"
    )
    first_owner = acme["released_from"]
    assert (
        first_owner in {"UALICE", "UBOB"} and acme["owner_id"] == ({"UALICE", "UBOB"} - {first_owner}).pop()
    )
    assert (acme["budget_min"], acme["budget_max"]) == ("50000.00", "80000.50")
    assert (acme["score"], acme["grade"]) == ("25", "B")
    assert acme["fired_rules"] == "website_form:10;phone_inquiry:15"
    assert acme["signals"] == "phone_inquiry;website_form"
    assert acme["notes"] == "wants a pump quote; call after 3 pm" and north["notes"] == ""
    assert acme["assigned_at"] == "2026-11-25T03:00:00+00:00" and acme["email"] == ""
    assert (north["company"], north["status"], north["owner_id"]) == ("北方重工", "assigned", "UCHEN")

    as_json = json.loads(await exported(desk, "leads", "json"))
    assert [row["company"] for row in as_json] == ["ACME", "北方重工"]
    assert as_json[0]["budget_max"] == "80000.50" and as_json[1]["budget_max"] is None  # exact, not a float
    assert as_json[0]["fired_rules"] == acme["fired_rules"] and as_json[0]["email"] is None

    sheet = load_workbook(io.BytesIO(await exported(desk, "leads", "xlsx"))).active
    budget_max = [cell.value for cell in sheet[1]].index("budget_max")
    assert sheet[2][budget_max].value == 80000.5  # a number a spreadsheet can sum


async def test_assignments_export_is_the_audit_trail(desk: LeadDesk) -> None:
    header, rows = csv_rows(await exported(desk, "assignments", "csv"))
    assert header == (
        "id,lead_id,company,kind,decided_at,actor_id,pool_id,mode,outcome,owner_id,grade,reasons,candidates"
    )
    assert [(row["company"], row["kind"], row["outcome"]) for row in rows] == [
        ("ACME", "routed", "assigned"),
        ("ACME", "released", ""),
        ("ACME", "routed", "assigned"),
        ("北方重工", "routed", "offered"),
        ("北方重工", "claimed", ""),
    ]
    routed, released, rerouted, offered, claimed = rows
    owner = routed["owner_id"]
    assert routed["reasons"].startswith("pool(pool=east);region(region=East);open_leads(open=0,cap=5);")
    assert routed["candidates"].startswith(f"{owner}:eligible#1;")
    assert routed["candidates"].endswith(";UCHEN:skipped:wrong_region")
    assert (released["actor_id"], released["owner_id"]) == (owner, owner)
    assert f"{owner}:skipped:excluded" in rerouted["candidates"]
    assert offered["reasons"] == "pool(pool=open);offered(reps=2)" and offered["mode"] == "offer"
    assert offered["candidates"] == "UBOB:eligible#1;UCHEN:eligible#2;UALICE:skipped:wrong_region"
    assert (claimed["actor_id"], claimed["decided_at"]) == ("UCHEN", "2026-11-25T04:00:00+00:00")


async def test_the_command_line_exports_both_tables(
    desk: LeadDesk, database_url: str, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": database_url}
    result = closeloop("export", "assignments", "--format", "json", cwd=tmp_path, env=env)
    assert result.returncode == 0
    assert [row["kind"] for row in json.loads(result.stdout)] == [
        "routed",
        "released",
        "routed",
        "routed",
        "claimed",
    ]
    result = closeloop("export", "leads", "--out", "leads.csv", cwd=tmp_path, env=env)
    assert result.returncode == 0 and result.stderr.strip().endswith("2 rows written to leads.csv")
    assert "北方重工" in (tmp_path / "leads.csv").read_text(encoding="utf-8-sig")


def test_xlsx_to_a_terminal_is_refused_with_one_line(tmp_path: Path) -> None:
    """A pty stands in for the terminal: binary would garble it, so closeloop asks for --out."""
    leader, follower = pty.openpty()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/c.db",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "export", "leads", "--format", "xlsx"],
        stdout=follower,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    os.close(follower)
    os.close(leader)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "--out" in line and "xlsx" in line
