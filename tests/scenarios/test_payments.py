"""Money received, as finance and their systems send it: `POST /api/payments` and `/closeloop pay`.

The bot runs over real HTTP on each database against the Slack stand-in. A contract is signed the
way the desks sign one (a deal, a quote approved by the manager, the customer's signature); then
payments arrive by webhook or by hand, and the owner hears of each in a DM.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import SimulatedClock
from domain.quotes import PaymentTerms, QuoteContent
from storage.models import ApprovalRequest, Payment
from tests.support.harness import RunningBot, start_with_rules
from tests.support.payloads import date_value, opened_view, option_value, text_value, view_submission
from tests.support.slack_api import TEAM_ID, SlackApiStub
from usecases.contracts import Signing
from usecases.deals import DealForm

TOKEN = "intake-secret"
RULES = """
[leads]
managers = ["UBOSS"]

[[leads.reps]]
user_id = "UALICE"
name = "Alice"
joined = "2024-01-01"
manager = "UBOSS"

[deals]
channel = "CDEALS"

[approvals.groups]
finance = ["UFIN"]
"""
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
async def running(database_url: str, slack: SlackApiStub, tmp_path: Path) -> AsyncIterator[RunningBot]:
    for user in ("UALICE", "UBOSS", "UFIN"):
        slack.set_user(user, name=user[1:].lower(), tz="Asia/Shanghai")
    slack.set_channel("CDEALS", "deals")
    bot = await start_with_rules(
        database_url, slack, RULES, tmp_path, SimulatedClock(MONDAY), closeloop_intake_token=TOKEN
    )
    await sign_contract(bot)
    yield bot
    await bot.stop()


async def sign_contract(running: RunningBot) -> None:
    """Alice's deal with ACME, quoted at 100,000 (30 % up front), approved and signed: C-2026-0001."""
    services, now = running.bot.services, MONDAY
    deal = await services.deals.open(
        TEAM_ID, "UALICE", DealForm("ACME", "Pumps", Decimal(100000), "CNY", "quote"), now
    )
    content = QuoteContent("CNY", lump_sum=Decimal(100000), terms=PaymentTerms(Decimal(30), net_days=30))
    submitted = await services.quotes.submit(TEAM_ID, "UALICE", content, now, deal_id=deal.id)
    async with running.db.sessions() as session:
        request = await session.scalar(select(ApprovalRequest))
    await services.quotes.decide(request.id, "UBOSS", "approve", "", now)
    signed = await services.contracts.sign(TEAM_ID, Signing(submitted.quote.number), "UALICE", now)
    assert signed.contract.number == "C-2026-0001"
    await running.settle()
    running.slack.clear()


