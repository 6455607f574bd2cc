"""Contracts end to end over Slack's real request shapes: Customer signed on the deal card makes the
contract and finance's items; a missing tax ID pauses the invoice until finance adds it; dunning over
simulated weeks under `closeloop tick --at`, each level once to the right people, a payment stopping
it and the red-reason form taking it off red."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import SimulatedClock
from bot.export import EXPORTS, to_bytes
from bot.render.contracts import ACTION_DETAILS, ACTION_LATE_REASON, ACTION_SIGNED
from bot.render.todo import ACTION_APPROVE
from storage.models import ApprovalRequest, Contract, Instalment, OutboxMessage, Quote, Task
from tests.scenarios.test_app_home import open_home
from tests.scenarios.test_quotes import MONDAY, RULES, open_deal, submit_quote, tick
from tests.support.harness import RunningBot, start_with_rules
from tests.support.payloads import (
    block_action,
    button,
    date_value,
    opened_view,
    text_value,
    view_submission,
)
from tests.support.slack_api import SlackApiStub

STANDARD = {"discount": text_value("0"), "prepayment": text_value("30"), "remainder": "net"}


@pytest.fixture
async def running(database_url: str, slack: SlackApiStub, tmp_path: Path) -> AsyncIterator[RunningBot]:
    for user in ("UALICE", "UBOSS", "UFIN1", "UFIN2", "ULAW", "UDIR", "USTRANGER"):
        slack.set_user(user, name=user[1:].lower(), tz="Asia/Shanghai")
    slack.set_channel("CDEALS", "deals")
    bot = await start_with_rules(database_url, slack, RULES, tmp_path, SimulatedClock(MONDAY))
    yield bot
    await bot.stop()


async def outbox_row(running: RunningBot, key: str) -> OutboxMessage:
    async with running.db.sessions() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
    assert row is not None, key
    return row


async def click(
    running: RunningBot, user: str, row: OutboxMessage, action: str, value: str, answer: str
) -> None:
    """Click a button on a message the bot sent, and wait for the Slack call that answers it (`answer`:
    a form opening, a private refusal) and then for what it queued: the listener goes on after the ack."""
    before = len(running.slack.calls(answer))
    await running.interact(
        block_action(user, row.message_channel, row.message_ts, button(action, value)), settle=False
    )
    await running.slack.wait_for(answer, before + 1)
    await running.settle()


async def decided(running: RunningBot, timeout: float = 20.0) -> None:
    """Wait until the manager's Approve has been taken (the click is acked before its work), then
    for the messages it changed."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with running.db.sessions() as session:
            if await session.scalar(select(Quote.state)) == "approved":
                break
        assert asyncio.get_running_loop().time() < deadline, "the approval was not taken"
        await asyncio.sleep(0.05)
    await running.settle()


async def approved_deal(running: RunningBot) -> int:
    """A deal with quote Q-2026-0001 (¥120,000; 30 % on signing, the rest net 30) approved by the manager."""
    from tests.support.payloads import option_value

    deal_id = await open_deal(running)
    await submit_quote(
        running,
        deal_id,
        lines=text_value(None),
        total=text_value("120000"),
        discount=text_value("0"),
        prepayment=text_value("30"),
        remainder=option_value("net"),
    )
    async with running.db.sessions() as session:
        request = await session.scalar(select(ApprovalRequest))
    dm = await outbox_row(running, f"approval:{request.id}:UBOSS")
    await running.interact(
        block_action("UBOSS", dm.message_channel, dm.message_ts, button(ACTION_APPROVE, str(request.id)))
    )
    await decided(running)
    return deal_id


async def sign(running: RunningBot, deal_id: int, user: str = "UALICE") -> None:
    card = await outbox_row(running, f"deal-card:{deal_id}")
    await click(running, user, card, ACTION_SIGNED, "Q-2026-0001", "views.open")
    form = opened_view(running.slack.last("views.open").args)
    await running.interact(
        view_submission(
            user, form, {"signed_on": date_value("2026-12-07"), "delivery_on": date_value("2026-12-20")}
        )
    )


