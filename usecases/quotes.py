"""The quote desk: versioned quotes, approval chains chosen by the rules, decisions, delegation.

Submitting a quote (or a new version of one) is one transaction: the version, the chain `domain.approvals`
chose for it with its reasons, the first step's requests with their DMs and to-do items, the ledger,
and the status message in the deal's thread. A new version replaces the one before: its pending steps
end, every DM about it updates to say so, and the chain starts again.

A decision is a compare-and-set on the request and then on its step, in one transaction with every
message it changes, so of many clicks (two replicas, thirty at once) one decides; the others change
nothing and are told what was decided. Only the step's approver, or their delegate while the
delegation lasts, may decide.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.approvals import (
    MANAGER,
    ChainStep,
    Decision,
    acting_for,
    choose_chain,
    delegation_loops,
    facts_of,
    step_outcome,
)
from domain.cadence import local_instant
from domain.quotes import QuoteContent, changes
from storage import customers, delegations, outbox, users
from storage import deals as deal_store
from storage import quotes as store
from storage.db import Database
from storage.models import ApprovalEvent, ApprovalRequest, ApprovalStep, Deal, Delegation, Quote, QuoteVersion
from storage.outbox import Outgoing
from usecases.deals import CURRENCY, DealDesk
from usecases.refusal import Refusal
from usecases.task_book import APPROVAL, TaskBook, home_key

MAX_TOTAL = Decimal("9999999999999999")
DECISIONS: tuple[Decision, ...] = ("approve", "reject", "changes")
_STEP_STATE = {"approve": store.APPROVED, "reject": store.REJECTED, "changes": store.CHANGES}


class QuoteError(Refusal):
    """A quote operation refused for a reason the person can act on."""


def quote_number(quote_id: int, year: int) -> str:
    """`Q-2026-0042`: the year it was made and its id, which is never given out twice."""
    return f"Q-{year}-{quote_id:04d}"


def status_message(deal: Deal, version: QuoteVersion) -> Outgoing:
    """A version's chain progress, in the deal card's thread (posted once the card is out)."""
    return Outgoing(
        key=f"quote-status:{version.id}",
        kind="quote_status",
        team_id=deal.team_id,
        channel=deal.channel_id,
        payload={"version_id": version.id, "deal_id": deal.id},
    )


def approval_message(request: ApprovalRequest, reader: str) -> Outgoing:
    """One reader's copy of an approval request: the approver's, or their delegate's."""
    return Outgoing(
        key=f"approval:{request.id}:{reader}",
        kind="approval_request",
        team_id=request.team_id,
        channel=reader,
        payload={"request_id": request.id, "reader": reader},
    )


def pdf_message(deal: Deal, version: QuoteVersion) -> Outgoing:
    """The approved version's PDF, uploaded once in the deal's thread."""
    return Outgoing(
        key=f"quote-pdf:{version.id}",
        kind="quote_pdf",
        team_id=deal.team_id,
        channel=deal.channel_id,
        payload={"version_id": version.id, "deal_id": deal.id, "reader": version.submitted_by},
    )


def draft_pdf_message(deal: Deal, version: QuoteVersion, reader: str) -> Outgoing:
    """A version's PDF marked DRAFT, asked for before it is approved; once per version."""
    return Outgoing(
        key=f"quote-pdf-draft:{version.id}",
        kind="quote_pdf",
        team_id=deal.team_id,
        channel=deal.channel_id,
        payload={"version_id": version.id, "deal_id": deal.id, "reader": reader, "draft": True},
    )


def outcome_message(quote: Quote, version: QuoteVersion, step: ApprovalStep) -> Outgoing:
    """The requester's DM when a step rejects the version or asks for changes."""
    return Outgoing(
        key=f"quote-outcome:{version.id}",
        kind="quote_outcome",
        team_id=quote.team_id,
        channel=version.submitted_by,
        payload={"version_id": version.id, "step_id": step.id, "reader": version.submitted_by},
    )


