"""App Home: opening it publishes the person's list, it stays current, reps switch away / back, managers
see their team, each in their own language.

The bot runs over real HTTP on each database with a movable clock; Slack is the stand-in, which keeps
the Home view it was last given for each person.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import SimulatedClock
from storage.models import LeadRecord, Task
from tests.scenarios.test_daily_loop import RULES as DAILY_RULES
from tests.scenarios.test_daily_loop import TOKEN, live_until
from tests.support.harness import RunningBot, start_with_rules
from tests.support.payloads import button, home_action
from tests.support.slack_api import TEAM_ID, SlackApiStub

# The daily loop's team, with a pool for Bob and a rep who reads Chinese.
RULES = (
    DAILY_RULES
    + """
[[leads.pools]]
id = "south"
channel = "CSOUTH"
regions = ["South"]
members = ["UBOB"]

[[leads.reps]]
user_id = "UWANG"
name = "Wang"
joined = "2024-01-01"
regions = ["North"]
"""
)
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)  # a working Monday morning


@pytest.fixture
async def clock() -> SimulatedClock:
    return SimulatedClock(MONDAY)


@pytest.fixture
async def running(
    database_url: str, slack: SlackApiStub, tmp_path: Path, clock: SimulatedClock
) -> AsyncIterator[RunningBot]:
    slack.set_user("UBOSS", name="boss", tz="Asia/Shanghai")
    slack.set_user("UBOB", name="bob", tz="Asia/Shanghai")
    bot = await start_with_rules(database_url, slack, RULES, tmp_path, clock, closeloop_intake_token=TOKEN)
    yield bot
    await bot.stop()


async def open_home(running: RunningBot, user: str) -> str:
    """The person opens closeloop's Home tab; returns the view Slack then shows, as text."""
    await running.send_event(
        {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home", "event_ts": "1.0"}
    )
    await running.settle()
    return home_text(running, user)


def home_text(running: RunningBot, user: str) -> str:
    view = running.slack.home_view(user)
    assert view["type"] == "home"
    return json.dumps(view["blocks"], ensure_ascii=False)


async def click(running: RunningBot, user: str, action_id: str, value: str) -> None:
    await running.interact(home_action(user, button(action_id, value)))


async def task_of(running: RunningBot, title: str) -> Task:
    async with running.db.sessions() as session:
        return await session.scalar(select(Task).where(Task.title.contains(title)))


async def new_lead(running: RunningBot, company: str, phone: str, region: str) -> str:
    response = await running.http.post(
        f"{running.url}/api/leads",
        json={"company": company, "contact": "Li", "phone": phone, "region": region},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    return (await response.json())["owner"]


async def away(running: RunningBot, user: str) -> bool:
    roster = await running.bot.services.leads.roster(TEAM_ID)
    return next(rep.away for rep in roster if rep.user_id == user)


async def test_opening_home_shows_the_list_and_done_takes_the_item_off(running: RunningBot) -> None:
    await running.command("UALICE", "CSALES", "log ACME Corp called, next: today 15:00 send the quote")
    await running.command("UALICE", "CSALES", "log Globex visited, next: today 17:00 send the drawings")
    assert not running.slack.calls("views.publish")  # nothing is published before Home is opened

    shown = await open_home(running, "UALICE")
    assert "Your list today (2 items)" in shown
    assert "send the quote" in shown and "send the drawings" in shown and "todo_done" in shown

    quote = await task_of(running, "send the quote")
    await click(running, "UALICE", "todo_done", f"{quote.id}|")
    shown = home_text(running, "UALICE")  # republished by the change, without opening it again
    assert "Your list today (1 item)" in shown
    assert "send the quote" not in shown and "send the drawings" in shown
    assert (await task_of(running, "send the quote")).state == "done"


async def test_the_away_switch_is_the_reps_own(running: RunningBot) -> None:
    shown = await open_home(running, "UALICE")
    assert "You are taking leads" in shown and '"value": "UALICE|away"' in shown

    await click(running, "UBOB", "home_away", "UALICE|away")  # someone else's switch
    refusal = running.slack.last("chat.postMessage").args
    assert refusal["channel"] == "UBOB" and "only they can set their own status" in refusal["text"]
    assert await away(running, "UALICE") is False

    await click(running, "UALICE", "home_away", "UALICE|away")
    assert await away(running, "UALICE") is True
    shown = home_text(running, "UALICE")
    assert "You are away" in shown and '"value": "UALICE|back"' in shown
    assert await new_lead(running, "Hooli", "13800000009", "East") is None  # no lead comes to her

    await click(running, "UALICE", "home_away", "UALICE|back")
    assert await away(running, "UALICE") is False
    assert "You are taking leads" in home_text(running, "UALICE")


async def test_a_manager_sees_the_team_figures(running: RunningBot, clock: SimulatedClock) -> None:
    assert await new_lead(running, "Acme", "13800000001", "East") == "UALICE"
    assert await new_lead(running, "Initech", "13800000002", "East") == "UALICE"
    assert await new_lead(running, "Umbrella", "13800000003", "South") == "UBOB"
    await running.settle()
    clock.advance(timedelta(hours=1))
    acme = await task_of(running, "Acme")
    await click(running, "UALICE", "todo_done", f"{acme.id}|")  # contacted within the hour

    await live_until(
        running, clock, MONDAY + timedelta(hours=27), step=timedelta(hours=1)
    )  # Tue 13:00: both ladders told
    assert await new_lead(running, "Soylent", "13800000004", "South") == "UBOB"  # fresh: not yet due
    clock.advance(timedelta(hours=1))
    umbrella = await task_of(running, "Umbrella")
    await click(running, "UBOB", "todo_done", f"{umbrella.id}|")  # contacted after 28 h: late

    shown = await open_home(running, "UBOSS")
    assert "Your team" in shown
    # Acme in time; Initech past 24 h and still waiting; Umbrella late; Soylent's 24 h not over yet
    assert "33% (1 of 3 leads)" in shown
    assert "*SLA breaches open*: 1 item escalated and not acknowledged" in shown  # Initech's ladder
    assert "*Open leads per rep*: <@UALICE> 1 · <@UBOB> 1 · <@UWANG> 0" in shown
    assert "*Oldest open item*: Contact new lead Initech — <@UALICE>, ⚠️ assigned 28 hours ago" in shown
    assert "home_away" not in shown  # the manager is not on the roster: no switch

    # a rep's Home has no team section
    assert "Your team" not in await open_home(running, "UALICE")
    async with running.db.sessions() as session:
        contacted = {
            lead.company: lead.first_contact_at for lead in await session.scalars(select(LeadRecord))
        }
    assert contacted["Initech"] is None and contacted["Umbrella"] is not None


async def test_home_speaks_the_persons_language(running: RunningBot) -> None:
    await running.command("UWANG", "CSALES", "log ACME Corp called, next: today 15:00 send the quote")
    shown = await open_home(running, "UWANG")
    assert "你今天的待办（1 项）" in shown and "跟进：" in shown and "今天 15:00 到期" in shown
    assert "你正在接收线索" in shown and "暂停接单" in shown and "完成" in shown