async def test_customer_signed_makes_the_contract_and_a_missing_tax_id_pauses_the_invoice(
    running: RunningBot, slack: SlackApiStub
) -> None:
    deal_id = await approved_deal(running)
    card = await outbox_row(running, f"deal-card:{deal_id}")
    assert "Customer signed Q-2026-0001" in str(slack.messages("CDEALS"))

    # Someone else's click is refused privately and opens nothing.
    opened = len(slack.calls("views.open"))
    await click(running, "USTRANGER", card, ACTION_SIGNED, "Q-2026-0001", "chat.postEphemeral")
    assert len(slack.calls("views.open")) == opened
    assert "Only <@UALICE>" in str(slack.calls("chat.postEphemeral")[-1].args)

    await sign(running, deal_id)
    async with running.db.sessions() as session:
        contract = await session.scalar(select(Contract))
        instalments = list(await session.scalars(select(Instalment).order_by(Instalment.seq)))
        open_kinds = {
            (t.kind, t.owner_id) for t in await session.scalars(select(Task).where(Task.state == "open"))
        }
    assert contract.number == "C-2026-0001" and contract.missing == ["tax_id", "bank_account"]
    assert [(i.amount, i.due_on.isoformat()) for i in instalments] == [
        (Decimal("36000.00"), "2026-12-07"),
        (Decimal("84000.00"), "2027-01-06"),
    ]
    assert ("missing_tax_id", "UFIN1") in open_kinds and ("payment_missing", "UALICE") in open_kinds
    assert not any(kind == "invoice" for kind, _ in open_kinds)
    # The rep's card says why the invoice waits; finance's DM names the fields, with Add details.
    card_now = str([m for m in slack.messages("CDEALS") if m.get("ts") == card.message_ts])
    assert (
        "C-2026-0001" in card_now and "tax ID, bank account" in card_now and "Customer signed" not in card_now
    )
    missing = await outbox_row(running, f"contract-missing:{contract.id}")
    assert missing.channel == "UFIN1" and "tax ID, bank account" in str(
        slack.messages(missing.message_channel)
    )

    # A rep cannot add the details; finance can, field by field.
    await click(running, "UALICE", missing, ACTION_DETAILS, str(contract.id), "chat.postEphemeral")
    assert "Only finance" in str(slack.calls("chat.postEphemeral")[-1].args)
    await click(running, "UFIN1", missing, ACTION_DETAILS, str(contract.id), "views.open")
    form = opened_view(slack.last("views.open").args)
    response = await running.interact(
        view_submission("UFIN1", form, {"tax_id": text_value(" "), "bank_account": text_value("ICBC 6222")})
    )
    assert "tax ID" in await response.text()
    await running.interact(
        view_submission(
            "UFIN1", form, {"tax_id": text_value("91310000X"), "bank_account": text_value("ICBC 6222 0000")}
        )
    )
    invoice = await outbox_row(running, f"invoice:{contract.id}")
    assert invoice.state == "sent" and "91310000X" in str(slack.messages(invoice.message_channel))
    assert "complete" in str(
        [m for m in slack.messages(missing.message_channel) if m.get("ts") == missing.message_ts]
    )
    async with running.db.sessions() as session:
        open_kinds = {t.kind for t in await session.scalars(select(Task).where(Task.state == "open"))}
    assert {"invoice", "first_review"} <= open_kinds and "missing_tax_id" not in open_kinds
    # Signing twice makes nothing new.
    answer = await running.command("UALICE", "CSALES", "contract signed Q-2026-0001")
    assert "already signed" in str(answer) or "already signed" in str(
        slack.calls("chat.postEphemeral")[-1].args
    )


