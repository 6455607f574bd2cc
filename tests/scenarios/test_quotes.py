"""Deals, quotes and approval chains, used as people use them: forms, buttons, DMs, the deal thread.

The bot runs over real HTTP on each database against the Slack stand-in, with a movable clock; every
click is a signed interactivity payload. The chain is the rules file's: the rep's manager always,
finance for a discount over 10 %, legal for a prepayment over half unless it is cash on delivery.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bot.clock import SimulatedClock
from bot.export import EXPORTS, to_bytes
from scheduler.jobs import run_due_jobs
from storage.models import ApprovalEvent, ApprovalRequest, OutboxMessage, Quote, QuoteVersion
from tests.support.harness import RunningBot, start_with_rules
from tests.support.payloads import (
    block_action,
    button,
    date_value,
    home_action,
    opened_view,
    option_value,
    text_value,
    user_value,
    view_submission,
)
from tests.support.processes import closeloop_env
from tests.support.slack_api import SlackApiStub

RULES = """
[leads]
managers = ["UBOSS"]
directors = ["UDIR"]

[[leads.reps]]
user_id = "UALICE"
name = "Alice"
joined = "2024-01-01"
manager = "UBOSS"

[deals]
channel = "CDEALS"

[daily]
digest_channels = ["CDIGEST"]

[approvals.groups]
finance = ["UFIN1", "UFIN2"]
legal = ["ULAW"]
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
    for user in ("UALICE", "UBOSS", "UFIN1", "UFIN2", "ULAW", "UBOB", "UDEP", "UDIR"):
        slack.set_user(user, name=user[1:].lower(), tz="Asia/Shanghai")
    slack.set_user("UFIN2", name="fin2", locale="zh-CN", tz="Asia/Shanghai")
    slack.set_channel("CDEALS", "deals")
    bot = await start_with_rules(database_url, slack, RULES, tmp_path, clock)
    yield bot
    await bot.stop()


async def open_deal(running: RunningBot, user: str = "UALICE") -> int:
    """`/closeloop deal`, filled in and submitted; returns the deal's id."""
    await running.command(user, "CSALES", "deal")
    form = opened_view(running.slack.last("views.open").args)
    await running.interact(
        view_submission(
            user,
            form,
            {
                "customer": text_value("华东机械有限公司"),
                "title": text_value("Pumps for line 3"),
                "value": text_value("12万"),
                "currency": option_value("CNY"),
                "stage": option_value("quote"),
                "close": date_value("2027-01-31"),
            },
        )
    )
    async with running.db.sessions() as session:
        return max(
            (
                await session.scalars(select(OutboxMessage.payload).where(OutboxMessage.kind == "deal_card"))
            ).all(),
            key=lambda p: p["deal_id"],
        )["deal_id"]


QUOTE = {
    "lines": text_value("Pump A × 10 @ 12,000\n阀门 × 4 @ 500"),
    "total": text_value(None),
    "currency": option_value("CNY"),
    "discount": text_value("15"),
    "prepayment": text_value("60"),
    "remainder": option_value("cash_on_delivery"),
    "net_days": text_value("30"),
    "special": text_value(None),
    "valid_until": date_value("2027-01-15"),
}


async def submit_quote(running: RunningBot, deal_id: int, user: str = "UALICE", **changes: Any) -> Any:
    await running.command(user, "CSALES", "quote")
    form = opened_view(running.slack.last("views.open").args)
    values = QUOTE | {"deal": option_value(str(deal_id))} | changes
    response = await running.interact(view_submission(user, form, values))
    return await response.text()


async def has_requests(running: RunningBot, count: int) -> bool:
    return len(await requests(running)) >= count


async def requests(running: RunningBot) -> list[ApprovalRequest]:
    async with running.db.sessions() as session:
        return list(await session.scalars(select(ApprovalRequest).order_by(ApprovalRequest.id)))


