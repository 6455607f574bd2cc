"""Payment intake: one path for money received, whether the API, Slack's form or an import sent it.

A payment names its contract (or the quote it was signed from), a reference (the bank's or ERP's
transaction id) and an amount. It fills the contract's instalments oldest first; an unknown contract,
a currency that is not the contract's or a payment above what is owed is refused whole. A reference
seen before changes nothing and answers as the first time did: the unique key on (team, reference)
decides between concurrent deliveries, so twenty identical requests make one payment.

The same transaction stops the dunning of every instalment it settles, closes the unpaid red line,
tells the owner, and, once the contract is paid in full, puts the customer-success calls on the
owner's list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.contracts import Overpayment, Owed, allocate, success_dates
from domain.money import cents
from storage import contracts as contract_store
from storage import customers, outbox
from storage import payments as store
from storage.db import Database
from storage.models import Contract, Instalment, Payment
from storage.outbox import Outgoing
from usecases.refusal import Refusal
from usecases.task_book import DUNNING, PAYMENT_MISSING, TaskBook, home_key

SOURCES = ("api", "slack", "import")
MAX_REFERENCE = 128
SUCCESS_CALL_AT = time(10, 0)  # a customer-success call is due mid-morning of its day


class PaymentError(Refusal):
    """A payment refused whole: `field` names what was wrong, for a form or a 422's `fields`."""

    def __init__(self, code: str, field: str, **params: object):
        super().__init__(code, **params)
        self.field = field


@dataclass(frozen=True)
class PaymentInput:
    """A payment as any source reports it."""

    contract: str  # the contract's number, or its quote's
    reference: str
    amount: Decimal
    paid_at: datetime
    currency: str | None = None
    payer: str | None = None


@dataclass(frozen=True)
class PaymentResult:
    """What was recorded (or had been, for a reference seen before): the same answer every time."""

    id: int
    contract: str
    applied: tuple[tuple[int, Decimal], ...]  # (instalment seq, amount)
    outstanding: Decimal
    currency: str  # the contract's
    duplicate: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "contract": self.contract,
            "applied": [{"instalment": seq, "amount": str(amount)} for seq, amount in self.applied],
            "outstanding": str(self.outstanding),
        }


def payment_message(contract: Contract, payment_id: int) -> Outgoing:
    """The owner's DM: money arrived on their contract, and what is still owed."""
    return Outgoing(
        key=f"payment:{payment_id}",
        kind="payment_note",
        team_id=contract.team_id,
        channel=contract.owner_id,
        payload={"payment_id": payment_id, "reader": contract.owner_id},
    )


