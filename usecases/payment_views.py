"""What the payment surfaces show, read in one session: contracts with money owed (the pay form's
choices), a payment as its owner's DM tells it, and which team a file's payments belong to."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from storage import contracts as contract_store
from storage import customers
from storage.db import Database
from storage.models import Contract, Payment


@dataclass(frozen=True)
class OwedContract:
    """A contract someone may pay against: its number, customer and what is still owed."""

    number: str
    customer: str
    currency: str
    outstanding: Decimal


@dataclass(frozen=True)
class PaymentNote:
    """A payment as the contract owner hears of it."""

    customer: str
    contract: str
    reference: str
    amount: Decimal
    currency: str
    outstanding: Decimal  # owed on the contract right after this payment


async def owed_contracts(db: Database, team_id: str, owner_id: str | None = None) -> list[OwedContract]:
    """Contracts with money owed, oldest first: everyone's, or one owner's."""
    async with db.sessions() as session:
        owed = await contract_store.open_of(session, team_id, owner_id)
        names: dict[int, str] = {}
        for contract in owed:
            if contract.customer_id not in names:
                customer = await customers.get(session, contract.customer_id)
                names[contract.customer_id] = customer.name if customer else ""
    return [OwedContract(c.number, names[c.customer_id], c.currency, c.total - c.paid) for c in owed]


async def payment_note(db: Database, payment_id: int) -> PaymentNote | None:
    """The payment `payment_id` with its contract and customer, or None when it is gone."""
    async with db.sessions() as session:
        payment = await session.get(Payment, payment_id)
        if payment is None:
            return None
        contract = await contract_store.get(session, payment.contract_id)
        if contract is None:
            return None
        customer = await customers.get(session, contract.customer_id)
    return PaymentNote(
        customer.name if customer else "",
        contract.number,
        payment.reference,
        payment.amount,
        payment.currency,
        payment.outstanding,
    )


async def usual_team(db: Database) -> str | None:
    """The team most contracts belong to: the command line has no workspace to ask."""
    async with db.sessions() as session:
        return await session.scalar(
            select(Contract.team_id)
            .group_by(Contract.team_id)
            .order_by(func.count().desc(), Contract.team_id)
            .limit(1)
        )
