"""What a digest reads: a period's leads, decisions, records and breaches, each an index range on time.

Every query is bounded by [start, end) on an indexed time column of the team (`created_at`,
`decided_at`, `updated_at`), so a digest costs the period's rows, whatever the tables hold. `owners`
and `pools` narrow it to a pool channel's scope; None reads the whole team.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.collection import Receivable, Received
from storage.models import (
    Activity,
    Contract,
    Customer,
    Instalment,
    LeadDecision,
    LeadRecord,
    Payment,
    Quote,
    QuoteVersion,
    Task,
)

HANDED_OVER = ("routed", "claimed", "reassigned")
RELEASES = ("released", "expired")


def _within(statement: Select[Any], column: Any, values: Collection[str] | None) -> Select[Any]:
    return statement if values is None else statement.where(column.in_(list(values)))


async def new_leads(
    session: AsyncSession, team_id: str, start: datetime, end: datetime, pools: Collection[str] | None
) -> list[LeadRecord]:
    """Leads that arrived in the period, oldest first."""
    query = select(LeadRecord).where(
        LeadRecord.team_id == team_id, LeadRecord.created_at >= start, LeadRecord.created_at < end
    )
    return list(await session.scalars(_within(query, LeadRecord.pool_id, pools).order_by(LeadRecord.id)))


async def lead_moves(
    session: AsyncSession,
    team_id: str,
    start: datetime,
    end: datetime,
    kinds: Collection[str],
    pools: Collection[str] | None,
) -> list[tuple[LeadDecision, LeadRecord]]:
    """Decisions of `kinds` taken in the period, each with its lead as it stands, in order."""
    query = (
        select(LeadDecision, LeadRecord)
        .join(LeadRecord, LeadRecord.id == LeadDecision.lead_id)
        .where(
            LeadDecision.team_id == team_id,
            LeadDecision.decided_at >= start,
            LeadDecision.decided_at < end,
            LeadDecision.kind.in_(list(kinds)),
        )
    )
    rows = await session.execute(_within(query, LeadDecision.pool_id, pools).order_by(LeadDecision.id))
    return [(decision, lead) for decision, lead in rows]


async def records_by_author(
    session: AsyncSession, team_id: str, start: datetime, end: datetime, owners: Collection[str] | None
) -> dict[str, int]:
    """How many records each person filed in the period."""
    query = select(Activity.author_id, func.count()).where(
        Activity.team_id == team_id, Activity.created_at >= start, Activity.created_at < end
    )
    rows = await session.execute(_within(query, Activity.author_id, owners).group_by(Activity.author_id))
    return {author: int(count) for author, count in rows}


async def chains_settled(
    session: AsyncSession, team_id: str, start: datetime, end: datetime, owners: Collection[str] | None
) -> list[tuple[datetime, datetime]]:
    """(submitted, decided) of every quote version whose approval chain ended in the period."""
    query = (
        select(QuoteVersion.submitted_at, QuoteVersion.decided_at)
        .join(Quote, Quote.id == QuoteVersion.quote_id)
        .where(
            Quote.team_id == team_id,
            QuoteVersion.decided_at >= start,
            QuoteVersion.decided_at < end,
            QuoteVersion.state.in_(("approved", "rejected", "changes")),
        )
    )
    rows = await session.execute(_within(query, Quote.owner_id, owners))
    return [(submitted, decided) for submitted, decided in rows]


async def touched_escalated(
    session: AsyncSession, team_id: str, start: datetime, end: datetime, owners: Collection[str] | None
) -> list[Task]:
    """Tasks changed since `start` whose item began before `end`: every task an escalation reached in
    the period is among them (telling someone updates the task), for the caller to read `told`."""
    query = select(Task).where(
        Task.team_id == team_id, Task.updated_at >= start, Task.anchor_at < end, Task.step > 0
    )
    return list(await session.scalars(_within(query, Task.owner_id, owners).order_by(Task.id)))


async def open_items(
    session: AsyncSession, team_id: str, owners: Collection[str] | None, limit: int
) -> tuple[int, list[Task]]:
    """How many items are open, and the `limit` most urgent (earliest due) of them."""
    where = [Task.team_id == team_id, Task.state == "open"]
    if owners is not None:
        where.append(Task.owner_id.in_(list(owners)))
    total = await session.scalar(select(func.count()).select_from(Task).where(*where))
    top = await session.scalars(select(Task).where(*where).order_by(Task.due_at, Task.id).limit(limit))
    return int(total or 0), list(top)


async def payments_received(
    session: AsyncSession, team_id: str, start: datetime, end: datetime, owners: Collection[str] | None
) -> int:
    """How many payments arrived in the period (on the scope's contracts)."""
    query = (
        select(func.count())
        .select_from(Payment)
        .join(Contract, Contract.id == Payment.contract_id)
        .where(Payment.team_id == team_id, Payment.paid_at >= start, Payment.paid_at < end)
    )
    return int(await session.scalar(_within(query, Contract.owner_id, owners)) or 0)


async def month_money(
    session: AsyncSession,
    team_id: str,
    owners: Collection[str] | None,
    month: tuple[date, date],
    paid: tuple[datetime, datetime],
) -> tuple[list[Receivable], list[Received], list[tuple[str, str, str, str]]]:
    """The month's receivables (instalments due in `month`, or unpaid at a dunning level), its payments
    (received within `paid`, both ends included), and the late instalments whose reason is written (number, customer,
    reason, owner). Reads the month's and the late rows, not the whole ledger."""
    first, last = month
    rows = await session.execute(
        _within(
            select(Instalment, Contract, Customer.name)
            .join(Contract, Contract.id == Instalment.contract_id)
            .join(Customer, Customer.id == Contract.customer_id)
            .where(
                Contract.team_id == team_id,
                ((Instalment.due_on >= first) & (Instalment.due_on <= last)) | Instalment.level.is_not(None),
            ),
            Contract.owner_id,
            owners,
        )
    )
    receivables, reasons = [], []
    for instalment, contract, customer in rows:
        receivables.append(
            Receivable(
                owner=contract.owner_id,
                currency=contract.currency,
                amount=instalment.amount,
                paid=instalment.paid,
                due_this_month=first <= instalment.due_on <= last,
                level=instalment.level,
                counted=contract.handover_id is None,
            )
        )
        if instalment.reason and instalment.level:
            reasons.append((contract.number, customer, instalment.reason, contract.owner_id))
    payments = await session.execute(
        _within(
            select(Payment.amount, Payment.currency, Contract.owner_id, Contract.handover_id)
            .join(Contract, Contract.id == Payment.contract_id)
            .where(Payment.team_id == team_id, Payment.paid_at >= paid[0], Payment.paid_at <= paid[1]),
            Contract.owner_id,
            owners,
        )
    )
    received = [
        Received(owner, currency, amount, handover is None) for amount, currency, owner, handover in payments
    ]
    return receivables, received, reasons