class PaymentDesk:
    """Records payments received, once per reference, and what they settle."""

    def __init__(self, db: Database, rules: Rules, tasks: TaskBook):
        self._db = db
        self._rules = rules
        self._tasks = tasks

    async def receive(
        self, team_id: str, payment: PaymentInput, source: str, by: str | None, now: datetime
    ) -> PaymentResult:
        """Record `payment`, or answer as before when its reference is known; refusals write nothing."""
        async with self._db.sessions.begin() as session:
            return await self.record(session, team_id, payment, source, by, now)

    async def record(
        self,
        session: AsyncSession,
        team_id: str,
        payment: PaymentInput,
        source: str,
        by: str | None,
        now: datetime,
    ) -> PaymentResult:
        """`receive` in a transaction the caller holds (a keyed request's, a whole file's): a refusal
        is raised before this payment writes anything, so the caller may go on or roll back."""
        reference = payment.reference.strip()
        if not reference or len(reference) > MAX_REFERENCE:
            raise PaymentError("payment.error.reference", "reference", limit=MAX_REFERENCE)
        if payment.amount <= 0 or cents(payment.amount) != payment.amount:
            raise PaymentError("payment.error.amount", "amount")
        contract = await contract_store.by_number(session, team_id, payment.contract, for_update=True)
        if contract is None:
            raise PaymentError("payment.error.unknown_contract", "contract", number=payment.contract.strip())
        seen = await store.by_reference(session, team_id, reference)
        if seen is not None:
            return await self._answer_again(session, seen)
        if payment.currency and payment.currency.upper() != contract.currency:
            raise PaymentError("payment.error.currency", "currency", currency=contract.currency)
        instalments = await contract_store.instalments(session, contract.id, for_update=True)
        owed = [Owed(i.id, i.amount - i.paid) for i in instalments if i.amount > i.paid]
        try:
            applied = allocate(payment.amount, owed)
        except Overpayment as refusal:
            raise PaymentError(
                "payment.error.overpayment",
                "amount",
                amount=str(payment.amount),
                outstanding=str(refusal.outstanding),
                currency=contract.currency,
            ) from None
        by_id = {i.id: i for i in instalments}
        outstanding = contract.total - contract.paid - payment.amount
        payment_id = await store.add(
            session,
            {
                "team_id": team_id,
                "contract_id": contract.id,
                "reference": reference,
                "amount": payment.amount,
                "currency": contract.currency,
                "paid_at": payment.paid_at,
                "payer": (payment.payer or "").strip()[:200] or None,
                "source": source,
                "recorded_by": by,
                "applied": [{"instalment": by_id[i].seq, "amount": str(a)} for i, a in applied],
                "outstanding": outstanding,
                "created_at": now,
            },
        )
        if payment_id is None:  # the same reference, recorded by a delivery that just won
            return await self._answer_again(session, await store.by_reference(session, team_id, reference))
        for instalment_id, amount in applied:
            await self._fill(session, contract, by_id[instalment_id], amount, payment.paid_at, now)
        contract.paid += payment.amount
        contract.updated_at = now
        await self._tasks.settle(session, team_id, PAYMENT_MISSING, contract.id, None, now)
        if contract.paid >= contract.total:
            await self._paid_in_full(session, contract, instalments, payment.paid_at, now)
        await outbox.send_once(session, payment_message(contract, payment_id), now)
        await outbox.reshow(session, home_key(contract.owner_id), now)
        return PaymentResult(
            payment_id,
            contract.number,
            tuple((by_id[i].seq, a) for i, a in applied),
            outstanding,
            contract.currency,
        )

    async def _fill(
        self,
        session: AsyncSession,
        contract: Contract,
        instalment: Instalment,
        amount: Decimal,
        paid_at: datetime,
        now: datetime,
    ) -> None:
        """Part of a payment goes to one instalment; settled, its dunning stops at once."""
        instalment.paid += amount
        if instalment.paid >= instalment.amount:
            instalment.paid_at, instalment.next_level_at, instalment.level = paid_at, None, None
            await self._tasks.settle(session, contract.team_id, DUNNING, instalment.id, None, now)

    async def _paid_in_full(
        self,
        session: AsyncSession,
        contract: Contract,
        instalments: list[Instalment],
        paid_at: datetime,
        now: datetime,
    ) -> None:
        """The last of the money arrived: the customer-success calls go on the owner's list."""
        tz = ZoneInfo(contract.tz)
        contract.paid_on = paid_at.astimezone(tz).date()
        dates = success_dates(
            delivery_on=contract.delivery_on,
            term_ends_on=max(i.due_on for i in instalments),
            contract_ends_on=contract.ends_on,
            paid_on=contract.paid_on,
            rules=self._rules.contracts.success,
        )
        customer = await customers.get(session, contract.customer_id)
        for kind, day in dates.items():
            await self._tasks.item(
                session,
                team_id=contract.team_id,
                kind=kind,
                subject_id=contract.id,
                owner_id=contract.owner_id,
                title=contract.number,
                customer=customer.name if customer else None,
                due=datetime.combine(day, SUCCESS_CALL_AT, tz),
                now=now,
            )

    async def _answer_again(self, session: AsyncSession, payment: Payment) -> PaymentResult:
        """The answer a reference got the first time, as recorded with it."""
        contract = await contract_store.get(session, payment.contract_id)
        return PaymentResult(
            payment.id,
            contract.number,
            tuple((int(a["instalment"]), Decimal(a["amount"])) for a in payment.applied),
            payment.outstanding,
            payment.currency,
            duplicate=True,
        )
