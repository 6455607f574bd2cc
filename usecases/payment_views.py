"""What the payment surfaces show, read in one session: contracts with money owed (the pay form's
choices) and a payment as its owner's DM tells it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from storage import contracts as contract_store
from storage import customers
from storage.db import Database
from storage.models import Payment


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


async def owed_contracts(db: Database, team_id: str) -> list[OwedContract]:
    """Contracts with money owed, oldest first, with their customers' names."""
    async with db.sessions() as session:
        owed = await contract_store.owed(session, team_id)
    return [OwedContract(c.number, name, c.currency, c.total - c.paid) for c, name in owed]


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