async def ledger(running: RunningBot) -> list[tuple[int, str | None, str, str | None, str | None]]:
    async with running.db.sessions() as session:
        events = await session.scalars(select(ApprovalEvent).order_by(ApprovalEvent.id))
        return [(e.version, e.step, e.kind, e.actor_id, e.on_behalf_of) for e in events]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    """Wait until `check` holds: a click is acked before its listener's work, which lands a moment later."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "it did not happen in time"
        await asyncio.sleep(0.05)


async def dm_of(running: RunningBot, request: ApprovalRequest, reader: str) -> OutboxMessage:
    """The approver's DM about `request`, once it is in Slack."""
    found: list[OutboxMessage] = []

    async def sent() -> bool:
        async with running.db.sessions() as session:
            row = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.dedupe_key == f"approval:{request.id}:{reader}")
            )
        found[:] = [row] if row is not None and row.message_ts else []
        return bool(found)

    await eventually(sent)
    return found[0]


async def click(
    running: RunningBot, user: str, dm: OutboxMessage, action: str, value: str, answer: str | None = None
) -> None:
    """Click a button on a DM; with `answer`, wait for that Slack call (a private refusal, a form)."""
    before = len(running.slack.calls(answer)) if answer else 0
    await running.interact(block_action(user, dm.message_channel, dm.message_ts, button(action, value)))
    if answer:
        await running.slack.wait_for(answer, before + 1)


def shown(slack: SlackApiStub, channel: str, ts: str) -> str:
    """What the message at (channel, ts) shows now, as the stand-in keeps it."""
    return str([m for m in slack.messages(channel) if m.get("ts") == ts])


async def test_quote_goes_manager_then_finance_legal_skipped_and_the_pdf_is_posted(
    running: RunningBot, slack: SlackApiStub, clock: SimulatedClock
) -> None:
    deal_id = await open_deal(running)
    [card] = slack.messages("CDEALS")
    assert "Pumps for line 3" in str(card) and "CNY 120,000.00" in str(card)

    assert await submit_quote(running, deal_id) == ""  # the form closes: no errors
    [manager] = await requests(running)
    assert manager.approver_id == "UBOSS"
    boss_dm = await dm_of(running, manager, "UBOSS")
    dm_text = shown(slack, boss_dm.message_channel, boss_dm.message_ts)
    assert "discount 15 % > 10 %" in dm_text and "Legal skipped: cash on delivery, low risk" in dm_text
    assert "CNY 103,700.00" in dm_text  # (120,000 + 2,000) less 15 %

    # Alice (the requester) and Bob (a stranger) may not decide: told privately, nothing changes.
    for stranger in ("UALICE", "UBOB"):
        await click(running, stranger, boss_dm, "approval_approve", str(manager.id), "chat.postEphemeral")
        refusal = slack.last("chat.postEphemeral").args
        assert refusal["user"] == stranger and "<@UBOSS>" in refusal["text"]
    assert [r.state for r in await requests(running)] == ["pending"]

    await click(running, "UBOSS", boss_dm, "approval_approve", str(manager.id))
    await eventually(lambda: has_requests(running, 3))
    manager_done, fin1, fin2 = await requests(running)
    assert manager_done.state == "approve" and {fin1.approver_id, fin2.approver_id} == {"UFIN1", "UFIN2"}
    fin2_dm = await dm_of(running, fin2, "UFIN2")
    assert "待你审批" in shown(slack, fin2_dm.message_channel, fin2_dm.message_ts)  # in fin2's language

    await click(running, "UFIN2", fin2_dm, "approval_approve", str(fin2.id))
    fin1_dm = await dm_of(running, fin1, "UFIN1")

    async def updated() -> bool:  # every copy is updated, and the approved version's PDF is posted
        await running.settle()
        return "<@UFIN2>" in shown(slack, fin1_dm.message_channel, fin1_dm.message_ts) and bool(
            slack.files("CDEALS")
        )

    await eventually(updated)
    fin1_now = shown(slack, fin1_dm.message_channel, fin1_dm.message_ts)
    assert "approval_approve" not in fin1_now and "<@UFIN2>" in fin1_now  # every copy says who decided

    [pdf] = slack.files("CDEALS")
    assert pdf.thread_ts == card["ts"] and pdf.name.endswith("-v1.pdf")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "华东机械有限公司" in text and "DRAFT" not in text
    async with running.db.sessions() as session:
        quote = await session.scalar(select(Quote))
    assert quote.state == "approved" and quote.number.startswith("Q-2026-")
    assert await ledger(running) == [
        (1, None, "submitted", "UALICE", None),
        (1, "legal", "skipped", None, None),
        (1, "manager", "approve", "UBOSS", None),
        (1, "finance", "approve", "UFIN2", None),
        (1, None, "approved", None, None),
    ]
    thread = [
        m for m in slack.messages("CDEALS") if m.get("thread_ts") == card["ts"] and m.get("ts") != card["ts"]
    ]
    progress = str(thread)
    assert "✅ Manager (<@UBOSS>)" in progress and "✅ Finance (<@UFIN2>)" in progress
    assert "⏭ Legal skipped" in progress
    assert not [call for call in slack.calls() if call.invalid_blocks]  # every message valid Block Kit

    exported = {}
    async with running.db.sessions() as session:
        for table in ("deals", "quotes", "approvals"):
            export = EXPORTS[table]
            exported[table] = json.loads(to_bytes(export.columns, await export.fetch(session), "json"))
    assert (
        exported["deals"][0]["customer"] == "华东机械有限公司"
        and exported["deals"][0]["value"] == "120000.00"
    )
    assert exported["quotes"][0]["total"] == "103700.00" and exported["quotes"][0]["state"] == "approved"
    assert "legal:skipped(skipped_by:terms=cash_on_delivery)" in exported["quotes"][0]["chain"]
    assert [(row["step"], row["event"], row["actor_id"]) for row in exported["approvals"]][2:4] == [
        ("manager", "approve", "UBOSS"),
        ("finance", "approve", "UFIN2"),
    ]

    clock.advance(timedelta(hours=1))
    answer = await running.command("UBOSS", "CDIGEST", "digest now")
    assert "posted" in answer.get("text", "").lower(), answer
    [digest] = slack.messages("CDIGEST")[:1]
    assert "1 quote approval ended; within 5 working days: 1 (100%)" in digest["text"]