@dataclass(frozen=True)
class Submitted:
    """A version as submitted: the quote, the version, and the number of the version it replaced."""

    quote: Quote
    version: QuoteVersion
    replaced: int | None


@dataclass(frozen=True)
class Decided:
    """What a click decided: the step's outcome (None while a group step waits for more members)."""

    quote: Quote
    version: QuoteVersion
    step: ApprovalStep
    outcome: str | None


@dataclass(frozen=True)
class DelegationView:
    """A delegation as the person who gave it sees it: to whom, and the last day it covers."""

    delegate: str
    until_at: datetime
    moved: int = 0

    def last_day(self, tz: str) -> date:
        return (self.until_at.astimezone(ZoneInfo(tz)) - timedelta(seconds=1)).date()


def submitted_message(version: QuoteVersion, team_id: str) -> Outgoing:
    """The requester's DM: the version is submitted (or replaces one), and the chain it starts."""
    return Outgoing(
        key=f"quote-submitted:{version.id}",
        kind="quote_submitted",
        team_id=team_id,
        channel=version.submitted_by,
        payload={"version_id": version.id, "reader": version.submitted_by},
    )


@dataclass(frozen=True)
class QuoteRecord:
    """A quote with its current version, for the edit form and `/closeloop quote why`."""

    quote: Quote
    version: QuoteVersion
    content: QuoteContent
    steps: tuple[ApprovalStep, ...]


