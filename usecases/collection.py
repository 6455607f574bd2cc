"""Collection this month (回款), as the digest and App Home show it, read in the caller's session."""

from __future__ import annotations

import calendar
from collections.abc import Collection as Owners
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.collection import Collection, collection
from storage import digests as store

REASON_LINES = 5


async def month_collection(
    session: AsyncSession, rules: Rules, team_id: str, owners: Owners[str] | None, at: datetime, tz: str
) -> tuple[Collection, list[list[str]]]:
    """The team's month (in `tz`) up to `at`: due against collected, overdue by level, per rep; and
    the late payments with a written reason ([contract, customer, reason, owner])."""
    first, last = month_of(at.astimezone(ZoneInfo(tz)).date())
    start = datetime.combine(first, time(0), ZoneInfo(tz))
    receivables, received, reasons = await store.month_money(
        session, team_id, owners, (first, last), (start, at)
    )
    figures = collection(receivables, received, rules.deals.currency, rules.deals.rates)
    return figures, [list(reason) for reason in reasons[:REASON_LINES]]


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of `day`'s month."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
