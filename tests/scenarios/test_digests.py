"""Digests over real HTTP on each database: the 18:00 summary and its thread, quiet days, the Monday
report, two ticks at once, and `/closeloop digest now` for managers only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import SimulatedClock
from scheduler.jobs import run_due_jobs
from storage.models import OutboxMessage
from tests.support.harness import RunningBot, start_with_rules
from tests.support.payloads import block_action, button
from tests.support.slack_api import SlackApiStub

TOKEN = "intake-secret"
RULES = """
[daily]
digest_channels = ["CDIGEST"]

[leads]
managers = ["UBOSS"]

[[leads.pools]]
id = "east"
channel = "CEAST"
regions = ["East"]
members = ["UALICE", "UBOB"]

[[leads.reps]]
user_id = "UALICE"
name = "Alice"
joined = "2024-01-01"
regions = ["East"]

[[leads.reps]]
user_id = "UBOB"
name = "Bob"
joined = "2024-01-01"
regions = ["East"]
"""
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture
async def clock() -> SimulatedClock:
    return SimulatedClock(MONDAY)


@pytest.fixture
async def running(
    database_url: str, slack: SlackApiStub, tmp_path: Path, clock: SimulatedClock
) -> AsyncIterator[RunningBot]:
    bot = await start_with_rules(database_url, slack, RULES, tmp_path, clock, closeloop_intake_token=TOKEN)
    yield bot
    await bot.stop()


async def tick_at(running: RunningBot, clock: SimulatedClock, moment: datetime) -> None:
    clock.set(moment)
    await run_due_jobs(running.bot.services, clock.now())
    await running.settle()


async def digests(running: RunningBot, kind: str = "digest") -> list[OutboxMessage]:
    async with running.db.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
        return list(rows)


def posts(slack: SlackApiStub, channel: str) -> list[dict]:
    return [call.args for call in slack.calls("chat.postMessage") if call.args["channel"] == channel]


async def new_lead(running: RunningBot, company: str, phone: str) -> str:
    response = await running.http.post(
        f"{running.url}/api/leads",
        json={"company": company, "contact": "Li", "phone": phone, "region": "East"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    await running.settle()
    return (await response.json())["owner"]


async def test_a_busy_day_gets_one_digest_at_six_with_its_details_in_the_thread(
    running: RunningBot, clock: SimulatedClock
) -> None:
    first_owner = await new_lead(running, "Globex", "13800000001")
    await new_lead(running, "Initech", "13800000002")
    [card] = [row for row in await digests(running, "lead_card") if row.payload["lead_id"] == 1]
    await running.interact(block_action(first_owner, "CEAST", card.message_ts, button("lead_release", "1")))
    await running.command("UALICE", "CSALES", "log ACME Corp called about the pump order")
    await tick_at(running, clock, MONDAY.replace(hour=17, minute=59))
    assert await digests(running) == []  # not before 18:00

    await tick_at(running, clock, MONDAY.replace(hour=18))
    rows = await digests(running)
    assert sorted(row.channel for row in rows) == ["CDIGEST", "CEAST"]
    assert all(row.created_at.astimezone(SHANGHAI) == MONDAY.replace(hour=18) for row in rows)
    [summary] = [post for post in posts(running.slack, "CEAST") if "Daily digest" in post["text"]]
    text = summary["text"]
    assert "Daily digest · east · Mon 7 Dec 2026" in text
    assert "2 new leads" in text and "3 leads assigned" in text  # two routings and one re-routing
    assert "1 lead released" in text and "1 record filed" in text
    assert "no lead's 24 hours ended" in text
    [east] = [row for row in rows if row.channel == "CEAST"]
    [reply] = [post for post in posts(running.slack, "CEAST") if post.get("thread_ts") == east.message_ts]
    assert "Lead #1 Globex" in reply["text"] and "Lead #2 Initech" in reply["text"]
    assert f"released from <@{first_owner}>" in reply["text"] and "<@UALICE>: 1 record" in reply["text"]
    assert "whole team" in next(p["text"] for p in posts(running.slack, "CDIGEST") if "Daily" in p["text"])

    await tick_at(running, clock, MONDAY.replace(hour=18, minute=30))
    assert len(await digests(running)) == 2 and len(await digests(running, "digest_details")) == 2


async def test_a_day_with_no_activity_posts_nothing(running: RunningBot, clock: SimulatedClock) -> None:
    for hours in range(0, 36, 2):
        await tick_at(running, clock, MONDAY + timedelta(hours=hours))
    assert await digests(running) == []
    assert posts(running.slack, "CEAST") == [] and posts(running.slack, "CDIGEST") == []


async def test_two_ticks_at_the_same_instant_post_one_digest(
    running: RunningBot, clock: SimulatedClock
) -> None:
    await running.command("UBOB", "CSALES", "log ACME Corp visited the plant")
    clock.set(MONDAY.replace(hour=18, minute=5))
    services = running.bot.services
    await asyncio.gather(
        run_due_jobs(services, clock.now(), replica="one"), run_due_jobs(services, clock.now(), replica="two")
    )
    await running.settle()
    assert sorted(row.channel for row in await digests(running)) == ["CDIGEST", "CEAST"]
    assert len([p for p in posts(running.slack, "CEAST") if "Daily digest" in p["text"]]) == 1
    assert len([p for p in posts(running.slack, "CEAST") if p.get("thread_ts")]) == 1


async def test_the_monday_report_compares_last_week_with_the_week_before(
    running: RunningBot, clock: SimulatedClock
) -> None:
    clock.set(MONDAY.replace(hour=11))
    await running.command("UALICE", "CSALES", "log ACME Corp called about the pump order")
    clock.set(MONDAY.replace(hour=11) + timedelta(days=8))
    await running.command("UALICE", "CSALES", "log ACME Corp sent the drawings")
    await running.command("UBOB", "CSALES", "log Globex called the buyer")
    await tick_at(running, clock, MONDAY.replace(hour=9, minute=59) + timedelta(days=14))
    assert sorted(
        row.dedupe_key for row in await digests(running) if row.dedupe_key.startswith("weekly:")
    ) == [
        "weekly:CDIGEST:2026-W50",  # the Monday before was missed (the clock jumped it): caught up once
        "weekly:CEAST:2026-W50",
    ]
    await tick_at(running, clock, MONDAY.replace(hour=10) + timedelta(days=14))
    weekly = sorted(row.dedupe_key for row in await digests(running) if row.dedupe_key.endswith("W51"))
    assert weekly == ["weekly:CDIGEST:2026-W51", "weekly:CEAST:2026-W51"]
    [report] = [p for p in posts(running.slack, "CDIGEST") if "week 51" in p["text"]]
    assert "week 51, Mon 14 Dec 2026 – Sun 20 Dec 2026" in report["text"]
    assert "2 records filed (+1 on last week)" in report["text"]
    assert "0 leads assigned (same as last week)" in report["text"]


async def test_digest_now_posts_for_a_manager_and_refuses_a_rep(
    running: RunningBot, clock: SimulatedClock
) -> None:
    await running.command("UALICE", "CSALES", "log ACME Corp called about the pump order")
    clock.advance(timedelta(minutes=1))
    refused = await running.command("UALICE", "CEAST", "digest now")
    assert "Only managers" in refused["text"]
    assert posts(running.slack, "CEAST") == []

    nowhere = await running.command("UBOSS", "CSALES", "digest now")
    assert "This channel gets no digest" in nowhere["text"]

    answer = await running.command("UBOSS", "CEAST", "digest now")
    assert "posted here" in answer["text"]
    [summary] = [p for p in posts(running.slack, "CEAST") if "Daily digest" in p["text"]]
    assert "1 record filed" in summary["text"]
    # The scheduled digest still goes out at six.
    await tick_at(running, clock, MONDAY.replace(hour=18))
    assert len([p for p in posts(running.slack, "CEAST") if "Daily digest" in p["text"]]) == 2