async def test_editing_a_pending_quote_restarts_the_chain_and_old_buttons_say_replaced(
    running: RunningBot, slack: SlackApiStub
) -> None:
    deal_id = await open_deal(running)
    await submit_quote(running, deal_id, discount=text_value("5"))
    [first] = await requests(running)
    old_dm = await dm_of(running, first, "UBOSS")
    async with running.db.sessions() as session:
        number = (await session.scalar(select(Quote))).number

    asked = await running.command("UALICE", "CSALES", f"quote pdf {number.lower()}")
    assert "goes to the deal's thread" in asked["text"]
    again = await running.command("UALICE", "CSALES", f"quote pdf {number}")
    assert "already in the deal's thread" in again["text"]
    [draft] = slack.files("CDEALS")
    assert draft.name == f"{number}-v1-draft.pdf"
    assert "DRAFT" in "".join(page.extract_text() for page in PdfReader(BytesIO(draft.content)).pages)
    refused = await running.command("UBOB", "CSALES", f"quote pdf {number}")
    assert "only they or a manager" in refused["text"]

    await running.command("UALICE", "CSALES", f"quote edit {number}")
    form = opened_view(slack.last("views.open").args)
    await running.interact(view_submission("UALICE", form, QUOTE | {"discount": text_value("8")}))

    await click(running, "UBOSS", old_dm, "approval_approve", str(first.id))
    assert "was replaced" in slack.last("chat.postEphemeral").args["text"]
    async with running.db.sessions() as session:
        versions = list(await session.scalars(select(QuoteVersion).order_by(QuoteVersion.version)))
    assert [(v.version, v.state) for v in versions] == [(1, "replaced"), (2, "pending")]
    assert versions[1].changes[0]["what"] == "total"
    old_now = shown(slack, old_dm.message_channel, old_dm.message_ts)
    assert "replaced" in old_now and "approval_approve" not in old_now
    _, second = await requests(running)
    second_dm = await dm_of(running, second, "UBOSS")
    new_dm = shown(slack, second_dm.message_channel, second_dm.message_ts)
    assert "Changed since v1" in new_dm and "discount 5 % → 8 %" in new_dm


