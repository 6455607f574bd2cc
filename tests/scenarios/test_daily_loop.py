"""The daily loop over a simulated week: morning cards, the lead ladder, Acknowledge, Done, refusals.

The bot runs over real HTTP on each database with a movable clock; scheduled work is driven by the
job table exactly as `closeloop tick` drives it, one tick per simulated half hour.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.clock import SimulatedClock
from scheduler.jobs import run_due_jobs
from storage.models import LeadRecord, OutboxMessage, Task
from tests.support.harness import RunningBot, start_with_rules
from tests.support.payloads import block_action, button
from tests.support.payloads import select as select_option
from tests.support.slack_api import APP_ID, TEAM_ID, SlackApiStub

TOKEN = "intake-secret"
RULES = """
[leads]
managers = ["UBOSS"]
directors = ["UDIR"]

[[leads.pools]]
id = "east"
channel = "CEAST"
regions = ["East"]
members = ["UALICE"]

[[leads.reps]]
user_id = "UALICE"
name = "Alice"
joined = "2024-01-01"
regions = ["East"]
manager = "UBOSS"

[[leads.reps]]
user_id = "UBOB"
name = "Bob"
joined = "2024-01-01"
regions = ["South"]
manager = "UBOSS"
"""
SHANGHAI, NEW_YORK = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")
MONDAY = datetime(2026, 12, 7, 7, 30, tzinfo=SHANGHAI)  # a working Monday, before the team's 09:00


@pytest.fixture
async def clock() -> SimulatedClock:
    return SimulatedClock(MONDAY)


@pytest.fixture
async def running(
    database_url: str, slack: SlackApiStub, tmp_path: Path, clock: SimulatedClock
) -> AsyncIterator[RunningBot]:
    slack.set_user("UBOSS", name="boss", locale="zh-CN", tz="Asia/Shanghai")
    slack.set_user("UDIR", name="director", tz="Europe/Berlin")
    bot = await start_with_rules(database_url, slack, RULES, tmp_path, clock, closeloop_intake_token=TOKEN)
    yield bot
    await bot.stop()


async def live_until(
    running: RunningBot, clock: SimulatedClock, end: datetime, step: timedelta = timedelta(minutes=30)
) -> None:
    """Tick every `step` up to `end`, delivering what each tick queued, as a running bot would."""
    while clock.now() < end:
        clock.advance(step)
        await run_due_jobs(running.bot.services, clock.now())
        if await unsent(running):
            await running.settle()


async def unsent(running: RunningBot) -> int:
    async with running.db.sessions() as session:
        return await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "pending")
        )


async def outbox_rows(running: RunningBot, kind: str) -> list[OutboxMessage]:
    async with running.db.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
        return list(rows)


async def the_task(running: RunningBot, kind: str) -> Task:
    async with running.db.sessions() as session:
        return await session.scalar(select(Task).where(Task.kind == kind))


def dm_texts(slack: SlackApiStub, user: str) -> list[str]:
    return [
        str(call.args.get("blocks"))
        for call in slack.calls("chat.postMessage")
        if call.args["channel"] == user
    ]


async def test_each_rep_gets_one_card_each_working_day_at_nine_their_time(
    running: RunningBot, clock: SimulatedClock
) -> None:
    # Alice (Shanghai) and Bob (New York) each have a follow-up due Monday that nobody closes.
    for user in ("UALICE", "UBOB"):
        await running.command(user, "CSALES", "log ACME Corp called, next: today 10:00 send the quote")
    await live_until(running, clock, MONDAY + timedelta(days=7), step=timedelta(hours=1))

    cards = await outbox_rows(running, "todo_card")
    by_user: dict[str, list[datetime]] = {}
    for row in cards:
        by_user.setdefault(row.channel, []).append(row.created_at)
    zones = {"UALICE": SHANGHAI, "UBOB": NEW_YORK}
    for user, zone in zones.items():
        local = [moment.astimezone(zone) for moment in by_user[user]]
        assert [moment.hour for moment in local] == [9] * len(local)  # at nine, their time
        days = [moment.date() for moment in local]
        assert len(days) == len(set(days))  # one a day
        assert all(day.weekday() < 5 for day in days)  # never on Saturday or Sunday
    # Alice's week: Mon–Fri; Bob's Monday 09:00 in New York is Monday 22:00 in Shanghai, after the log.
    assert len(by_user["UALICE"]) == 5 and len(by_user["UBOB"]) == 5
    first = next(text for text in dm_texts(running.slack, "UALICE") if "Good morning" in text)
    assert "send the quote" in first and "Snooze 1 day" in first, first


async def test_a_lead_left_alone_climbs_owner_manager_then_release_each_once(
    running: RunningBot, clock: SimulatedClock
) -> None:
    response = await running.http.post(
        f"{running.url}/api/leads",
        json={"company": "Globex", "contact": "Li", "phone": "13800000001", "region": "East"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert (await response.json())["owner"] == "UALICE"
    await running.settle()
    await live_until(running, clock, MONDAY + timedelta(days=4))

    steps = await outbox_rows(running, "escalation")
    assert [(row.channel, row.payload["step"]) for row in steps] == [("UALICE", 0), ("UBOSS", 1)]
    owner_at, manager_at = (row.created_at.astimezone(SHANGHAI) for row in steps)
    assert owner_at == datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI)  # 24 h is 07:30: held to 09:00
    assert manager_at == datetime(2026, 12, 8, 19, 30, tzinfo=SHANGHAI)  # 36 h, inside working hours
    boss_dm = next(iter(dm_texts(running.slack, "UBOSS")))
    assert "Globex" in boss_dm and "<@UALICE>" in boss_dm and "已通知" in boss_dm  # in his language
    async with running.db.sessions() as session:
        lead = await session.scalar(select(LeadRecord))
    assert lead.owner_id is None and "UALICE" in lead.released_from  # released after 3 days
    task = await the_task(running, "lead_contact")
    assert task.state == "cancelled" and task.next_step_at is None


async def test_acknowledge_stops_the_ladder_and_only_its_reader_may_press_it(
    running: RunningBot, clock: SimulatedClock
) -> None:
    await running.command("UALICE", "CSALES", "log ACME Corp visited, next: today 10:00 send the drawings")
    await live_until(running, clock, MONDAY + timedelta(hours=3))  # due 10:00: the owner is told
    [told] = await outbox_rows(running, "escalation")
    assert told.channel == "UALICE"
    task = await the_task(running, "follow_up")
    ack = button("ladder_acknowledge", f"{task.id}|UALICE")
    dm_channel, dm_ts = told.message_channel, told.message_ts

    await running.interact(block_action("UBOB", dm_channel, dm_ts, ack))  # not for Bob
    refusal = running.slack.last("chat.postEphemeral").args
    assert refusal["user"] == "UBOB" and "not sent to you" in refusal["text"]
    assert (await the_task(running, "follow_up")).acknowledged_by is None

    await running.interact(block_action("UALICE", dm_channel, dm_ts, ack))
    task = await the_task(running, "follow_up")
    assert task.acknowledged_by == "UALICE" and task.next_step_at is None
    updated = running.slack.last("chat.update").args
    assert "Acknowledged by <@UALICE>" in str(updated["blocks"]) and "ladder_acknowledge" not in str(
        updated["blocks"]
    )

    await live_until(running, clock, MONDAY + timedelta(days=5))
    assert [row.channel for row in await outbox_rows(running, "escalation")] == ["UALICE"]  # no manager step


async def test_done_on_the_card_closes_the_item_and_updates_the_card(
    running: RunningBot, clock: SimulatedClock
) -> None:
    await running.command("UALICE", "CSALES", "log ACME Corp called, next: today 15:00 send the quote")
    await live_until(running, clock, MONDAY + timedelta(hours=2))
    [card] = await outbox_rows(running, "todo_card")
    task = await the_task(running, "follow_up")
    done = button("todo_done", f"{task.id}|{card.payload['day']}")

    await running.interact(block_action("UBOB", card.message_channel, card.message_ts, done))
    assert "only they can change it" in running.slack.last("chat.postEphemeral").args["text"]
    assert (await the_task(running, "follow_up")).state == "open"

    await running.interact(block_action("UALICE", card.message_channel, card.message_ts, done))
    assert (await the_task(running, "follow_up")).state == "done"
    updated = running.slack.last("chat.update").args
    assert updated["ts"] == card.message_ts and "done by <@UALICE>" in str(updated["blocks"])

    answer = await running.command("UALICE", "CSALES", "todo")
    assert "Nothing on your list" in answer["text"]


async def test_snooze_on_an_escalation_pauses_the_ladder_until_then(
    running: RunningBot, clock: SimulatedClock
) -> None:
    await running.command("UALICE", "CSALES", "log ACME Corp visited, next: today 10:00 send the drawings")
    await live_until(running, clock, MONDAY + timedelta(hours=3))
    [told] = await outbox_rows(running, "escalation")
    task = await the_task(running, "follow_up")
    pause = select_option("ladder_snooze", f"{task.id}|UALICE|3d")
    await running.interact(block_action("UALICE", told.message_channel, told.message_ts, pause))
    snoozed = await the_task(running, "follow_up")
    assert snoozed.snoozed_until == clock.now().astimezone(UTC) + timedelta(days=3)
    await live_until(running, clock, MONDAY + timedelta(days=2))
    assert len(await outbox_rows(running, "escalation")) == 1  # the manager's step waits for the snooze


async def test_two_replicas_sweeping_and_carding_at_one_instant_send_each_message_once(
    running: RunningBot, clock: SimulatedClock
) -> None:
    for user in ("UALICE", "UBOB"):
        await running.command(user, "CSALES", "log ACME Corp called, next: tomorrow 08:00 send the quote")
    clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI))  # Alice's 09:00; her follow-up is an hour late
    tasks = running.bot.services.tasks
    now = clock.now()
    # The job slots are bypassed on purpose: the compare-and-set and the per-rep claims must hold alone.
    results = await asyncio.gather(
        tasks.sweep(now), tasks.sweep(now), tasks.morning_cards(now, "a"), tasks.morning_cards(now, "b")
    )
    assert results[0] + results[1] == 1  # Alice's ladder moved once; Bob's waits for his morning
    assert results[2] + results[3] == 1  # Alice's card; Bob's 09:00 has not come in New York
    await running.settle()
    assert [row.channel for row in await outbox_rows(running, "escalation")] == ["UALICE"]
    assert [row.channel for row in await outbox_rows(running, "todo_card")] == ["UALICE"]
    async with running.db.sessions() as session:
        bobs = await session.scalar(select(Task).where(Task.owner_id == "UBOB"))
    assert bobs.next_step_at == datetime(2026, 12, 8, 9, 0, tzinfo=NEW_YORK)  # held, not dropped
    assert len(running.slack.calls("chat.postMessage")) == 2 + 2  # 2 record cards, 1 escalation, 1 card


async def test_a_deactivated_rep_gets_no_card(running: RunningBot, clock: SimulatedClock) -> None:
    for user in ("UALICE", "UBOB"):
        await running.command(user, "CSALES", "log ACME Corp called, next: today 10:00 send the quote")
    running.slack.set_user("UBOB", name="bob", tz="America/New_York", deleted=True)  # he left the company
    await live_until(running, clock, MONDAY + timedelta(days=1, hours=4))
    assert [row.channel for row in await outbox_rows(running, "todo_card")] == ["UALICE", "UALICE"]


async def test_more_than_three_things_link_the_rest_to_the_home_tab(
    running: RunningBot, clock: SimulatedClock
) -> None:
    for number in range(4):
        await running.command("UALICE", "CSALES", f"log call {number}, next: today 15:00 send quote {number}")
    await live_until(running, clock, MONDAY + timedelta(hours=2))
    [card] = [text for text in dm_texts(running.slack, "UALICE") if "Good morning" in text]
    assert card.count("todo_done") == 3
    assert f"<slack://app?team={TEAM_ID}&id={APP_ID}&tab=home|+1 more item on closeloop's Home tab>" in card