async def post_payment(
    running: RunningBot, body: object, *, token: str = TOKEN, key: str | None = None
) -> tuple[int, dict]:
    """POST a payment; a str body is sent as it is (JSON numbers written by hand)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    headers |= {"Idempotency-Key": key} if key else {}
    data = body if isinstance(body, str) else json.dumps(body)
    response = await running.http.post(f"{running.url}/api/payments", data=data, headers=headers)
    return response.status, await response.json()


async def payments(running: RunningBot) -> list[Payment]:
    async with running.db.sessions() as session:
        return list(await session.scalars(select(Payment).order_by(Payment.id)))


async def owner_dms(running: RunningBot) -> list[str]:
    await running.settle()
    return [c.args["text"] for c in running.slack.calls("chat.postMessage") if c.args["channel"] == "UALICE"]


async def test_twenty_racing_webhooks_with_one_reference_make_one_payment(running: RunningBot) -> None:
    # A JSON number with cents: read as a float it would not be 30000.10 exactly.
    body = '{"contract": "C-2026-0001", "reference": "BANK-1", "amount": 30000.10, "payer": "ACME Ltd"}'
    answers = await asyncio.gather(*(post_payment(running, body) for _ in range(20)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 19 + [201]
    assert len({json.dumps(answer, sort_keys=True) for _, answer in answers}) == 1
    _, answer = answers[0]
    assert answer["contract"] == "C-2026-0001" and answer["outstanding"] == "69999.90"
    assert answer["applied"] == [{"instalment": 1, "amount": "30000.00"}, {"instalment": 2, "amount": "0.10"}]
    [payment] = await payments(running)
    assert (payment.amount, payment.source, payment.payer) == (Decimal("30000.10"), "api", "ACME Ltd")
    assert payment.id == answer["id"]
    assert await owner_dms(running) == [
        "ACME paid CNY 30,000.10 on C-2026-0001 (ref BANK-1); CNY 69,999.90 still owed"
    ]


async def test_refused_payments_get_422_naming_the_field_and_write_nothing(running: RunningBot) -> None:
    status, body = await post_payment(
        running, {"contract": "C-2026-0099", "reference": "B-1", "amount": "10"}
    )
    assert status == 422 and "C-2026-0099" in body["fields"]["contract"]
    status, body = await post_payment(
        running, {"contract": "Q-2026-0001", "reference": "B-2", "amount": "10万零1"}
    )
    assert status == 422 and set(body["fields"]) == {"amount"}
    status, body = await post_payment(
        running, {"contract": "Q-2026-0001", "reference": "B-3", "amount": "100,000.01"}
    )
    assert status == 422 and "100000.00" in body["fields"]["amount"]
    status, body = await post_payment(
        running, {"contract": "C-2026-0001", "reference": "", "amount": 1, "paid_at": "someday"}
    )
    assert status == 422 and set(body["fields"]) == {"reference", "paid_at"}
    status, body = await post_payment(
        running, '{"contract": "C-2026-0001", "amount": 1e400, "reference": "B-4"}'
    )
    assert status == 422 and set(body["fields"]) == {"amount"}
    status, _ = await post_payment(
        running, {"contract": "C-2026-0001", "reference": "B-5", "amount": 1}, token="x"
    )
    assert status == 401
    status, body = await post_payment(
        running, {"contract": "C-2026-0001", "reference": "A\u0000B", "amount": 1}
    )
    assert status == 422 and "NUL" in body["fields"]["reference"]
    status, _ = await post_payment(running, "not json")
    assert status == 400
    status, _ = await post_payment(running, [1, 2])
    assert status == 422
    assert await payments(running) == []
    assert await owner_dms(running) == []


async def test_an_idempotency_key_answers_once_and_refuses_another_body(running: RunningBot) -> None:
    first = {"contract": "q-2026-0001", "reference": "ERP-7", "amount": "3万", "paid_at": "2026-12-05"}
    status, body = await post_payment(running, first, key="k-1")
    assert status == 201 and body["outstanding"] == "70000.00"
    assert await post_payment(running, first, key="k-1") == (201, body)
    status, refused = await post_payment(running, first | {"amount": "30001"}, key="k-1")
    assert status == 422 and "Idempotency-Key" in refused["error"]
    [payment] = await payments(running)
    # A day without a zone is read in CLOSELOOP_TZ.
    assert payment.paid_at.astimezone(SHANGHAI).isoformat() == "2026-12-05T00:00:00+08:00"


async def open_pay_form(running: RunningBot, user: str) -> dict:
    assert await running.command(user, "CFIN", "pay") == {}
    return opened_view(running.slack.last("views.open").args)


async def test_finance_records_a_payment_in_the_form_and_an_overpayment_is_a_field_error(
    running: RunningBot,
) -> None:
    form = await open_pay_form(running, "UFIN")
    assert form["callback_id"] == "payment_modal"
    [contract] = [b for b in form["blocks"] if b["block_id"] == "contract"]
    labels = [o["text"]["text"] for o in contract["element"]["options"]]
    assert labels == ["C-2026-0001 — ACME — CNY 100,000.00 owed"]

    def filled(amount: str) -> dict:
        values = {
            "contract": option_value("C-2026-0001"),
            "amount": text_value(amount),
            "reference": text_value("BANK-9"),
            "paid_at": date_value("2026-12-06"),
        }
        return view_submission("UFIN", form, values)

    response = await running.interact(filled("100,000.01"))
    errors = (await response.json())["errors"]
    assert set(errors) == {"amount"} and "still owed" in errors["amount"]
    assert await payments(running) == []

    response = await running.interact(filled("3万"))
    assert await response.text() == ""  # the form closes
    [payment] = await payments(running)
    assert (payment.amount, payment.source, payment.recorded_by) == (Decimal("30000"), "slack", "UFIN")
    assert payment.paid_at.astimezone(SHANGHAI).date().isoformat() == "2026-12-06"
    answer = running.slack.last("chat.postEphemeral").args
    assert answer["user"] == "UFIN" and answer["channel"] == "CFIN"
    assert answer["text"] == "Recorded CNY 30,000.00 on C-2026-0001 (ref BANK-9); CNY 70,000.00 still owed."


async def test_a_one_liner_records_and_a_rep_is_refused(running: RunningBot) -> None:
    answer = await running.command("UBOSS", "CFIN", "pay C-2026-0001 30,000 REF123")
    assert answer["text"] == "Recorded CNY 30,000.00 on C-2026-0001 (ref REF123); CNY 70,000.00 still owed."
    again = await running.command("UBOSS", "CFIN", "pay C-2026-0001 30,000 REF123")
    assert again["text"].startswith("REF123 was already recorded on C-2026-0001")
    refused = await running.command("UBOSS", "CFIN", "pay C-2026-0001 80000 REF124")
    assert "more than" in refused["text"]

    answer = await running.command("UALICE", "CSALES", "pay")
    assert "Only finance or a manager" in answer["text"]
    assert running.slack.calls("views.open") == []
    answer = await running.command("UALICE", "CSALES", "pay C-2026-0001 100 MINE")
    assert "Only finance or a manager" in answer["text"]
    assert [p.reference for p in await payments(running)] == ["REF123"]

    answer = await running.command("UFIN", "CFIN", "pay Q-2026-0001 7万 REF125")
    assert answer["text"] == "Recorded CNY 70,000.00 on C-2026-0001 (ref REF125); CNY 0.00 still owed."
    assert await owner_dms(running) == [
        "ACME paid CNY 30,000.00 on C-2026-0001 (ref REF123); CNY 70,000.00 still owed",
        "ACME paid CNY 70,000.00 on C-2026-0001 (ref REF125); the contract is paid in full",
    ]
    answer = await running.command("UFIN", "CFIN", "pay")
    assert answer["text"] == "No contract has money owed right now."