async def test_reject_needs_a_reason_and_the_requester_hears_it(
    running: RunningBot, slack: SlackApiStub
) -> None:
    deal_id = await open_deal(running)
    await submit_quote(running, deal_id)
    [manager] = await requests(running)
    dm = await dm_of(running, manager, "UBOSS")
    await click(running, "UBOSS", dm, "approval_reject", str(manager.id))
    form = opened_view(slack.last("views.open").args)
    response = await running.interact(view_submission("UBOSS", form, {"reason": text_value(None)}))
    assert "errors" in await response.text()
    await running.interact(view_submission("UBOSS", form, {"reason": text_value("Price below cost")}))
    [decided] = await requests(running)
    assert decided.state == "reject" and decided.reason == "Price below cost"
    to_alice = [m for m in slack.messages() if "Price below cost" in str(m) and "rejected" in str(m)]
    assert to_alice, "the requester is told why"


async def tick(database_url: str, slack: SlackApiStub, folder: Path, at: datetime) -> str:
    """`closeloop tick --at AT`, as cron or a drill runs it, with the scenario's rules file."""
    env = closeloop_env(database_url, slack.base_url) | {"CLOSELOOP_RULES": str(folder / "rules.toml")}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "tick", "--at", at.isoformat(),
        env=env, cwd=folder, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_step_left_pending_reminds_then_escalates_each_once_under_closeloop_tick(
    running: RunningBot, slack: SlackApiStub, database_url: str, tmp_path: Path
) -> None:
    deal_id = await open_deal(running)
    await submit_quote(running, deal_id)
    tuesday, wednesday = MONDAY + timedelta(days=1, minutes=5), MONDAY + timedelta(days=2, minutes=5)
    for at in (tuesday, tuesday, wednesday, wednesday):  # each instant twice: a second tick adds nothing
        await tick(database_url, slack, tmp_path, at)
    async with running.db.sessions() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "escalation").order_by(OutboxMessage.id)
            )
        )
    # The approver is reminded a working day after it reached him; the second breach goes up: he has no
    # manager of his own, so to the directors.
    assert [(row.channel, row.payload["step"], row.state) for row in rows] == [
        ("UBOSS", 0, "sent"),
        ("UDIR", 1, "sent"),
    ]
    reminded, escalated = (row.created_at for row in rows)
    assert (reminded, escalated) == (tuesday, wednesday)
    assert (
        len(
            [
                m
                for m in slack.messages()
                if m.get("channel", "").startswith("D")
                and "Q-2026-0001" in str(m)
                and "Already told" in str(m)
            ]
        )
        == 2
    )


