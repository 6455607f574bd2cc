"""The contract desk: an approved quote the customer signed becomes a contract with its schedule.

Signing is one transaction: the contract and its instalments (from the quote's terms, due on the
customer's days), the deal closed as won, finance's items (the invoice request and a same-day first
review; or, when the customer lacks a field an invoice needs, an item naming that field and the
invoice waits), the owner's unpaid red line, and the messages that say so. Recording why an instalment
is late (the red-level form) and supplying a missing field are transactions here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.contracts import add_months, schedule
from domain.dunning import Level, unpaid_red_line
from domain.quotes import QuoteContent
from storage import contracts as store
from storage import customers, deals, outbox, users
from storage import quotes as quote_store
from storage.db import Database
from storage.models import Contract, Customer, Deal, Instalment
from storage.outbox import Outgoing
from usecases.deals import deal_card
from usecases.dunning import dunning_key
from usecases.refusal import Refusal
from usecases.task_book import FIRST_REVIEW, INVOICE, MISSING_FIELD, PAYMENT_MISSING, TaskBook, home_key

MAX_REASON = 1000


class ContractError(Refusal):
    """A contract operation refused for a reason the person can act on."""


@dataclass(frozen=True)
class Signed:
    """A contract just made, with its schedule, for the signer's answer."""

    contract: Contract
    quote_number: str
    instalments: tuple[Instalment, ...]


@dataclass(frozen=True)
class Signing:
    """What the Customer signed form submits; empty dates take the rules file's defaults."""

    number: str  # the quote's
    signed_on: date | None = None
    delivery_on: date | None = None


# Finance's DMs about a contract: the invoice request, or the fields it still needs (shown again, once
# they are added, without its button); each with the prefix of its dedupe key.
INVOICE_NOTE, MISSING_NOTE = "invoice", "missing"
_NOTE_KEYS = {INVOICE_NOTE: "invoice", MISSING_NOTE: "contract-missing"}


def note_key(contract_id: int, note: str) -> str:
    return f"{_NOTE_KEYS[note]}:{contract_id}"


def finance_note(contract: Contract, reader: str, note: str) -> Outgoing:
    return Outgoing(
        key=note_key(contract.id, note),
        kind="contract_note",
        team_id=contract.team_id,
        channel=reader,
        payload={"contract_id": contract.id, "reader": reader, "note": note},
    )