class QuoteDesk:
    """Quotes and their approvals."""

    def __init__(self, db: Database, rules: Rules, deals: DealDesk, tasks: TaskBook, default_tz: str):
        self._db = db
        self._rules = rules
        self._deals = deals
        self._tasks = tasks
        self._default_tz = default_tz

    # reading

    async def current(self, team_id: str, number: str) -> QuoteRecord:
        """A quote by number with its current version and steps."""
        async with self._db.sessions() as session:
            quote = await store.by_number(session, team_id, number)
            if quote is None:
                raise QuoteError("quote.error.unknown", number=number.strip())
            version = await store.version(session, quote.id, quote.version)
            assert version is not None
            steps = await store.steps_of(session, version.id)
        return QuoteRecord(quote, version, QuoteContent.from_json(version.content), tuple(steps))

    async def pending_requests(self, version_id: int) -> list[int]:
        """The approval requests of a version still waiting for a decision (the demo decides them)."""
        async with self._db.sessions() as session:
            steps = await store.steps_of(session, version_id)
            requests = await store.requests_of(session, [step.id for step in steps])
        return [request.id for request in requests if request.state == store.PENDING]

    async def for_edit(self, team_id: str, number: str, user_id: str) -> QuoteRecord:
        """The quote the edit form starts from, if `user_id` may change it (its owner or a manager)."""
        record = await self.current(team_id, number)
        self._may_change(record.quote.owner_id, user_id)
        return record

    async def draft_pdf(self, team_id: str, number: str, user_id: str, now: datetime) -> bool:
        """`/closeloop quote pdf Q-…`: the current version's PDF in the deal's thread, marked DRAFT until
        approved (an approved version's own PDF is already there). False when it was posted before."""
        async with self._db.sessions.begin() as session:
            quote = await store.by_number(session, team_id, number)
            if quote is None:
                raise QuoteError("quote.error.unknown", number=number.strip())
            self._may_change(quote.owner_id, user_id)
            version = await store.version(session, quote.id, quote.version)
            deal = await deal_store.get(session, quote.deal_id)
            assert version is not None and deal is not None
            if version.state == store.APPROVED:
                raise QuoteError("quote.error.pdf_approved", number=quote.number, version=version.version)
            return await outbox.send_once(session, draft_pdf_message(deal, version, user_id), now)

    # submitting

    async def submit(
        self,
        team_id: str,
        by: str,
        content: QuoteContent,
        now: datetime,
        *,
        deal_id: int | None = None,
        number: str | None = None,
    ) -> Submitted:
        """A new quote on `deal_id`, or a new version of quote `number`; its chain starts at once."""
        self._check(content, now)
        async with self._db.sessions.begin() as session:
            previous: QuoteVersion | None = None
            if number is not None:
                quote = await store.by_number(session, team_id, number, for_update=True)
                if quote is None:
                    raise QuoteError("quote.error.unknown", number=number.strip())
                self._may_change(quote.owner_id, by)
                previous = await store.version(session, quote.id, quote.version)
                deal = await deal_store.get(session, quote.deal_id, for_update=True)
            else:
                deal = await deal_store.get(session, deal_id, for_update=True) if deal_id else None
                if deal is None:
                    raise QuoteError("quote.error.deal_unknown")
                self._may_change(deal.owner_id, by)
                quote = await store.add_quote(
                    session,
                    Quote(
                        team_id=team_id,
                        number=f"new-{uuid.uuid4().hex[:24]}",  # numbered from its id below
                        deal_id=deal.id,
                        owner_id=deal.owner_id,
                        version=0,
                        state=store.PENDING,
                        created_at=now,
                        updated_at=now,
                    ),
                )
                quote.number = quote_number(quote.id, now.year)
            assert deal is not None
            approvals = self._rules.approvals
            facts = facts_of(
                content, self._rules.deals.currency, self._rules.deals.rates, approvals.standard_net_days
            )
            chain = choose_chain(facts, approvals.chain_rules)
            for step in chain:  # every needed step must have someone to decide it, or none starts
                if step.needed and not self._approvers(step, quote.owner_id, by):
                    raise QuoteError("quote.error.no_approver", step=step.id)
            if previous is not None:
                await self._replace(session, quote, previous, by, now)
            quote.version += 1
            quote.state, quote.updated_at = store.PENDING, now
            version = await store.add_version(
                session,
                QuoteVersion(
                    quote_id=quote.id,
                    version=quote.version,
                    content=content.as_json(),
                    total=content.total,
                    currency=content.currency,
                    chain=[step.as_json() for step in chain],
                    changes=[]
                    if previous is None
                    else [asdict(c) for c in changes(QuoteContent.from_json(previous.content), content)],
                    state=store.PENDING,
                    submitted_by=by,
                    submitted_at=now,
                ),
            )
            await self._log(session, quote, version, None, "submitted", by, now)
            for position, step in enumerate(chain):
                await store.add_step(
                    session,
                    ApprovalStep(
                        version_id=version.id,
                        position=position,
                        step=step.id,
                        all_of_group=step.all_of_group,
                        state=store.WAITING if step.needed else store.SKIPPED,
                    ),
                )
                if not step.needed:
                    reason = "; ".join(r.summary for r in step.reasons)
                    await self._log(session, quote, version, step.id, "skipped", None, now, reason=reason)
            await self._advance(session, quote, version, deal, now)
            await outbox.show(session, status_message(deal, version), now)
            await outbox.send_once(session, submitted_message(version, team_id), now)
            await self._deals.reshow(session, deal, now)
            return Submitted(quote, version, previous.version if previous else None)

    def _check(self, content: QuoteContent, now: datetime) -> None:
        if not CURRENCY.fullmatch(content.currency):
            raise QuoteError("deal.error.bad_currency")
        if not content.lines and (content.lump_sum is None or content.lump_sum <= 0):
            raise QuoteError("quote.error.no_price")
        if content.total < 0 or content.subtotal > MAX_TOTAL:
            raise QuoteError("quote.error.bad_amount")
        if not Decimal(0) <= content.discount_pct < Decimal(100):
            raise QuoteError("quote.error.bad_discount")
        if not Decimal(0) <= content.terms.prepayment_pct <= Decimal(100):
            raise QuoteError("quote.error.bad_prepayment")
        if not 0 <= content.terms.net_days <= 365:
            raise QuoteError("quote.error.bad_net_days")
        if content.valid_until is not None and content.valid_until < now.date() - timedelta(days=1):
            raise QuoteError("quote.error.expired", date=content.valid_until.isoformat())

    async def _replace(
        self, session: AsyncSession, quote: Quote, previous: QuoteVersion, by: str, now: datetime
    ) -> None:
        """A new version ends the previous one's chain: its steps and requests close, its DMs say so."""
        was = previous.state
        previous.state = store.REPLACED
        steps = await store.steps_of(session, previous.id)
        for step in steps:
            if step.state in (store.PENDING, store.WAITING):
                await store.move_step(session, step.id, step.state, {"state": store.REPLACED})
        for request in await store.requests_of(session, [s.id for s in steps]):
            if await store.decide_request(session, request.id, {"state": store.CLOSED}):
                await self._tasks.settle(session, quote.team_id, APPROVAL, request.id, None, now)
            await self._reshow_request(session, request, now)
        if was in (store.PENDING, store.APPROVED):
            await self._log(session, quote, previous, None, "replaced", by, now)
        await outbox.reshow(session, f"quote-status:{previous.id}", now)

    # the chain

    async def _advance(
        self, session: AsyncSession, quote: Quote, version: QuoteVersion, deal: Deal, now: datetime
    ) -> None:
        """Start the next waiting step, or, when none is left, approve the version and post its PDF."""
        steps = await store.steps_of(session, version.id)
        waiting = next((s for s in steps if s.state == store.WAITING), None)
        if waiting is None:
            version.state, version.decided_at = store.APPROVED, now
            quote.state, quote.updated_at = store.APPROVED, now
            await self._log(session, quote, version, None, "approved", None, now)
            await outbox.send_once(session, pdf_message(deal, version), now)
            return
        chain = {s["id"]: ChainStep.from_json(s) for s in version.chain}
        spec = chain[waiting.step]
        approvers = self._approvers(spec, quote.owner_id, version.submitted_by)
        if not await store.move_step(
            session, waiting.id, store.WAITING, {"state": store.PENDING, "started_at": now}
        ):
            return
        waiting.state = store.PENDING
        if spec.approvers != MANAGER and not self._rules.approvals.group(spec.approvers):
            waiting.fallback = "managers"
        in_force = delegations.as_map(await delegations.in_force(session, quote.team_id, now))
        customer = await customers.get(session, deal.customer_id)
        for approver in approvers:
            delegate = acting_for(in_force, approver)
            request = await store.add_request(
                session,
                ApprovalRequest(
                    team_id=quote.team_id,
                    step_id=waiting.id,
                    approver_id=approver,
                    delegate_id=None if delegate == approver else delegate,
                    state=store.PENDING,
                    told=[],
                    created_at=now,
                ),
            )
            await self._hand_to(session, request, quote, version, customer.name if customer else "", now, now)

    def _approvers(self, step: ChainStep, owner_id: str, requester: str) -> tuple[str, ...]:
        """Who decides a step: the rep's manager, or a group's members; an empty group falls to the
        managers. Nobody approves their own quote."""
        leads = self._rules.leads
        if step.approvers == MANAGER:
            found = leads.managers_of(owner_id)
        else:
            found = self._rules.approvals.group(step.approvers) or leads.manager_ids
        return tuple(person for person in dict.fromkeys(found) if person not in {owner_id, requester})

    async def _hand_to(
        self,
        session: AsyncSession,
        request: ApprovalRequest,
        quote: Quote,
        version: QuoteVersion,
        customer: str,
        started_at: datetime,
        now: datetime,
    ) -> None:
        """Give a request to whoever acts on it now: their DM and their to-do item."""
        acting = request.delegate_id or request.approver_id
        if acting not in request.told:
            request.told = [*request.told, acting]
        await outbox.show(session, approval_message(request, acting), now)
        await self._tasks.item(
            session,
            team_id=quote.team_id,
            kind=APPROVAL,
            subject_id=request.id,
            owner_id=acting,
            title=f"{quote.number} v{version.version}",
            customer=customer,
            due=started_at,  # on the approver's list from the moment it reaches them
            now=now,
        )
        await outbox.reshow(session, home_key(acting), now)

    async def _reshow_request(self, session: AsyncSession, request: ApprovalRequest, now: datetime) -> None:
        """Every copy of a request's DM shows its state now."""
        for reader in request.told:
            await outbox.show(session, approval_message(request, reader), now)

    # deciding

    async def decide(
        self, request_id: int, user_id: str, decision: Decision, reason: str, now: datetime
    ) -> Decided:
        """Approve, reject (reason required) or ask for changes (comment required), once for all clicks."""
        if decision not in DECISIONS:
            raise QuoteError("quote.error.bad_decision")
        reason = reason.strip()
        if decision != "approve" and not reason:
            raise QuoteError("quote.error.reason_required")
        async with self._db.sessions.begin() as session:
            request, step, version, quote, on_behalf_of = await self._decidable(
                session, request_id, user_id, now, lock=True
            )
            values = {"state": decision, "decided_by": user_id, "reason": reason or None, "decided_at": now}
            if not await store.decide_request(session, request.id, values):
                raise QuoteError("quote.error.decided_meanwhile")
            siblings = await store.requests_of(session, [step.id])
            decisions = [r.state for r in siblings if r.state in DECISIONS]
            outcome = step_outcome(decisions, len(siblings), step.all_of_group)  # type: ignore[arg-type]
            await self._tasks.settle(session, quote.team_id, APPROVAL, request.id, user_id, now)
            await self._log(
                session, quote, version, step.step, decision, user_id, now, on_behalf_of, reason or None
            )
            if outcome is not None:
                decided = {
                    "state": _STEP_STATE[outcome],
                    "decided_at": now,
                    "decided_by": user_id,
                    "on_behalf_of": on_behalf_of,
                    "reason": reason or None,
                }
                if not await store.move_step(session, step.id, store.PENDING, decided):
                    raise QuoteError("quote.error.decided_meanwhile")
                for sibling in siblings:
                    if sibling.id != request.id and await store.decide_request(
                        session, sibling.id, {"state": store.CLOSED}
                    ):
                        await self._tasks.settle(session, quote.team_id, APPROVAL, sibling.id, None, now)
                deal = await deal_store.get(session, quote.deal_id)
                assert deal is not None
                if outcome == "approve":
                    await self._advance(session, quote, version, deal, now)
                else:
                    version.state, version.decided_at = _STEP_STATE[outcome], now
                    quote.state, quote.updated_at = _STEP_STATE[outcome], now
                    await outbox.send_once(session, outcome_message(quote, version, step), now)
                await outbox.show(session, status_message(deal, version), now)
                await self._deals.reshow(session, deal, now)
            for sibling in siblings:
                await self._reshow_request(session, sibling, now)
            await session.refresh(step)
            return Decided(quote, version, step, outcome)

    async def check_decider(self, request_id: int, user_id: str, now: datetime) -> None:
        """Refuse at once (before a reason form opens) whoever may not decide, or what is decided already."""
        async with self._db.sessions() as session:
            await self._decidable(session, request_id, user_id, now, lock=False)

    async def _decidable(
        self, session: AsyncSession, request_id: int, user_id: str, now: datetime, *, lock: bool
    ) -> tuple[ApprovalRequest, ApprovalStep, QuoteVersion, Quote, str | None]:
        """A request `user_id` may decide now, with its step, version and quote, and for whom they act.

        With `lock`, the quote is locked before the request, the order a new version takes them in, so
        a click and an edit at the same moment wait for each other instead of deadlocking.
        """
        found = await store.request(session, request_id)
        if found is None:
            raise QuoteError("quote.error.request_unknown")
        step = await store.step(session, found.step_id)
        version = await store.version_by_id(session, step.version_id) if step else None
        assert step is not None and version is not None
        quote = await store.get(session, version.quote_id, for_update=lock)
        # Read again now that the quote is held: a new version or a decision may have come meanwhile.
        request = await store.request(session, request_id, for_update=lock)
        step = await store.step(session, step.id)
        version = await store.version_by_id(session, version.id)
        assert request is not None and step is not None and version is not None and quote is not None
        on_behalf_of = await self._authority(session, request, user_id, now)
        if version.state == store.REPLACED:
            raise QuoteError("quote.error.replaced", number=quote.number, version=version.version)
        if step.state != store.PENDING:
            raise QuoteError("quote.error.already_decided", user=step.decided_by or "", decision=step.state)
        if request.state != store.PENDING:
            raise QuoteError("quote.error.decided_meanwhile")
        return request, step, version, quote, on_behalf_of

    async def _authority(
        self, session: AsyncSession, request: ApprovalRequest, user_id: str, now: datetime
    ) -> str | None:
        """May `user_id` decide this request? The approver may; a delegate only while the delegation
        lasts (returns whom they act for). Anyone else is refused."""
        if user_id == request.approver_id:
            return None
        if request.delegate_id == user_id:
            in_force = delegations.as_map(await delegations.in_force(session, request.team_id, now))
            if acting_for(in_force, request.approver_id) == user_id:
                return request.approver_id
            raise QuoteError("quote.error.delegation_over", approver=request.approver_id)
        raise QuoteError("quote.error.not_yours", approver=request.delegate_id or request.approver_id)

    # delegation

    async def delegate(
        self, team_id: str, giver: str, taker: str, until: date, now: datetime
    ) -> DelegationView:
        """`giver`'s approvals go to `taker` until the end of `until` (giver's day): pending ones at once."""
        if not taker:
            raise QuoteError("delegate.usage")
        if taker == giver:
            raise QuoteError("delegate.error.self")
        async with self._db.sessions.begin() as session:
            profile = await users.remembered(session, team_id, taker)
            if profile is not None and (profile.deleted or profile.is_bot):
                raise QuoteError("delegate.error.unavailable", user=taker)
            tz = await users.zone_of(session, team_id, giver, self._default_tz)
            zone = ZoneInfo(tz)
            ends = local_instant(datetime.combine(until + timedelta(days=1), time(0)), zone)
            if ends <= now:
                raise QuoteError("delegate.error.past", date=until.isoformat())
            in_force = delegations.as_map(await delegations.in_force(session, team_id, now))
            in_force.pop(giver, None)
            if delegation_loops(in_force, giver, taker):
                raise QuoteError("delegate.error.loop", user=taker)
            if (current := await delegations.of(session, team_id, giver, now)) is not None:
                await self._hand_back(session, current, now)
            delegation = await delegations.add(
                session,
                Delegation(team_id=team_id, from_id=giver, to_id=taker, until_at=ends, created_at=now),
            )
            in_force[giver] = taker
            acting = acting_for(in_force, giver)
            pending = await store.pending_requests_of(session, team_id, giver)
            for request in pending:
                request.delegate_id = acting
                await self._change_hands(session, request, "delegated", acting, giver, now)
            await outbox.reshow(session, home_key(giver), now)
            return DelegationView(delegation.to_id, delegation.until_at, len(pending))

    async def end_delegation(self, team_id: str, giver: str, now: datetime) -> DelegationView:
        """`/closeloop delegate off`: the giver takes their approvals back at once."""
        async with self._db.sessions.begin() as session:
            current = await delegations.of(session, team_id, giver, now)
            if current is None:
                raise QuoteError("delegate.error.none")
            await self._hand_back(session, current, now)
            return DelegationView(current.to_id, current.until_at)

    async def delegation_of(self, team_id: str, giver: str, now: datetime) -> DelegationView | None:
        """`giver`'s delegation running now, if any (`/closeloop delegate`, App Home)."""
        async with self._db.sessions() as session:
            found = [d for d in await delegations.in_force(session, team_id, now) if d.from_id == giver]
        return DelegationView(found[-1].to_id, found[-1].until_at) if found else None

    async def hand_back_expired(self, now: datetime) -> int:
        """Delegations whose date passed: what is still pending goes back to the approver."""
        async with self._db.sessions.begin() as session:
            expired = await delegations.ran_out(session, now)
            for delegation in expired:
                await self._hand_back(session, delegation, now)
        return len(expired)

    async def _hand_back(self, session: AsyncSession, delegation: Delegation, now: datetime) -> None:
        delegation.ended_at = now
        for request in await store.pending_delegated_to(session, delegation.team_id, delegation.to_id):
            if request.approver_id != delegation.from_id:
                continue
            request.delegate_id = None
            await self._change_hands(
                session, request, "handed_back", delegation.from_id, delegation.to_id, now
            )
        await outbox.reshow(session, home_key(delegation.from_id), now)
        await outbox.reshow(session, home_key(delegation.to_id), now)

    async def hand_over(
        self, session: AsyncSession, team_id: str, leaver: str, successor: str, now: datetime
    ) -> list[int]:
        """A leaving rep's pending approvals, in the handover's transaction: what waited on them as
        approver becomes the successor's (or the successor's delegate's); what they held for someone
        else goes back to that approver. Delegations given by or to them end. Returns the requests."""
        in_force = await delegations.in_force(session, team_id, now)
        for delegation in in_force:
            if leaver in (delegation.from_id, delegation.to_id):
                delegation.ended_at = now
        acting = acting_for(delegations.as_map([d for d in in_force if d.ended_at is None]), successor)
        moved = []
        for request in await store.pending_requests_of(session, team_id, leaver):
            request.approver_id = successor
            request.delegate_id = None if acting == successor else acting
            await self._change_hands(session, request, "handed_over", successor, leaver, now)
            moved.append(request.id)
        for request in await store.pending_delegated_to(session, team_id, leaver):
            request.delegate_id = None
            await self._change_hands(session, request, "handed_back", request.approver_id, leaver, now)
            moved.append(request.id)
        return moved

    async def _change_hands(
        self,
        session: AsyncSession,
        request: ApprovalRequest,
        kind: str,
        actor: str,
        other: str,
        now: datetime,
    ) -> None:
        """A request changed hands: the ledger says so (`delegated`: the delegate acting on behalf of
        the approver; `handed_back`: the approver taking it back from the delegate; `handed_over`: a
        leaving approver's successor taking it on), the new holder gets it (DM, item), and every
        older copy of its DM updates."""
        step = await store.step(session, request.step_id)
        assert step is not None
        version = await store.version_by_id(session, step.version_id)
        assert version is not None
        quote = await store.get(session, version.quote_id)
        assert quote is not None
        await self._log(session, quote, version, step.step, kind, actor, now, on_behalf_of=other)
        deal = await deal_store.get(session, quote.deal_id)
        customer = await customers.get(session, deal.customer_id) if deal else None
        await self._hand_to(session, request, quote, version, customer.name if customer else "", now, now)
        await self._reshow_request(session, request, now)

    # shared

    def _may_change(self, owner_id: str, user_id: str) -> None:
        if user_id != owner_id and user_id not in self._rules.leads.manager_ids:
            raise QuoteError("quote.error.not_owner", owner=owner_id)

    async def _log(
        self,
        session: AsyncSession,
        quote: Quote,
        version: QuoteVersion,
        step: str | None,
        kind: str,
        actor: str | None,
        now: datetime,
        on_behalf_of: str | None = None,
        reason: str | None = None,
    ) -> None:
        await store.log(
            session,
            ApprovalEvent(
                team_id=quote.team_id,
                quote_id=quote.id,
                version=version.version,
                step=step,
                kind=kind,
                actor_id=actor,
                on_behalf_of=on_behalf_of,
                reason=reason,
                at=now,
            ),
        )