async def answered(slack: SlackApiStub, already: int, refusals: int, timeout: float = 20.0) -> None:
    """Wait until `refusals` private answers beyond `already` were sent (clicks answered after their ack)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while len(slack.calls("chat.postEphemeral")) - already < refusals:
        assert asyncio.get_running_loop().time() < deadline, "the clicks were not all answered"
        await asyncio.sleep(0.05)


async def test_thirty_clicks_at_once_make_one_decision(running: RunningBot, slack: SlackApiStub) -> None:
    deal_id = await open_deal(running)
    await submit_quote(running, deal_id)
    [manager] = await requests(running)
    dm = await dm_of(running, manager, "UBOSS")
    before = len(slack.calls("chat.update"))
    before_refusals = len(slack.calls("chat.postEphemeral"))
    payload = block_action(
        "UBOSS", dm.message_channel, dm.message_ts, button("approval_approve", str(manager.id))
    )
    await asyncio.gather(*(running.interact(payload, settle=False) for _ in range(30)))
    await answered(slack, before_refusals, 29)  # the listeners run after the acks: wait for all 30
    await running.settle()
    decisions = [e for e in await ledger(running) if e[2] == "approve"]
    assert len(decisions) == 1
    updates_of_dm = [c for c in slack.calls("chat.update")[before:] if c.args.get("ts") == dm.message_ts]
    assert len(updates_of_dm) == 1
    refusals = [c.args["text"] for c in slack.calls("chat.postEphemeral")[before_refusals:]]
    assert all("Already decided" in text or "at the same moment" in text for text in refusals), refusals


async def test_thirty_clicks_across_two_replicas_make_one_decision_and_one_update(
    running: RunningBot, slack: SlackApiStub, database_url: str, tmp_path: Path, clock: SimulatedClock
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several replicas need PostgreSQL; SQLite serves one")
    deal_id = await open_deal(running)
    await submit_quote(running, deal_id)
    [manager] = await requests(running)
    dm = await dm_of(running, manager, "UBOSS")
    (tmp_path / "second").mkdir()
    second = await start_with_rules(database_url, slack, RULES, tmp_path / "second", clock)
    try:
        before = len(slack.calls("chat.update"))
        before_refusals = len(slack.calls("chat.postEphemeral"))
        payload = block_action(
            "UBOSS", dm.message_channel, dm.message_ts, button("approval_approve", str(manager.id))
        )
        replicas = [running, second] * 15
        await asyncio.gather(*(replica.interact(payload, settle=False) for replica in replicas))
        await answered(slack, before_refusals, 29)
        await running.settle()
        await second.settle()
    finally:
        await second.stop()
    assert len([e for e in await ledger(running) if e[2] == "approve"]) == 1
    assert len([c for c in slack.calls("chat.update")[before:] if c.args.get("ts") == dm.message_ts]) == 1


async def test_delegation_moves_pending_approvals_and_ends_on_its_date(
    running: RunningBot, slack: SlackApiStub, clock: SimulatedClock
) -> None:
    deal_id = await open_deal(running)
    await submit_quote(running, deal_id)
    [manager] = await requests(running)
    answer = await running.command("UBOSS", "CSALES", "delegate <@UDEP|dep> until 2026-12-08")
    assert "<@UDEP>" in answer["text"] and "1" in answer["text"]
    loop = await running.command("UDEP", "CSALES", "delegate <@UBOSS|boss> until 2026-12-09")
    assert "loop" in loop["text"]

    [moved] = await requests(running)
    assert moved.delegate_id == "UDEP"
    dep_dm = await dm_of(running, moved, "UDEP")
    assert "You decide for <@UBOSS>" in shown(slack, dep_dm.message_channel, dep_dm.message_ts)

    clock.advance(timedelta(days=2))  # past the 8th: the delegation is over
    await click(running, "UDEP", dep_dm, "approval_approve", str(manager.id))
    assert "has ended" in slack.last("chat.postEphemeral").args["text"]
    await run_due_jobs(running.bot.services, clock.now())
    await running.settle()
    [back] = await requests(running)
    assert back.delegate_id is None and back.state == "pending"
    assert [e[2] for e in await ledger(running)][-2:] == ["delegated", "handed_back"]


async def test_an_approver_delegates_from_app_home_and_ends_it_there(
    running: RunningBot, slack: SlackApiStub
) -> None:
    deal_id = await open_deal(running)
    await submit_quote(running, deal_id)
    await running.send_event(
        {"type": "app_home_opened", "user": "UBOSS", "channel": "DBOSS", "tab": "home", "event_ts": "1.0"}
    )
    await running.settle()
    home = json.dumps(slack.home_view("UBOSS")["blocks"], ensure_ascii=False)
    assert "Decide on quote Q-2026-0001 v1" in home and "Delegate…" in home  # on his list, with the buttons

    forms = len(slack.calls("views.open"))
    await running.interact(home_action("UBOB", button("home_delegate", "UBOSS")))  # not Bob's Home
    refusal = slack.last("chat.postMessage").args  # a Home button has no channel: told in a DM
    assert refusal["channel"] == "UBOB" and "<@UBOSS>'s" in refusal["text"]
    assert len(slack.calls("views.open")) == forms  # no form opened for him
    await running.interact(home_action("UBOSS", button("home_delegate", "UBOSS")))
    form = opened_view(slack.last("views.open").args)
    response = await running.interact(
        view_submission("UBOSS", form, {"delegate": user_value("UBOSS"), "until": date_value("2026-12-10")})
    )
    assert "yourself" in (await response.json())["errors"]["delegate"]
    await running.interact(
        view_submission("UBOSS", form, {"delegate": user_value("UDEP"), "until": date_value("2026-12-10")})
    )
    [request] = await requests(running)
    assert request.delegate_id == "UDEP"
    home = json.dumps(slack.home_view("UBOSS")["blocks"], ensure_ascii=False)
    assert "Your approvals go to <@UDEP> until Thu 10 Dec 2026" in home and "End delegation" in home

    await running.interact(home_action("UBOSS", button("home_end_delegation", "UBOSS")))
    [request] = await requests(running)
    assert request.delegate_id is None
    assert "Quote approvals come to you." in json.dumps(
        slack.home_view("UBOSS")["blocks"], ensure_ascii=False
    )
