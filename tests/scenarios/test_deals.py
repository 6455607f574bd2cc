"""Deals as a rep meets them: a lead converted from its card, the deal card's stage menu, records filed in
its thread, the red line after five quiet days, and `/closeloop quote why`.

Real HTTP on each database against the Slack stand-in; time moves on a simulated clock and scheduled
work runs from the job table as `closeloop tick` runs it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import SimulatedClock
from scheduler.jobs import run_due_jobs
from storage.models import Activity, Deal, LeadRecord, OutboxMessage, Task
from tests.support.harness import RunningBot, start_with_rules
from tests.support.payloads import (
    block_action,
    button,
    date_value,
    opened_view,
    option_value,
    text_value,
    view_submission,
)
from tests.support.payloads import select as choose
from tests.support.slack_api import SlackApiStub

TOKEN = "intake-secret"
RULES = """
[leads]
managers = ["UBOSS"]

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
"""
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
async def clock() -> SimulatedClock:
    return SimulatedClock(MONDAY)


@pytest.fixture
async def running(
    database_url: str, slack: SlackApiStub, tmp_path: Path, clock: SimulatedClock
) -> AsyncIterator[RunningBot]:
    for user in ("UALICE", "UBOSS", "UBOB"):
        slack.set_user(user, name=user[1:].lower(), tz="Asia/Shanghai")
    bot = await start_with_rules(database_url, slack, RULES, tmp_path, clock, closeloop_intake_token=TOKEN)
    yield bot
    await bot.stop()


async def convert_a_lead(running: RunningBot) -> Deal:
    """A lead comes in for Alice; she converts it from its card, keeping what the form proposes."""
    response = await running.http.post(
        f"{running.url}/api/leads",
        json={
            "company": "Globex",
            "contact": "Li",
            "phone": "13800000001",
            "region": "East",
            "budget_max": 80000,
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    lead_id = (await response.json())["id"]
    await running.settle()
    async with running.db.sessions() as session:
        lead = await session.get(LeadRecord, lead_id)
    convert = button("lead_convert", str(lead_id))
    await running.interact(block_action("UBOB", lead.card_channel, lead.card_ts, convert))
    assert "<@UALICE>" in running.slack.last("chat.postEphemeral").args["text"]  # not Bob's lead
    await running.interact(block_action("UALICE", lead.card_channel, lead.card_ts, convert))
    form = opened_view(running.slack.last("views.open").args)
    prefilled = {block["block_id"]: block["element"] for block in form["blocks"]}
    assert (
        prefilled["customer"]["initial_value"] == "Globex"
        and prefilled["value"]["initial_value"] == "80000.00"
    )
    await running.interact(
        view_submission(
            "UALICE",
            form,
            {
                "customer": text_value("Globex"),
                "title": text_value("Globex line 2"),
                "value": text_value("80000"),
                "currency": option_value("CNY"),
                "stage": option_value("first_talk"),
                "close": date_value(None),
            },
        )
    )
    async with running.db.sessions() as session:
        return await session.scalar(select(Deal))


async def test_a_converted_lead_is_a_deal_whose_thread_files_records_and_whose_stage_moves(
    running: RunningBot, slack: SlackApiStub, clock: SimulatedClock
) -> None:
    deal = await convert_a_lead(running)
    assert deal.owner_id == "UALICE" and deal.lead_id is not None and deal.channel_id == "CEAST"
    [card] = [m for m in slack.messages("CEAST") if m.get("ts") == deal.card_ts]
    assert "Globex line 2" in str(card) and "CNY 80,000.00" in str(card)

    clock.advance(timedelta(days=1))
    await running.say("UALICE", "CEAST", "Sent the drawings #archive", thread_ts=deal.card_ts)
    await running.settle()
    async with running.db.sessions() as session:
        [record] = list(await session.scalars(select(Activity)))
        deal = await session.get(Deal, deal.id)
    assert record.deal_id == deal.id and deal.last_activity_at == clock.now()

    move = choose("deal_stage", f"{deal.id}|trial")
    await running.interact(block_action("UBOB", "CEAST", deal.card_ts, move))
    assert "only they or a manager" in slack.last("chat.postEphemeral").args["text"]
    await running.interact(block_action("UALICE", "CEAST", deal.card_ts, move))
    [card] = [m for m in slack.messages("CEAST") if m.get("ts") == deal.card_ts]
    assert "Stage:* Trial" in str(card)

    await running.interact(
        block_action("UALICE", "CEAST", deal.card_ts, choose("deal_stage", f"{deal.id}|lost"))
    )
    async with running.db.sessions() as session:
        deal = await session.get(Deal, deal.id)
        task = await session.scalar(select(Task).where(Task.kind == "deal_stale"))
    assert deal.closed_at is not None and task.state == "cancelled"  # a lost deal has no red line


async def test_five_quiet_days_put_the_deal_on_the_owners_list_then_tell_the_manager(
    running: RunningBot, slack: SlackApiStub, clock: SimulatedClock
) -> None:
    deal = await convert_a_lead(running)
    while clock.now() < MONDAY + timedelta(days=8):
        clock.advance(timedelta(hours=1))
        await run_due_jobs(running.bot.services, clock.now())
        await running.settle()
    async with running.db.sessions() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "escalation").order_by(OutboxMessage.id)
            )
        )
        red_line = await session.scalar(select(Task).where(Task.kind == "deal_stale"))
    assert red_line.subject_id == deal.id and red_line.due_at == MONDAY + timedelta(days=5)
    assert [(row.channel, row.payload["step"]) for row in rows if row.payload["task_id"] == red_line.id] == [
        ("UALICE", 0),
        ("UBOSS", 1),
    ]
    cards = [
        str(call.args.get("blocks"))
        for call in slack.calls("chat.postMessage")
        if call.args["channel"] == "UALICE" and "Good morning" in str(call.args.get("blocks"))
    ]
    assert any("Deal Globex line 2 — Globex: no new record" in card for card in cards)


async def test_quote_why_names_the_rules_behind_each_step(running: RunningBot, slack: SlackApiStub) -> None:
    deal = await convert_a_lead(running)
    await running.command("UALICE", "CEAST", "quote")
    form = opened_view(slack.last("views.open").args)
    values = {
        "deal": option_value(str(deal.id)),
        "lines": text_value(None),
        "total": text_value("900000"),
        "currency": option_value("CNY"),
        "discount": text_value("0"),
        "prepayment": text_value("60"),
        "remainder": option_value("net"),
        "net_days": text_value("30"),
        "special": text_value(None),
        "valid_until": date_value("2027-01-15"),
    }
    await running.interact(view_submission("UALICE", form, values))
    async with running.db.sessions() as session:
        number = await session.scalar(
            select(OutboxMessage.payload).where(OutboxMessage.kind == "quote_status")
        )
    assert number is not None
    answer = await running.command("UALICE", "CEAST", "quote why Q-2026-0001")
    text = answer["text"]
    assert "Manager: needed — always" in text
    assert "Finance: needed — amount CNY 900,000.00 > CNY 500,000.00" in text
    assert "Legal: needed — prepayment 60 % > 50 %" in text
    unknown = await running.command("UALICE", "CEAST", "quote why Q-2099-9999")
    assert "no quote Q-2099-9999" in unknown["text"]


async def test_a_bad_quote_form_is_answered_field_by_field_and_writes_nothing(
    running: RunningBot, slack: SlackApiStub
) -> None:
    deal = await convert_a_lead(running)
    await running.command("UALICE", "CEAST", "quote")
    form = opened_view(slack.last("views.open").args)
    values = {
        "deal": option_value(str(deal.id)),
        "lines": text_value("Pump A × 10 @ 1200\njust words"),
        "total": text_value(None),
        "currency": option_value("CNY"),
        "discount": text_value("lots"),
        "prepayment": text_value("NaN"),
        "remainder": option_value("net"),
        "net_days": text_value("Infinity"),
        "special": text_value(None),
        "valid_until": date_value("2027-01-15"),
    }
    response = await running.interact(view_submission("UALICE", form, values))
    errors = (await response.json())["errors"]
    assert "Line 2" in errors["lines"] and "number" in errors["discount"]
    assert "number" in errors["prepayment"] and "number" in errors["net_days"]
    async with running.db.sessions() as session:
        assert await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "quote_status")) is None


async def test_a_forged_deal_form_is_refused_field_by_field_and_writes_nothing(
    running: RunningBot, slack: SlackApiStub
) -> None:
    await running.command("UALICE", "CEAST", "deal")
    form = opened_view(slack.last("views.open").args)
    values = {
        "customer": text_value("x" * 300),
        "title": text_value("Pumps"),
        "value": text_value("-5"),
        "currency": option_value("CNY"),
        "stage": option_value("first_talk"),
        "close": date_value(None),
    }
    response = await running.interact(view_submission("UALICE", form, values))
    assert response.status == 200 and "value" in (await response.json())["errors"]
    values |= {"value": text_value("5"), "currency": option_value("BITCOIN")}
    response = await running.interact(view_submission("UALICE", form, values))
    assert response.status == 200 and "currency" in (await response.json())["errors"]
    values |= {"stage": option_value("won_already")}
    values |= {"currency": option_value("USD")}
    response = await running.interact(view_submission("UALICE", form, values))
    assert response.status == 200 and "stage" in (await response.json())["errors"]
    async with running.db.sessions() as session:
        assert await session.scalar(select(Deal)) is None
    values |= {"stage": option_value("first_talk")}
    await running.interact(view_submission("UALICE", form, values))
    async with running.db.sessions() as session:
        deal = await session.scalar(select(Deal))
    assert deal.currency == "USD" and deal.value == 5