class ContractDesk:
    """Signs contracts, fills in what finance needs, and records why money is late."""

    def __init__(self, db: Database, rules: Rules, tasks: TaskBook, default_tz: str):
        self._db = db
        self._rules = rules
        self._tasks = tasks
        self._default_tz = default_tz

    def finance_ids(self) -> tuple[str, ...]:
        """Who handles invoices: the `[contracts] finance` group, else the managers."""
        return self._rules.approvals.group(self._rules.contracts.finance) or self._rules.leads.manager_ids

    async def sign(self, team_id: str, signing: Signing, by: str, now: datetime) -> Signed:
        """The customer signed the quote's approved version: make its contract, once (signing again
        is refused, naming the contract already made)."""
        async with self._db.sessions.begin() as session:
            quote = await quote_store.by_number(session, team_id, signing.number, for_update=True)
            if quote is None:
                raise ContractError("contract.error.unknown_quote", number=signing.number.strip())
            existing = await store.of_quote(session, quote.id)
            if existing is not None:
                raise ContractError(
                    "contract.error.already_signed", number=quote.number, contract=existing.number
                )
            self.check_signer(quote.owner_id, by)
            if quote.state != quote_store.APPROVED:
                raise ContractError("contract.error.not_approved", number=quote.number)
            version = await quote_store.version(session, quote.id, quote.version)
            deal = await deals.get(session, quote.deal_id, for_update=True)
            customer = await customers.get(session, deal.customer_id)
            content = QuoteContent.from_json(version.content)
            rules = self._rules.contracts
            tz = customer.tz or await users.zone_of(session, team_id, quote.owner_id, self._default_tz)
            signed_on = signing.signed_on or now.astimezone(ZoneInfo(tz)).date()
            delivery_on = signing.delivery_on or signed_on + timedelta(days=rules.delivery_days)
            if delivery_on < signed_on:
                raise ContractError("contract.error.delivery_before_signing")
            parts = schedule(content.total, content.terms, signed_on, delivery_on)
            # A new instalment's level is the sweep's to work out, at once: one may be due today.
            rows = [
                Instalment(
                    seq=p.seq, part=p.part, amount=p.amount, paid=0, due_on=p.due_on, next_level_at=now
                )
                for p in parts
            ]
            contract = await store.add(
                session,
                Contract(
                    team_id=team_id,
                    number="",
                    quote_id=quote.id,
                    version_id=version.id,
                    deal_id=deal.id,
                    customer_id=customer.id,
                    owner_id=quote.owner_id,
                    currency=content.currency,
                    total=sum((p.amount for p in parts), Decimal(0)),
                    paid=0,
                    tz=tz,
                    signed_on=signed_on,
                    delivery_on=delivery_on,
                    ends_on=add_months(signed_on, rules.term_months),
                    missing=[name for name in rules.required if not getattr(customer, name)],
                    signed_by=by,
                    created_at=now,
                    updated_at=now,
                ),
                rows,
            )
            await self._close_deal_won(session, deal, customer.name, now)
            await self._finance_items(session, contract, customer, now)
            red_line = unpaid_red_line(parts[0].due_on, rules.unpaid_working_days, self._rules.calendar)
            due = datetime.combine(red_line, rules.dunning_at, ZoneInfo(tz))
            await self._item(session, contract, customer, PAYMENT_MISSING, contract.owner_id, due, now)
            await outbox.show(session, deal_card(deal), now)
            await outbox.reshow(session, home_key(contract.owner_id), now)
            return Signed(contract, quote.number, tuple(rows))

    def check_signer(self, owner_id: str, user_id: str) -> None:
        """Only the quote's owner or a manager records a signature."""
        if user_id != owner_id and user_id not in self._rules.leads.manager_ids:
            raise ContractError("contract.error.not_yours", owner=owner_id)

    async def quote_owner(self, team_id: str, number: str) -> str:
        """Whose quote `number` is, for the Customer signed button's check before its form opens."""
        async with self._db.sessions() as session:
            quote = await quote_store.by_number(session, team_id, number)
        if quote is None:
            raise ContractError("contract.error.unknown_quote", number=number)
        return quote.owner_id

    async def missing_for(self, contract_id: int, user_id: str) -> list[str]:
        """The fields finance still has to add (empty: nothing is missing any more)."""
        self._check_finance(user_id)
        async with self._db.sessions() as session:
            contract = await store.get(session, contract_id)
        if contract is None:
            raise ContractError("contract.error.unknown", number=str(contract_id))
        return list(contract.missing)

    def handles_money(self, user_id: str) -> bool:
        """Whether someone adds invoice details and records payments by hand: finance, or a manager."""
        return user_id in self.finance_ids() or user_id in self._rules.leads.manager_ids

    def _check_finance(self, user_id: str) -> None:
        if not self.handles_money(user_id):
            raise ContractError("contract.error.not_finance")

    async def check_reason_writer(self, instalment_id: int, user_id: str) -> None:
        """Only the owner (or their manager) writes why a payment is late."""
        async with self._db.sessions() as session:
            await self._late_instalment(session, instalment_id, user_id)

    async def _late_instalment(
        self, session: AsyncSession, instalment_id: int, user_id: str, *, lock: bool = False
    ) -> tuple[Instalment, Contract]:
        instalment = await store.instalment(session, instalment_id, for_update=lock)
        if instalment is None:
            raise ContractError("contract.error.unknown", number=str(instalment_id))
        contract = await store.get(session, instalment.contract_id)
        if user_id != contract.owner_id and user_id not in self._rules.leads.managers_of(contract.owner_id):
            raise ContractError("contract.error.not_yours", owner=contract.owner_id)
        return instalment, contract

    async def supply_details(
        self, contract_id: int, by: str, values: dict[str, str], now: datetime
    ) -> Contract:
        """Finance filled in what the customer lacked: the invoice request goes ahead once nothing is
        missing. Only finance (or a manager) may; an empty answer is refused field by field."""
        self._check_finance(by)
        async with self._db.sessions.begin() as session:
            contract = await store.get(session, contract_id, for_update=True)
            if contract is None:
                raise ContractError("contract.error.unknown", number=str(contract_id))
            if not contract.missing:  # added already (a form sent twice): nothing to do again
                return contract
            customer = await customers.get(session, contract.customer_id)
            for name in contract.missing:
                value = values.get(name, "").strip()
                if not value:
                    raise ContractError(f"contract.error.{name}_required", field=name)
                setattr(customer, name, value[:200])
            contract.missing, contract.updated_at = [], now
            deal = await deals.get(session, contract.deal_id)
            await self._finance_items(session, contract, customer, now, actor=by)
            await outbox.show(session, deal_card(deal), now)
            return contract

    async def _finance_items(
        self,
        session: AsyncSession,
        contract: Contract,
        customer: Customer,
        now: datetime,
        actor: str | None = None,
    ) -> None:
        """Finance's items: while a field is missing, one item naming each (and a DM); once nothing
        is, the invoice request and the same-day first review (and the invoice DM)."""
        finance = self.finance_ids()
        holder = finance[0] if finance else contract.owner_id
        for name, kind in MISSING_FIELD.items():
            if name in contract.missing:
                await self._item(session, contract, customer, kind, holder, now, now)
            else:
                await self._tasks.settle(session, contract.team_id, kind, contract.id, actor, now)
        if contract.missing:
            await outbox.send_once(session, finance_note(contract, holder, MISSING_NOTE), now)
            return
        if actor is not None:  # the fields were just added: the DM that asked for them says so
            await outbox.reshow(session, note_key(contract.id, MISSING_NOTE), now)
        tz = ZoneInfo(contract.tz)
        day_end = datetime.combine(now.astimezone(tz).date(), time(23, 59), tz)  # the review is same-day
        await self._item(session, contract, customer, INVOICE, holder, now, now)
        await self._item(session, contract, customer, FIRST_REVIEW, holder, day_end, now)
        await outbox.send_once(session, finance_note(contract, holder, INVOICE_NOTE), now)

    async def _item(
        self,
        session: AsyncSession,
        contract: Contract,
        customer: Customer,
        kind: str,
        owner: str,
        due: datetime,
        now: datetime,
    ) -> None:
        await self._tasks.item(
            session,
            team_id=contract.team_id,
            kind=kind,
            subject_id=contract.id,
            owner_id=owner,
            title=contract.number,
            customer=customer.name,
            due=due,
            now=now,
        )

    async def _close_deal_won(self, session: AsyncSession, deal: Deal, customer: str, now: datetime) -> None:
        """A signed contract wins the deal: it moves to the first won stage and its red line ends."""
        won = next((stage for stage in self._rules.deals.stages if stage.won), None)
        if won is None or deal.closed_at is not None:
            return
        deal.stage, deal.closed_at, deal.updated_at = won.id, now, now
        await self._tasks.deal(session, deal, customer, now)

    async def record_reason(self, instalment_id: int, by: str, reason: str, now: datetime) -> Instalment:
        """The owner (or their manager) wrote why an instalment is late: it leaves red, stays orange
        until paid, and the reason shows in the digest."""
        text = reason.strip()
        if not text:
            raise ContractError("contract.error.reason_required")
        async with self._db.sessions.begin() as session:
            instalment, contract = await self._late_instalment(session, instalment_id, by, lock=True)
            instalment.reason, instalment.reason_by, instalment.reason_at = text[:MAX_REASON], by, now
            if instalment.amount > instalment.paid:
                instalment.next_level_at = now  # the sweep takes it off red at once
            # The owner's red DM shows the reason instead of asking for it.
            await outbox.reshow(session, dunning_key(instalment.id, Level.RED, contract.owner_id), now)
            await outbox.reshow(session, home_key(contract.owner_id), now)
            return instalment
