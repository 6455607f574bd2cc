"""A handover on each database: a leaving rep's lead, deal, quote, contract, items and the approval
waiting on them all move in one go to the successor, who alone confirms; the item climbs to the
manager after 48 hours unconfirmed; doing it twice moves nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from config.rules import Rules
from domain.quotes import PaymentTerms, QuoteContent
from storage.db import Database
from storage.models import (
    ApprovalEvent,
    ApprovalRequest,
    Contract,
    Deal,
    Handover,
    LeadRecord,
    OutboxMessage,
    Quote,
    Task,
)
from usecases.collection import month_collection
from usecases.contracts import ContractDesk, Signing
from usecases.deals import DealDesk, DealForm
from usecases.handover import HandoverDesk, HandoverError
from usecases.lead_input import LeadInput
from usecases.leads import LeadDesk, LeadError
from usecases.quotes import QuoteDesk
from usecases.task_book import TaskBook
from usecases.tasks import TaskDesk

TEAM = "T1"
MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
RULES = Rules.model_validate(
    {
        "leads": {
            "managers": ["UBOSS"],
            "directors": ["UDIR"],
            "reps": [
                {"user_id": "UALICE", "name": "Alice", "joined": "2024-01-01", "manager": "UBOSS"},
                {"user_id": "UCAROL", "name": "Carol", "joined": "2024-01-01", "manager": "UBOSS"},
            ],
        },
        "approvals": {
            "groups": {"finance": ["UALICE", "UFIN"]},
            "steps": [
                {"id": "manager", "en": "Manager", "zh": "主管"},
                {"id": "finance", "en": "Finance", "zh": "财务", "approvers": "finance"},
            ],
        },
    }
)


@dataclass
class Desks:
    leads: LeadDesk
    deals: DealDesk
    quotes: QuoteDesk
    contracts: ContractDesk
    tasks: TaskDesk
    handovers: HandoverDesk


@pytest.fixture
async def desks(database: Database) -> AsyncIterator[Desks]:
    book = TaskBook(RULES, "Asia/Shanghai")
    leads = LeadDesk(database, RULES.leads, book)
    deals = DealDesk(database, RULES, book)
    quotes = QuoteDesk(database, RULES, deals, book, "Asia/Shanghai")
    yield Desks(
        leads,
        deals,
        quotes,
        ContractDesk(database, RULES, book, "Asia/Shanghai"),
        TaskDesk(database, RULES, leads, "Asia/Shanghai"),
        HandoverDesk(database, RULES, book, quotes),
    )


async def rows(database: Database, model: type) -> list:
    async with database.sessions() as session:
        return list(await session.scalars(select(model).order_by(model.id)))


async def pending_requests(database: Database) -> list[ApprovalRequest]:
    return [r for r in await rows(database, ApprovalRequest) if r.state == "pending"]


async def quote_for(desks: Desks, owner: str, customer: str) -> str:
    deal = await desks.deals.open(
        TEAM, owner, DealForm(customer, "Pumps", Decimal(1000), "CNY", "quote"), MONDAY
    )
    content = QuoteContent("CNY", lump_sum=Decimal(100000), terms=PaymentTerms(Decimal(0), net_days=30))
    return (await desks.quotes.submit(TEAM, owner, content, MONDAY, deal_id=deal.id)).quote.number


async def leaving_alice(database: Database, desks: Desks) -> None:
    """Alice owns a lead, two deals, a signed contract left unpaid, their items, and is the finance
    approver Carol's quote waits on."""
    placed = await desks.leads.intake(
        TEAM, LeadInput(company="Globex", contact="Li", phone="138 0000 0001"), MONDAY
    )
    await desks.leads.reassign(placed.lead.id, "UALICE", "UBOSS", MONDAY)
    signed = await quote_for(desks, "UALICE", "ACME")
    [manager] = await pending_requests(database)
    await desks.quotes.decide(manager.id, "UBOSS", "approve", "", MONDAY)
    [finance] = await pending_requests(database)  # Alice does not approve her own quote
    assert finance.approver_id == "UFIN"
    await desks.quotes.decide(finance.id, "UFIN", "approve", "", MONDAY)
    await desks.contracts.sign(TEAM, Signing(signed), "UALICE", MONDAY)
    await quote_for(desks, "UCAROL", "Initech")
    [manager] = await pending_requests(database)
    await desks.quotes.decide(manager.id, "UBOSS", "approve", "", MONDAY)
    assert {r.approver_id for r in await pending_requests(database)} == {"UALICE", "UFIN"}


async def owned_by(database: Database, user: str) -> dict[str, int]:
    """What `user` owns, table by table: every owner column, open items, pending approvals."""
    found = {
        model.__tablename__: sum(1 for row in await rows(database, model) if row.owner_id == user)
        for model in (LeadRecord, Deal, Quote, Contract)
    }
    found["tasks"] = sum(1 for t in await rows(database, Task) if t.owner_id == user and t.state == "open")
    found["approval_requests"] = sum(
        1 for r in await pending_requests(database) if user in (r.approver_id, r.delegate_id)
    )
    return found


async def carols_due_in_january(database: Database) -> Decimal:
    """What the money figures count as due to Carol in January, when the contract's payment falls due."""
    async with database.sessions() as session:
        money, _ = await month_collection(
            session, RULES, TEAM, {"UCAROL"}, datetime(2027, 1, 10, tzinfo=UTC), "Asia/Shanghai"
        )
    return money.due


