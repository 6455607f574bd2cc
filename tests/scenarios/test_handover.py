"""A rep leaves, as people do it in Slack: the manager asks `/closeloop handover`, sees what will move,
clicks Hand over; the new owner gets a DM and confirms. Strangers' clicks are refused privately, and
the export shows nothing left in the leaver's name.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import SimulatedClock
from domain.quotes import PaymentTerms, QuoteContent
from storage.models import Handover, OutboxMessage
from tests.scenarios.test_app_home import home_text, open_home
from tests.scenarios.test_quotes import open_deal, submit_quote
from tests.support.harness import RunningBot, start_with_rules
from tests.support.payloads import block_action, button
from tests.support.processes import closeloop_env
from tests.support.slack_api import TEAM_ID, SlackApiStub
from usecases.contracts import Signing
from usecases.deals import DealForm
from usecases.lead_input import LeadInput

RULES = """
[leads]
managers = ["UBOSS"]
directors = ["UDIR"]

[[leads.reps]]
user_id = "UALICE"
name = "Alice"
joined = "2024-01-01"
manager = "UBOSS"

[[leads.reps]]
user_id = "UCAROL"
name = "Carol"
joined = "2024-01-01"
manager = "UBOSS"

[deals]
channel = "CDEALS"

[approvals.groups]
finance = ["UFIN1"]
legal = ["ULAW"]
"""
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
async def running(database_url: str, slack: SlackApiStub, tmp_path: Path) -> AsyncIterator[RunningBot]:
    for user in ("UALICE", "UBOSS", "UCAROL", "UFIN1", "ULAW", "UBOB", "UDIR"):
        slack.set_user(user, name=user[1:].lower(), tz="Asia/Shanghai")
    slack.set_channel("CDEALS", "deals")
    bot = await start_with_rules(database_url, slack, RULES, tmp_path, SimulatedClock(MONDAY))
    yield bot
    await bot.stop()


async def export(running: RunningBot, table: str, tmp_path: Path) -> list[dict]:
    """`closeloop export TABLE --format json`, as an admin runs it against the bot's database."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "export",
        table,
        "--format",
        "json",
        cwd=tmp_path,
        env=closeloop_env(str(running.db.url.render_as_string(hide_password=False)), running.slack.base_url),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    return json.loads(out)


async def handovers(running: RunningBot) -> list[Handover]:
    async with running.db.sessions() as session:
        return list(await session.scalars(select(Handover)))


async def the_dm(running: RunningBot, handover: Handover) -> OutboxMessage:
    async with running.db.sessions() as session:
        found = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.dedupe_key == f"handover:{handover.id}")
        )
    assert found is not None and found.message_ts is not None
    return found


async def click(
    running: RunningBot, user: str, channel: str, ts: str, action: str, value: str, answer: str
) -> None:
    """Click a button and wait for the Slack call that answers it (`answer`), then for what it queued:
    the listener goes on after the ack."""
    before = len(running.slack.calls(answer))
    await running.interact(block_action(user, channel, ts, button(action, value)), settle=False)
    await running.slack.wait_for(answer, before + 1)
    await running.settle()


