"""What a contract's messages show, read in one place: the contract, its customer, its schedule."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from storage import contracts as store
from storage import customers
from storage import quotes as quote_store
from storage.db import Database
from storage.models import Contract, Customer, Instalment


@dataclass(frozen=True)
class ContractView:
    """A contract with its customer, its quote's number and its instalments in order."""

    contract: Contract
    customer: Customer
    quote_number: str
    instalments: tuple[Instalment, ...]

    @property
    def next_unpaid(self) -> Instalment | None:
        return next((i for i in self.instalments if i.paid < i.amount), None)

    @property
    def outstanding(self) -> Decimal:
        return self.contract.total - self.contract.paid


async def contract_view(session: AsyncSession, contract: Contract) -> ContractView:
    customer = await customers.get(session, contract.customer_id)
    quote = await quote_store.get(session, contract.quote_id)
    assert customer is not None and quote is not None
    return ContractView(
        contract, customer, quote.number, tuple(await store.instalments(session, contract.id))
    )


async def read_contract(db: Database, contract_id: int) -> ContractView | None:
    async with db.sessions() as session:
        contract = await store.get(session, contract_id)
        return None if contract is None else await contract_view(session, contract)


async def read_instalment(db: Database, instalment_id: int) -> tuple[ContractView, Instalment] | None:
    """An instalment in its contract's context, for its dunning DM."""
    async with db.sessions() as session:
        instalment = await store.instalment(session, instalment_id)
        if instalment is None:
            return None
        contract = await store.get(session, instalment.contract_id)
        view = await contract_view(session, contract)
    return view, next(i for i in view.instalments if i.id == instalment_id)
