"""Quotes, their versions, approval steps and requests, and the approval ledger.

Every decision is a compare-and-set on the pending state of a request and then of its step, in the
caller's transaction: of thirty clicks at once, one changes the rows and the rest change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ApprovalEvent, ApprovalRequest, ApprovalStep, Quote, QuoteVersion

PENDING, APPROVED, REJECTED, CHANGES, REPLACED = "pending", "approved", "rejected", "changes", "replaced"
WAITING, SKIPPED, CLOSED = "waiting", "skipped", "closed"


async def add_quote(session: AsyncSession, quote: Quote) -> Quote:
    """A new quote; its number is made from its id, which is never given out twice."""
    session.add(quote)
    await session.flush()
    return quote


async def get(session: AsyncSession, quote_id: int, *, for_update: bool = False) -> Quote | None:
    query = select(Quote).where(Quote.id == quote_id).execution_options(populate_existing=True)
    return await session.scalar(query.with_for_update() if for_update else query)


async def by_number(
    session: AsyncSession, team_id: str, number: str, *, for_update: bool = False
) -> Quote | None:
    """A quote by its number as people write it (any case)."""
    query = (
        select(Quote)
        .where(Quote.team_id == team_id, Quote.number == number.strip().upper())
        .execution_options(populate_existing=True)
    )
    return await session.scalar(query.with_for_update() if for_update else query)


async def of_deal(session: AsyncSession, deal_id: int) -> list[Quote]:
    return list(await session.scalars(select(Quote).where(Quote.deal_id == deal_id).order_by(Quote.id)))


async def add_version(session: AsyncSession, version: QuoteVersion) -> QuoteVersion:
    session.add(version)
    await session.flush()
    return version


async def version(session: AsyncSession, quote_id: int, number: int) -> QuoteVersion | None:
    query = select(QuoteVersion).where(QuoteVersion.quote_id == quote_id, QuoteVersion.version == number)
    return await session.scalar(query.execution_options(populate_existing=True))


async def version_by_id(session: AsyncSession, version_id: int) -> QuoteVersion | None:
    query = select(QuoteVersion).where(QuoteVersion.id == version_id)
    return await session.scalar(query.execution_options(populate_existing=True))


async def add_step(session: AsyncSession, step: ApprovalStep) -> ApprovalStep:
    session.add(step)
    await session.flush()
    return step


async def steps_of(session: AsyncSession, version_id: int) -> list[ApprovalStep]:
    """A version's steps in chain order."""
    query = select(ApprovalStep).where(ApprovalStep.version_id == version_id).order_by(ApprovalStep.position)
    return list(await session.scalars(query.execution_options(populate_existing=True)))


async def step(session: AsyncSession, step_id: int) -> ApprovalStep | None:
    query = select(ApprovalStep).where(ApprovalStep.id == step_id)
    return await session.scalar(query.execution_options(populate_existing=True))


async def add_request(session: AsyncSession, request: ApprovalRequest) -> ApprovalRequest:
    session.add(request)
    await session.flush()
    return request


async def request(
    session: AsyncSession, request_id: int, *, for_update: bool = False
) -> ApprovalRequest | None:
    query = (
        select(ApprovalRequest)
        .where(ApprovalRequest.id == request_id)
        .execution_options(populate_existing=True)
    )
    return await session.scalar(query.with_for_update() if for_update else query)


async def requests_of(session: AsyncSession, step_ids: Sequence[int]) -> list[ApprovalRequest]:
    """The requests of some steps, in the order they were made."""
    if not step_ids:
        return []
    query = select(ApprovalRequest).where(ApprovalRequest.step_id.in_(step_ids)).order_by(ApprovalRequest.id)
    return list(await session.scalars(query.execution_options(populate_existing=True)))


async def pending_requests_of(session: AsyncSession, team_id: str, approver_id: str) -> list[ApprovalRequest]:
    """What still waits on `approver_id` themselves (what a new delegation moves)."""
    query = select(ApprovalRequest).where(
        ApprovalRequest.team_id == team_id,
        ApprovalRequest.approver_id == approver_id,
        ApprovalRequest.state == PENDING,
    )
    return list(await session.scalars(query.with_for_update().execution_options(populate_existing=True)))


async def pending_delegated_to(
    session: AsyncSession, team_id: str, delegate_id: str
) -> list[ApprovalRequest]:
    """What waits on `delegate_id` on someone else's behalf."""
    query = select(ApprovalRequest).where(
        ApprovalRequest.team_id == team_id,
        ApprovalRequest.state == PENDING,
        ApprovalRequest.delegate_id == delegate_id,
    )
    return list(await session.scalars(query.with_for_update().execution_options(populate_existing=True)))


async def decide_request(session: AsyncSession, request_id: int, values: dict[str, Any]) -> bool:
    """Compare-and-set: settle a request only while it is pending; False when someone was first."""
    result = await session.execute(
        update(ApprovalRequest)
        .where(ApprovalRequest.id == request_id, ApprovalRequest.state == PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def move_step(session: AsyncSession, step_id: int, from_state: str, values: dict[str, Any]) -> bool:
    """Compare-and-set on a step's state: start it, decide it, or replace it, once."""
    result = await session.execute(
        update(ApprovalStep)
        .where(ApprovalStep.id == step_id, ApprovalStep.state == from_state)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def log(session: AsyncSession, event: ApprovalEvent) -> None:
    """One line of the approval ledger."""
    session.add(event)
