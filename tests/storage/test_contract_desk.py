"""Contracts, payments and dunning on each database: signing makes one schedule, a payment reference
counts once however many deliveries race, levels move once each, and a payment stops them."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from config.rules import Rules
from domain.quotes import PaymentTerms, QuoteContent
from storage.db import Database
from storage.models import Instalment, OutboxMessage, Payment, Task
from usecases.contracts import ContractDesk, ContractError, Signing
from usecases.deals import DealDesk, DealForm
from usecases.dunning import DunningDesk
from usecases.payments import PaymentDesk, PaymentError, PaymentInput
from usecases.quotes import QuoteDesk
from usecases.task_book import TaskBook

TEAM = "T1"
SIGNED = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
RULES = Rules.model_validate(
    {
        "leads": {
            "managers": ["UBOSS"],
            "directors": ["UDIR"],
            "reps": [{"user_id": "UALICE", "name": "Alice", "joined": "2024-01-01", "manager": "UBOSS"}],
        },
        "approvals": {
            "groups": {"finance": ["UFIN"]},
            "steps": [{"id": "manager", "en": "Manager", "zh": "主管"}],
        },
    }
)


class Desks:
    def __init__(self, database: Database):
        book = TaskBook(RULES, "Asia/Shanghai")
        self.deals = DealDesk(database, RULES, book)
        self.quotes = QuoteDesk(database, RULES, self.deals, book, "Asia/Shanghai")
        self.contracts = ContractDesk(database, RULES, book, "Asia/Shanghai")
        self.payments = PaymentDesk(database, RULES, book)
        self.dunning = DunningDesk(database, RULES, book)


async def signed(database: Database, terms: PaymentTerms) -> Desks:
    desks = Desks(database)
    deal = await desks.deals.open(
        TEAM, "UALICE", DealForm("ACME", "Pumps", Decimal(1000), "CNY", "quote"), SIGNED
    )
    content = QuoteContent("CNY", lump_sum=Decimal(100000), terms=terms)
    submitted = await desks.quotes.submit(TEAM, "UALICE", content, SIGNED, deal_id=deal.id)
    async with database.sessions() as session:
        from storage.models import ApprovalRequest

        request = await session.scalar(select(ApprovalRequest))
    await desks.quotes.decide(request.id, "UBOSS", "approve", "", SIGNED)
    await desks.contracts.sign(TEAM, Signing(submitted.quote.number), "UALICE", SIGNED)
    return desks


def pay(amount: str, reference: str, contract: str = "C-2026-0001") -> PaymentInput:
    return PaymentInput(contract, reference, Decimal(amount), SIGNED)


async def rows(database: Database, model: type) -> list:
    async with database.sessions() as session:
        return list(await session.scalars(select(model).order_by(model.id)))


async def test_signing_makes_the_schedule_and_finance_items(database: Database) -> None:
    desks = await signed(database, PaymentTerms(Decimal(30), net_days=30))
    first, second = await rows(database, Instalment)
    assert (first.amount, first.due_on) == (Decimal("30000.00"), date(2026, 12, 7))
    assert (second.amount, second.due_on) == (Decimal("70000.00"), date(2027, 1, 6))
    kinds = {(t.kind, t.owner_id) for t in await rows(database, Task) if t.state == "open"}
    # The customer has no tax ID or bank account yet: finance is told what is missing, no invoice.
    assert {
        ("missing_tax_id", "UFIN"),
        ("missing_bank_account", "UFIN"),
        ("payment_missing", "UALICE"),
    } <= kinds
    assert not any(kind == "invoice" for kind, _ in kinds)
    with pytest.raises(ContractError, match="already_signed"):
        await desks.contracts.sign(TEAM, Signing("Q-2026-0001"), "UALICE", SIGNED)
    with pytest.raises(ContractError, match="tax_id_required"):
        await desks.contracts.supply_details(1, "UFIN", {"tax_id": " ", "bank_account": "x"}, SIGNED)
    await desks.contracts.supply_details(1, "UFIN", {"tax_id": "9131", "bank_account": "ICBC 6222"}, SIGNED)
    kinds = {t.kind for t in await rows(database, Task) if t.state == "open"}
    assert {"invoice", "first_review"} <= kinds and "missing_tax_id" not in kinds


async def test_twenty_racing_deliveries_of_one_reference_make_one_payment(database: Database) -> None:
    desks = await signed(database, PaymentTerms(Decimal(30), net_days=30))
    answers = await asyncio.gather(
        *(desks.payments.receive(TEAM, pay("40000", "BANK-1"), "api", None, SIGNED) for _ in range(20))
    )
    assert len({a.as_json().__repr__() for a in answers}) == 1
    assert answers[0].as_json()["applied"] == [
        {"instalment": 1, "amount": "30000.00"},
        {"instalment": 2, "amount": "10000.00"},
    ]
    assert len(await rows(database, Payment)) == 1
    with pytest.raises(PaymentError, match="overpayment"):
        await desks.payments.receive(TEAM, pay("60000.01", "BANK-2"), "api", None, SIGNED)
    with pytest.raises(PaymentError, match="unknown_contract"):
        await desks.payments.receive(TEAM, pay("1", "BANK-3", "C-2026-0099"), "api", None, SIGNED)
    result = await desks.payments.receive(TEAM, pay("60000", "BANK-4", "q-2026-0001"), "api", None, SIGNED)
    assert result.outstanding == 0
    cs = {t.kind: t.due_at for t in await rows(database, Task) if t.kind.startswith("cs_")}
    assert set(cs) == {"cs_satisfaction", "cs_usage", "cs_renewal"}


async def test_levels_move_once_each_and_a_payment_stops_them(database: Database) -> None:
    desks = await signed(database, PaymentTerms(Decimal(0), net_days=30))  # one instalment, due Jan 6
    for day in range(0, 60):
        now = SIGNED + timedelta(days=day)
        await desks.dunning.sweep(now)
        await desks.dunning.sweep(now)
        if day == 35:  # Jan 11: orange since Jan 9 (3 days late); half of it paid keeps it orange
            [instalment] = await rows(database, Instalment)
            assert instalment.level == "orange"
            await desks.payments.receive(TEAM, pay("50000", "B-1"), "api", None, now)
    keys = [m.dedupe_key for m in await rows(database, OutboxMessage) if m.dedupe_key.startswith("dunning:")]
    assert sorted(keys) == sorted(
        [
            "dunning:1:yellow:UALICE",
            "dunning:1:orange:UALICE",
            "dunning:1:orange:UBOSS",
            "dunning:1:red:UALICE",
            "dunning:1:red:UBOSS",
            "dunning:1:red:UDIR",
        ]
    )
    [instalment] = await rows(database, Instalment)
    assert instalment.level == "red"
    await desks.contracts.record_reason(
        instalment.id, "UALICE", "customer's budget frozen until Feb", SIGNED + timedelta(days=60)
    )
    await desks.dunning.sweep(SIGNED + timedelta(days=60))
    [instalment] = await rows(database, Instalment)
    assert instalment.level == "orange" and instalment.next_level_at is None
    await desks.payments.receive(TEAM, pay("50000", "B-2"), "api", None, SIGNED + timedelta(days=61))
    [instalment] = await rows(database, Instalment)
    assert instalment.level is None and instalment.next_level_at is None
    dunning = [t for t in await rows(database, Task) if t.kind == "dunning"]
    assert [t.state for t in dunning] == ["cancelled"]
