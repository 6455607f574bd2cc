"""Contracts and their instalments: made once per quote, filled by payments, swept for dunning.

A contract is made once per quote (a unique key): two clicks on Customer signed make one contract.
An instalment's `next_level_at` is indexed, so the dunning sweep reads the rows whose level is about
to change, whatever the table holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Contract, Customer, Instalment, Quote


async def add(session: AsyncSession, contract: Contract, instalments: Sequence[Instalment]) -> Contract:
    """A new contract with its schedule; its number is made from its id (never given out twice)."""
    session.add(contract)
    await session.flush()
    contract.number = f"C-{contract.signed_on.year}-{contract.id:04d}"
    for instalment in instalments:
        instalment.contract_id = contract.id
        session.add(instalment)
    await session.flush()
    return contract


async def get(session: AsyncSession, contract_id: int, *, for_update: bool = False) -> Contract | None:
    query = select(Contract).where(Contract.id == contract_id).execution_options(populate_existing=True)
    return await session.scalar(query.with_for_update() if for_update else query)


async def of_quote(session: AsyncSession, quote_id: int) -> Contract | None:
    return await session.scalar(select(Contract).where(Contract.quote_id == quote_id))


async def by_number(
    session: AsyncSession, team_id: str, number: str, *, for_update: bool = False
) -> Contract | None:
    """A contract by its own number (C-2026-0001) or its quote's (Q-2026-0042), in any case."""
    wanted = number.strip().upper()
    query = (
        select(Contract)
        .outerjoin(Quote, Quote.id == Contract.quote_id)
        .where(Contract.team_id == team_id, (Contract.number == wanted) | (Quote.number == wanted))
        .execution_options(populate_existing=True)
    )
    return await session.scalar(query.with_for_update(of=Contract) if for_update else query)


async def instalments(
    session: AsyncSession, contract_id: int, *, for_update: bool = False
) -> list[Instalment]:
    query = (
        select(Instalment)
        .where(Instalment.contract_id == contract_id)
        .order_by(Instalment.seq)
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(query.with_for_update() if for_update else query))


async def instalment(
    session: AsyncSession, instalment_id: int, *, for_update: bool = False
) -> Instalment | None:
    query = select(Instalment).where(Instalment.id == instalment_id).execution_options(populate_existing=True)
    return await session.scalar(query.with_for_update() if for_update else query)


async def level_changes_due(session: AsyncSession, now: datetime, limit: int) -> list[int]:
    """Instalments whose dunning level changes by `now`, earliest first: an index range."""
    query = (
        select(Instalment.id)
        .where(Instalment.next_level_at <= now)
        .order_by(Instalment.next_level_at)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def move_level(
    session: AsyncSession,
    instalment: Instalment,
    *,
    seen: datetime | None,
    level: str | None,
    next_at: datetime | None,
) -> bool:
    """Compare-and-set the level: of two sweeps reading the same row, one moves it and tells people."""
    result = await session.execute(
        update(Instalment)
        .where(Instalment.id == instalment.id, Instalment.next_level_at == seen)
        .values(level=level, next_level_at=next_at)
        # The caller reads nothing back: matching the batch's loaded rows against it would cost
        # a check per loaded row for every update.
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def owed(session: AsyncSession, team_id: str) -> list[tuple[Contract, str]]:
    """Contracts with money still owed, oldest first, each with its customer's name (one query)."""
    query = (
        select(Contract, Customer.name)
        .join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.team_id == team_id, Contract.paid < Contract.total)
        .order_by(Contract.id)
    )
    return [(contract, name) for contract, name in await session.execute(query)]


async def listing(session: AsyncSession) -> list[Contract]:
    return list(await session.scalars(select(Contract).order_by(Contract.id)))


async def all_instalments(session: AsyncSession) -> list[Instalment]:
    return list(await session.scalars(select(Instalment).order_by(Instalment.contract_id, Instalment.seq)))


def outstanding(instalment: Instalment) -> Decimal:
    return instalment.amount - instalment.paid


async def of_deal(session: AsyncSession, deal_id: int) -> list[Contract]:
    return list(
        await session.scalars(select(Contract).where(Contract.deal_id == deal_id).order_by(Contract.id))
    )