async def test_everything_the_leaver_owns_moves_and_only_the_successor_confirms(
    database: Database, desks: Desks
) -> None:
    await leaving_alice(database, desks)
    before = await owned_by(database, "UALICE")
    assert all(before.values()), before

    preview = await desks.handovers.preview(TEAM, "UALICE", "UCAROL", "UBOSS")
    assert (preview.to_id, preview.fallback) == ("UCAROL", False)
    assert preview.counts["leads"] == 1 and preview.counts["contracts"] == 1
    assert preview.counts["approvals"] == 1 and preview.counts["tasks"] >= 2

    handover = await desks.handovers.carry_out(TEAM, "UALICE", "UCAROL", "UBOSS", MONDAY)
    assert {kind: len(items) for kind, items in handover.moved.items()} == preview.counts
    assert await owned_by(database, "UALICE") == dict.fromkeys(before, 0)
    # The approval waiting on Alice now waits on Carol, and the ledger says how it got there.
    assert {r.approver_id for r in await pending_requests(database)} == {"UCAROL", "UFIN"}
    events = [(e.kind, e.actor_id, e.on_behalf_of) for e in await rows(database, ApprovalEvent)]
    assert events[-1] == ("handed_over", "UCAROL", "UALICE")
    # The contract's money waits for Carol's confirmation; Alice is out of routing.
    [contract] = await rows(database, Contract)
    assert contract.handover_id == handover.id
    assert await carols_due_in_january(database) == Decimal(0)  # not in her figures yet
    assert next(rep for rep in await desks.leads.roster(TEAM) if rep.user_id == "UALICE").away
    with pytest.raises(LeadError, match="departed"):  # she cannot put herself back into routing
        await desks.leads.change_rep(TEAM, "UALICE", {"away": False}, "UALICE", MONDAY)
    keys = {m.dedupe_key for m in await rows(database, OutboxMessage)}
    assert f"handover:{handover.id}" in keys

    # Nobody else confirms it: not the leaver, not the manager.
    for stranger in ("UALICE", "UBOSS"):
        with pytest.raises(HandoverError, match="not_yours"):
            await desks.handovers.confirm(handover.id, stranger, MONDAY)
    [item] = [t for t in await rows(database, Task) if t.kind == "handover"]
    assert (item.owner_id, item.state, item.title) == ("UCAROL", "open", "UALICE")

    later = MONDAY + timedelta(hours=1)
    first = await desks.handovers.confirm(handover.id, "UCAROL", later)
    again = await desks.handovers.confirm(handover.id, "UCAROL", later + timedelta(minutes=1))
    assert (first.state, first.confirmed_at) == ("confirmed", later) == (again.state, again.confirmed_at)
    [contract] = await rows(database, Contract)
    assert contract.handover_id is None and contract.owner_id == "UCAROL"
    assert await carols_due_in_january(database) == Decimal("100000.00")
    [item] = [t for t in await rows(database, Task) if t.kind == "handover"]
    assert (item.state, item.closed_by) == ("done", "UCAROL")


async def test_unconfirmed_for_48_hours_the_manager_hears_of_it(database: Database, desks: Desks) -> None:
    await leaving_alice(database, desks)
    handover = await desks.handovers.carry_out(TEAM, "UALICE", "UCAROL", "UBOSS", MONDAY)
    [item] = [t for t in await rows(database, Task) if t.kind == "handover"]
    escalation = f"escalation:{item.id}:{item.ladder_round}:0:UBOSS"
    await desks.tasks.sweep(MONDAY + timedelta(hours=47))
    assert escalation not in {m.dedupe_key for m in await rows(database, OutboxMessage)}
    await desks.tasks.sweep(MONDAY + timedelta(hours=48))
    assert escalation in {m.dedupe_key for m in await rows(database, OutboxMessage)}
    assert (await rows(database, Handover))[0].id == handover.id


async def test_carrying_out_again_moves_nothing_and_only_managers_may(
    database: Database, desks: Desks
) -> None:
    await leaving_alice(database, desks)
    with pytest.raises(HandoverError, match="managers_only"):
        await desks.handovers.preview(TEAM, "UALICE", "UCAROL", "UCAROL")
    with pytest.raises(HandoverError, match="same_person"):
        await desks.handovers.carry_out(TEAM, "UALICE", "UALICE", "UBOSS", MONDAY)
    fallback = await desks.handovers.preview(TEAM, "UALICE", None, "UBOSS")
    assert (fallback.to_id, fallback.fallback) == ("UBOSS", True)

    await desks.handovers.carry_out(TEAM, "UALICE", "UCAROL", "UBOSS", MONDAY)
    moved = {m.dedupe_key: m.version for m in await rows(database, OutboxMessage)}
    with pytest.raises(HandoverError, match="nothing"):
        await desks.handovers.preview(TEAM, "UALICE", "UCAROL", "UBOSS")
    with pytest.raises(HandoverError, match="nothing"):
        await desks.handovers.carry_out(TEAM, "UALICE", "UCAROL", "UBOSS", MONDAY)
    assert len(await rows(database, Handover)) == 1
    assert {m.dedupe_key: m.version for m in await rows(database, OutboxMessage)} == moved
