"""The quote desk on each database: groups where all must approve, delegations that would loop or run
out, versions that replace each other, and the ledger that records it all."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from config.rules import Rules
from domain.quotes import PaymentTerms, QuoteContent
from storage.db import Database
from storage.models import ApprovalEvent, ApprovalRequest, ApprovalStep, Task
from usecases.deals import DealDesk, DealForm
from usecases.quotes import QuoteDesk, QuoteError
from usecases.task_book import TaskBook

TEAM = "T1"
MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
RULES = Rules.model_validate(
    {
        "leads": {
            "managers": ["UBOSS"],
            "reps": [{"user_id": "UALICE", "name": "Alice", "joined": "2024-01-01", "manager": "UBOSS"}],
        },
        "approvals": {
            "groups": {"board": ["UB1", "UB2"]},
            "steps": [
                {"id": "manager", "en": "Manager", "zh": "主管"},
                {"id": "board", "en": "Board", "zh": "董事会", "approvers": "board", "all": True},
            ],
        },
    }
)


def desks(database: Database) -> tuple[DealDesk, QuoteDesk]:
    book = TaskBook(RULES, "Asia/Shanghai")
    deals = DealDesk(database, RULES, book)
    return deals, QuoteDesk(database, RULES, deals, book, "Asia/Shanghai")


async def quoted(database: Database) -> QuoteDesk:
    deals, quotes = desks(database)
    deal = await deals.open(TEAM, "UALICE", DealForm("ACME", "Pumps", Decimal(1000), "CNY", "quote"), MONDAY)
    content = QuoteContent("CNY", lump_sum=Decimal(1000), terms=PaymentTerms(Decimal(30)))
    await quotes.submit(TEAM, "UALICE", content, MONDAY, deal_id=deal.id)
    return quotes


async def pending(database: Database) -> list[ApprovalRequest]:
    async with database.sessions() as session:
        query = select(ApprovalRequest).where(ApprovalRequest.state == "pending").order_by(ApprovalRequest.id)
        return list(await session.scalars(query))


async def test_a_step_for_all_of_a_group_waits_for_every_member(database: Database) -> None:
    quotes = await quoted(database)
    [manager] = await pending(database)
    await quotes.decide(manager.id, "UBOSS", "approve", "", MONDAY)
    first, second = await pending(database)
    assert {first.approver_id, second.approver_id} == {"UB1", "UB2"}
    decided = await quotes.decide(first.id, first.approver_id, "approve", "", MONDAY)
    assert decided.outcome is None and decided.version.state == "pending"  # one of two is not enough
    decided = await quotes.decide(second.id, second.approver_id, "approve", "", MONDAY)
    assert decided.outcome == "approve" and decided.version.state == "approved"


async def test_one_rejection_in_an_all_of_group_step_ends_it(database: Database) -> None:
    quotes = await quoted(database)
    [manager] = await pending(database)
    await quotes.decide(manager.id, "UBOSS", "approve", "", MONDAY)
    first, _ = await pending(database)
    with pytest.raises(QuoteError, match="reason_required"):
        await quotes.decide(first.id, first.approver_id, "reject", " ", MONDAY)
    decided = await quotes.decide(first.id, first.approver_id, "reject", "too risky", MONDAY)
    assert decided.outcome == "reject" and decided.version.state == "rejected"
    assert await pending(database) == []  # the other member has nothing left to decide
    async with database.sessions() as session:
        tasks = list(await session.scalars(select(Task).where(Task.kind == "approval").order_by(Task.id)))
    assert [task.state for task in tasks] == ["done", "done", "cancelled"]


async def test_a_delegation_cannot_loop_and_runs_out_at_the_end_of_its_day(database: Database) -> None:
    quotes = await quoted(database)
    delegated = await quotes.delegate(TEAM, "UBOSS", "UDEP", date(2026, 12, 8), MONDAY)
    assert delegated.moved == 1 and delegated.last_day("Asia/Shanghai") == date(2026, 12, 8)
    with pytest.raises(QuoteError, match="loop"):
        await quotes.delegate(TEAM, "UDEP", "UBOSS", date(2026, 12, 9), MONDAY)
    with pytest.raises(QuoteError, match="self"):
        await quotes.delegate(TEAM, "UBOSS", "UBOSS", date(2026, 12, 9), MONDAY)
    [request] = await pending(database)
    assert request.delegate_id == "UDEP"
    async with database.sessions() as session:
        task = await session.scalar(select(Task).where(Task.kind == "approval"))
    assert task.owner_id == "UDEP"  # on the delegate's list now

    end_of_day = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)  # midnight in Shanghai
    assert await quotes.hand_back_expired(end_of_day - timedelta(minutes=1)) == 0
    with pytest.raises(QuoteError, match="delegation_over"):
        await quotes.decide(request.id, "UDEP", "approve", "", end_of_day)
    assert await quotes.hand_back_expired(end_of_day) == 1
    [request] = await pending(database)
    assert request.delegate_id is None
    async with database.sessions() as session:
        task = await session.scalar(select(Task).where(Task.kind == "approval"))
        kinds = [e.kind for e in await session.scalars(select(ApprovalEvent).order_by(ApprovalEvent.id))]
    assert task.owner_id == "UBOSS" and kinds[-2:] == ["delegated", "handed_back"]


async def test_a_new_version_replaces_the_chain_of_the_one_before(database: Database) -> None:
    quotes = await quoted(database)
    [first] = await pending(database)
    number = (await quotes.current(TEAM, "q-2026-0001")).quote.number  # numbers read in any case
    content = QuoteContent("CNY", lump_sum=Decimal(900), terms=PaymentTerms(Decimal(30)))
    submitted = await quotes.submit(TEAM, "UALICE", content, MONDAY, number=number)
    assert submitted.replaced == 1 and submitted.version.version == 2
    with pytest.raises(QuoteError, match="replaced"):
        await quotes.decide(first.id, "UBOSS", "approve", "", MONDAY)
    async with database.sessions() as session:
        states = [s.state for s in await session.scalars(select(ApprovalStep).order_by(ApprovalStep.id))]
    assert states == ["replaced", "replaced", "pending", "waiting"]
    with pytest.raises(QuoteError, match="not_owner"):
        await quotes.submit(TEAM, "UBOB", content, MONDAY, number=number)