def buttons(blocks: list[dict]) -> dict[str, str]:
    """action_id → value of every button in the blocks."""
    return {
        element["action_id"]: element["value"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


async def signed_contract(running: RunningBot) -> None:
    """A second deal of Alice's whose quote the manager approved and the customer signed (C-2026-0001)."""
    services = running.bot.services
    deal = await services.deals.open(
        TEAM_ID, "UALICE", DealForm("Initech", "Valves", Decimal(5000), "CNY", "quote"), MONDAY
    )
    content = QuoteContent("CNY", lump_sum=Decimal(5000), terms=PaymentTerms(Decimal(30)))
    submitted = await services.quotes.submit(TEAM_ID, "UALICE", content, MONDAY, deal_id=deal.id)
    for request in await services.quotes.pending_requests(submitted.version.id):
        await services.quotes.decide(request, "UBOSS", "approve", "", MONDAY)
    await services.contracts.sign(TEAM_ID, Signing(submitted.quote.number), "UALICE", MONDAY)
    await running.settle()


async def test_the_manager_hands_over_and_the_new_owner_confirms(
    running: RunningBot, slack: SlackApiStub, tmp_path: Path
) -> None:
    placed = await running.bot.services.leads.intake(
        TEAM_ID, LeadInput(company="Globex", contact="Li", phone="138 0000 0001"), MONDAY
    )
    await running.bot.services.leads.reassign(placed.lead.id, "UALICE", "UBOSS", MONDAY)
    deal_id = await open_deal(running, "UALICE")
    assert await submit_quote(running, deal_id, "UALICE") == ""
    await signed_contract(running)

    # A rep may not hand anyone's work over.
    refused = await running.command("UBOB", "CSALES", "handover <@UALICE|alice> <@UCAROL>")
    assert "Only a manager" in refused["text"] and not await handovers(running)

    preview = await running.command("UBOSS", "CSALES", "handover <@UALICE|alice> <@UCAROL|carol>")
    shown = json.dumps(preview["blocks"])
    assert "<@UALICE>" in shown and "<@UCAROL>" in shown
    assert "1 lead" in shown and "2 deals" in shown and "2 quotes" in shown and "1 contract" in shown
    carry_out = buttons(preview["blocks"])["handover_carry_out"]

    # Carol (the successor) may not press the manager's button; nothing moves.
    await click(running, "UCAROL", "CSALES", "1.1", "handover_carry_out", carry_out, "chat.postEphemeral")
    refusal = slack.last("chat.postEphemeral").args
    assert refusal["user"] == "UCAROL" and "<@UBOSS>" in refusal["text"]
    assert not await handovers(running)

    await click(running, "UBOSS", "CSALES", "1.1", "handover_carry_out", carry_out, "chat.postEphemeral")
    done = slack.last("chat.postEphemeral").args
    assert done["user"] == "UBOSS" and "<@UCAROL>" in done["text"]
    [handover] = await handovers(running)
    dm = await the_dm(running, handover)
    [message] = [m for m in slack.messages(dm.message_channel) if m["ts"] == dm.message_ts]
    assert "<@UALICE>" in str(message) and "Globex" in str(message) and "Pumps for line 3" in str(message)
    confirm = buttons(message["blocks"])["handover_confirm"]
    # It is on Carol's list too, with the same Confirm.
    home = await open_home(running, "UCAROL")
    assert "Confirm the handover from <@UALICE>" in home and f'"value": "{confirm}"' in home

    # The manager's button again: nothing left to move.
    await click(running, "UBOSS", "CSALES", "1.1", "handover_carry_out", carry_out, "chat.postEphemeral")
    assert "nothing left" in slack.last("chat.postEphemeral").args["text"]
    assert len(await handovers(running)) == 1

    # A stranger's Confirm is refused privately; the successor's confirms, and the DM says so in place.
    await click(
        running, "UBOB", dm.message_channel, dm.message_ts, "handover_confirm", confirm, "chat.postEphemeral"
    )
    refusal = slack.last("chat.postEphemeral").args
    assert refusal["user"] == "UBOB" and "<@UCAROL>" in refusal["text"]
    assert [h.state for h in await handovers(running)] == ["pending"]
    await click(
        running, "UCAROL", dm.message_channel, dm.message_ts, "handover_confirm", confirm, "chat.update"
    )
    assert [h.state for h in await handovers(running)] == ["confirmed"]
    [message] = [m for m in slack.messages(dm.message_channel) if m["ts"] == dm.message_ts]
    assert "Confirmed by <@UCAROL>" in str(message) and "handover_confirm" not in str(message)
    assert "Confirm the handover from" not in home_text(running, "UCAROL")

    # Nothing is left in Alice's name; what she wrote stays hers to read.
    for table in ("leads", "deals", "quotes", "contracts"):
        rows = await export(running, table, tmp_path)
        assert rows and all(row["owner_id"] != "UALICE" for row in rows), table
    [contract] = await export(running, "contracts", tmp_path)
    assert contract["owner_id"] == "UCAROL" and contract["awaiting_handover"] is False  # confirmed
    tasks = await export(running, "tasks", tmp_path)
    assert not [row for row in tasks if row["owner_id"] == "UALICE" and row["state"] == "open"]
    assert any(row["kind"] == "handover" and row["state"] == "done" for row in tasks)