async def test_dunning_over_weeks_each_level_once_a_payment_stops_it_and_a_reason_takes_it_off_red(
    running: RunningBot, slack: SlackApiStub, database_url: str, tmp_path: Path
) -> None:
    deal_id = await approved_deal(running)
    await sign(running, deal_id)
    first, second = 1, 2  # instalment ids: ¥36,000 due Dec 7 and ¥84,000 due Jan 6

    def at(day: str, hour: int = 9, minute: int = 5) -> datetime:
        return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+08:00")

    for moment in (at("2026-12-07", 10), at("2026-12-07", 10), at("2026-12-10"), at("2026-12-10")):
        await tick(database_url, slack, tmp_path, moment)
    # The prepayment arrives on Dec 12: its ladder stops before red.
    running.bot.services.clock.set(at("2026-12-12"))
    await running.command("UFIN1", "CSALES", "pay C-2026-0001 36000 BANK-77")
    for day in ("2026-12-22", "2026-12-30", "2027-01-09", "2027-01-21", "2027-01-21"):
        await tick(database_url, slack, tmp_path, at(day))

    async with running.db.sessions() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "dunning").order_by(OutboxMessage.id)
            )
        )
    told = [(r.payload["instalment_id"], r.payload["level"], r.channel, r.state) for r in rows]
    assert told == [
        (first, "yellow", "UALICE", "sent"),
        (first, "orange", "UALICE", "sent"),
        (first, "orange", "UBOSS", "sent"),
        (second, "yellow", "UALICE", "sent"),
        (second, "orange", "UALICE", "sent"),
        (second, "orange", "UBOSS", "sent"),
        (second, "red", "UALICE", "sent"),
        (second, "red", "UBOSS", "sent"),
        (second, "red", "UDIR", "sent"),
    ]
    # The red DM to the owner asks why; the manager's does not offer the form.
    red = await outbox_row(running, f"dunning:{second}:red:UALICE")
    red_shown = str([m for m in slack.messages(red.message_channel) if m.get("ts") == red.message_ts])
    assert "Give the reason" in red_shown and "15 days late" in red_shown
    boss = await outbox_row(running, f"dunning:{second}:red:UBOSS")
    assert "Give the reason" not in str(slack.messages(boss.message_channel))

    await click(running, "UBOSS", red, ACTION_LATE_REASON, str(second), "views.open")  # the manager may too
    await click(running, "USTRANGER", red, ACTION_LATE_REASON, str(second), "chat.postEphemeral")
    assert "Only <@UALICE>" in str(slack.calls("chat.postEphemeral")[-1].args)
    await click(running, "UALICE", red, ACTION_LATE_REASON, str(second), "views.open")
    form = opened_view(slack.last("views.open").args)
    response = await running.interact(view_submission("UALICE", form, {"reason": text_value("  ")}))
    assert "Write the reason" in await response.text()
    await running.interact(
        view_submission("UALICE", form, {"reason": text_value("预算冻结到二月，客户已书面确认")})
    )
    await tick(database_url, slack, tmp_path, at("2027-01-21", 9, 10))
    async with running.db.sessions() as session:
        instalment = await session.get(Instalment, second)
        dunning = {
            t.subject_id: t.state for t in await session.scalars(select(Task).where(Task.kind == "dunning"))
        }
    assert instalment.level == "orange" and instalment.reason.startswith("预算冻结")
    red_shown = str([m for m in slack.messages(red.message_channel) if m.get("ts") == red.message_ts])
    assert "预算冻结" in red_shown and "Give the reason" not in red_shown
    assert dunning == {first: "cancelled", second: "open"}  # paid, and still owed
    # The exports tell the same story, one contract and one payment.
    async with running.db.sessions() as session:
        [contract] = await EXPORTS["contracts"].fetch(session)
        [payment] = await EXPORTS["payments"].fetch(session)
    assert (contract["number"], contract["quote"], contract["level"]) == (
        "C-2026-0001",
        "Q-2026-0001",
        "orange",
    )
    assert contract["outstanding"] == Decimal("84000.00") and contract["late_reasons"].startswith(
        "2:预算冻结"
    )
    assert (payment["contract"], payment["reference"], payment["applied"]) == (
        "C-2026-0001",
        "BANK-77",
        "1:36000.00",
    )
    assert b"BANK-77" in to_bytes(EXPORTS["payments"].columns, [payment], "csv")


async def test_money_in_the_digest_and_on_app_home(running: RunningBot, slack: SlackApiStub) -> None:
    deal_id = await approved_deal(running)
    await sign(running, deal_id)
    await running.command("UFIN1", "CSALES", "pay Q-2026-0001 36000 BANK-1")
    home = await open_home(running, "UALICE")
    assert "Collected this month: CNY 36,000.00 of CNY 36,000.00 due (100%)" in home
    running.bot.services.clock.set(MONDAY + timedelta(minutes=1))  # the payment is in the period
    await running.command("UBOSS", "CDIGEST", "digest now")
    digest = str(slack.messages("CDIGEST"))
    assert "Collected this month: CNY 36,000.00 of CNY 36,000.00 due (100%)" in digest
    assert "<@UALICE>: CNY 36,000.00 of CNY 36,000.00 (100%)" in digest
