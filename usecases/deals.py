"""The deal desk: a lead becomes a deal, a deal moves through its stages, records keep it alive.

Each operation is one transaction with the deal's card and its owner's red-line item (`TaskBook.deal`):
a deal with no new record for `[deals] stale_days` goes onto the owner's list and up its ladder. A
record filed in the deal card's thread (`#archive`) counts as new contact and moves the red line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.customers import tidy_name
from storage import customers, outbox
from storage import deals as store
from storage import leads as lead_store
from storage.db import Database
from storage.models import Deal
from storage.outbox import Outgoing
from usecases.refusal import Refusal
from usecases.task_book import TaskBook, home_key

MAX_VALUE = Decimal("9999999999999999")  # what Numeric(18, 2) holds
CURRENCY = re.compile(r"[A-Z]{3}")  # an ISO 4217 code


class DealError(Refusal):
    """A deal operation refused for a reason the person can act on."""


@dataclass(frozen=True)
class DealForm:
    """What the deal form (or the Convert button's prefilled form) submits."""

    customer: str
    title: str
    value: Decimal
    currency: str
    stage: str
    expected_close: date | None = None
    lead_id: int | None = None


def deal_card(deal: Deal) -> Outgoing:
    """The outbox message that shows a deal's card (its thread files to the deal)."""
    return Outgoing(
        key=f"deal-card:{deal.id}",
        kind="deal_card",
        team_id=deal.team_id,
        channel=deal.channel_id,
        payload={"deal_id": deal.id, "owner": deal.owner_id},
    )


class DealDesk:
    """Opens deals and moves them along; the quote desk and the activity desk call `touched`."""

    def __init__(self, db: Database, rules: Rules, tasks: TaskBook):
        self._db = db
        self._rules = rules
        self._tasks = tasks

    @property
    def rules(self) -> Rules:
        return self._rules

    async def deal(self, deal_id: int) -> Deal | None:
        async with self._db.sessions() as session:
            return await store.get(session, deal_id)

    async def open_deals_of(self, team_id: str, owner_id: str) -> list[tuple[int, str]]:
        """(id, "title — customer") of an owner's open deals, for the quote form's choice."""
        async with self._db.sessions() as session:
            found = await store.open_of(session, team_id, owner_id)
            names = {d.customer_id: await customers.get(session, d.customer_id) for d in found}
        return [
            (d.id, f"{d.title} — {names[d.customer_id].name if names[d.customer_id] else ''}") for d in found
        ]

    async def lead_prefill(self, lead_id: int, user_id: str) -> DealForm:
        """The deal form a lead's **Convert to deal** opens with; only its owner (or a manager) may."""
        async with self._db.sessions() as session:
            lead = await lead_store.get(session, lead_id)
            if lead is None:
                raise DealError("deal.error.lead_unknown", id=lead_id)
            self._may_convert(lead.owner_id, user_id)
            existing = await store.of_lead(session, lead_id)
            if existing is not None:
                raise DealError("deal.error.already_converted", id=lead_id, deal=existing.id)
        value = lead.budget_max or lead.budget_min or Decimal(0)
        return DealForm(
            customer=lead.company,
            title=lead.company,
            value=value,
            currency=self._rules.deals.currency,
            stage=self._rules.deals.first_stage,
            lead_id=lead.id,
        )

    async def open(self, team_id: str, by: str, form: DealForm, now: datetime) -> Deal:
        """Open a deal (from the form, or converting a lead): the deal, its card and its red line."""
        rules = self._rules.deals
        customer_name = tidy_name(form.customer)[:200]
        if not customer_name:
            raise DealError("deal.error.customer_required")
        if not form.title.strip():
            raise DealError("deal.error.title_required")
        if form.value < 0 or form.value > MAX_VALUE:
            raise DealError("deal.error.bad_value")
        if rules.stage(form.stage) is None:
            raise DealError("deal.error.unknown_stage", stage=form.stage)
        if not CURRENCY.fullmatch(form.currency):
            raise DealError("deal.error.bad_currency")
        async with self._db.sessions.begin() as session:
            owner, channel = by, rules.channel.id if rules.channel and rules.channel.id else None
            if form.lead_id is not None:
                lead = await lead_store.get(session, form.lead_id, for_update=True)
                if lead is None:
                    raise DealError("deal.error.lead_unknown", id=form.lead_id)
                self._may_convert(lead.owner_id, by)
                if (existing := await store.of_lead(session, lead.id)) is not None:
                    raise DealError("deal.error.already_converted", id=lead.id, deal=existing.id)
                owner = lead.owner_id or by
                channel = channel or lead.card_channel
            fallback = self._rules.leads.channel
            channel = channel or (fallback.id if fallback and fallback.id else None) or owner
            customer = await customers.find_or_create(session, team_id, customer_name, now)
            deal = await store.add(
                session,
                Deal(
                    team_id=team_id,
                    customer_id=customer.id,
                    title=form.title.strip()[:200],
                    value=form.value,
                    currency=form.currency,
                    stage=form.stage,
                    expected_close=form.expected_close,
                    owner_id=owner,
                    lead_id=form.lead_id,
                    channel_id=channel,
                    last_activity_at=now,
                    created_by=by,
                    created_at=now,
                    updated_at=now,
                    closed_at=now if rules.closes(form.stage) else None,
                ),
            )
            await self._changed(session, deal, customer.name, now)
            return deal

    async def move(self, deal_id: int, stage: str, by: str, now: datetime) -> Deal:
        """Move a deal to another stage (owner or manager); a won or lost stage closes its red line."""
        rules = self._rules.deals
        if rules.stage(stage) is None:
            raise DealError("deal.error.unknown_stage", stage=stage)
        async with self._db.sessions.begin() as session:
            deal = await store.get(session, deal_id, for_update=True)
            if deal is None:
                raise DealError("deal.error.unknown", id=deal_id)
            if by != deal.owner_id and by not in self._rules.leads.manager_ids:
                raise DealError("deal.error.not_yours", owner=deal.owner_id)
            if deal.stage == stage:
                return deal
            deal.stage, deal.updated_at = stage, now
            deal.closed_at = now if rules.closes(stage) else None
            if deal.closed_at is None:
                deal.last_activity_at = now  # moving it on is news about it
            customer = await customers.get(session, deal.customer_id)
            await self._changed(session, deal, customer.name if customer else "", now)
            return deal

    async def touched(self, session: AsyncSession, deal: Deal, customer: str, now: datetime) -> None:
        """A record was filed against the deal (in the caller's transaction, which has read the deal's
        `customer` already): its red line moves."""
        deal.last_activity_at, deal.updated_at = now, now
        await self._changed(session, deal, customer, now)

    async def reshow(self, session: AsyncSession, deal: Deal, now: datetime) -> None:
        """The deal's card shows something new (a quote's progress) without the deal changing."""
        await outbox.show(session, deal_card(deal), now)

    async def _changed(self, session: AsyncSession, deal: Deal, customer: str, now: datetime) -> None:
        await self._tasks.deal(session, deal, customer, now)
        await outbox.show(session, deal_card(deal), now)
        await outbox.reshow(session, home_key(deal.owner_id), now)

    def _may_convert(self, owner_id: str | None, user_id: str) -> None:
        if user_id != owner_id and user_id not in self._rules.leads.manager_ids:
            if owner_id is None:
                raise DealError("deal.error.claim_first")
            raise DealError("deal.error.not_yours", owner=owner_id)
