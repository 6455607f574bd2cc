"""What the deal card, a quote's progress, an approver's DM and the PDF show, read in one session.

Rendering runs at send time and must show the newest state; these readers gather a deal or a version
with everything around it (customer, quotes, steps, requests, the version before) so a renderer
never pieces storage together itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.approvals import ChainStep, Reason, risk_reasons
from domain.quotes import Change, QuoteContent
from storage import contracts as contract_store
from storage import customers
from storage import deals as deal_store
from storage import quotes as store
from storage.db import Database
from storage.models import ApprovalRequest, ApprovalStep, Deal, Quote, QuoteVersion
from usecases.contract_views import ContractView, contract_view


@dataclass(frozen=True)
class StepView:
    """A step of a version's chain with its requests and the reasons the rules gave for it."""

    row: ApprovalStep
    spec: ChainStep
    requests: tuple[ApprovalRequest, ...]


@dataclass(frozen=True)
class VersionView:
    """A version of a quote with its deal, customer, content, chain and what changed since the last."""

    deal: Deal
    customer: str
    quote: Quote
    version: QuoteVersion
    content: QuoteContent
    steps: tuple[StepView, ...]
    changes: tuple[Change, ...]
    risks: tuple[Reason, ...]


@dataclass(frozen=True)
class DealView:
    """A deal with its customer and the current version of each of its quotes."""

    deal: Deal
    customer: str
    quotes: tuple[VersionView, ...]
    contracts: tuple[ContractView, ...] = ()

    def contract_of(self, quote_id: int) -> ContractView | None:
        return next((c for c in self.contracts if c.contract.quote_id == quote_id), None)


@dataclass(frozen=True)
class RequestView:
    """One approval request in its version's context."""

    request: ApprovalRequest
    step: StepView
    version: VersionView


async def version_view(session: AsyncSession, version: QuoteVersion) -> VersionView:
    """A version with everything its messages show."""
    quote = await store.get(session, version.quote_id)
    assert quote is not None
    deal = await deal_store.get(session, quote.deal_id)
    assert deal is not None
    customer = await customers.get(session, deal.customer_id)
    rows = await store.steps_of(session, version.id)
    requests = await store.requests_of(session, [row.id for row in rows])
    specs = {spec["id"]: ChainStep.from_json(spec) for spec in version.chain}
    steps = tuple(
        StepView(row, specs[row.step], tuple(r for r in requests if r.step_id == row.id)) for row in rows
    )
    return VersionView(
        deal=deal,
        customer=customer.name if customer else "",
        quote=quote,
        version=version,
        content=QuoteContent.from_json(version.content),
        steps=steps,
        changes=tuple(Change(**change) for change in version.changes),
        risks=risk_reasons(tuple(specs.values())),
    )


async def read_version(db: Database, version_id: int) -> VersionView | None:
    async with db.sessions() as session:
        version = await store.version_by_id(session, version_id)
        return None if version is None else await version_view(session, version)


async def read_request(db: Database, request_id: int) -> RequestView | None:
    async with db.sessions() as session:
        request = await store.request(session, request_id)
        if request is None:
            return None
        step = await store.step(session, request.step_id)
        assert step is not None
        version = await store.version_by_id(session, step.version_id)
        assert version is not None
        view = await version_view(session, version)
    return RequestView(request, next(s for s in view.steps if s.row.id == step.id), view)


async def read_deal(db: Database, deal_id: int) -> DealView | None:
    async with db.sessions() as session:
        deal = await deal_store.get(session, deal_id)
        if deal is None:
            return None
        customer = await customers.get(session, deal.customer_id)
        views = []
        for quote in await store.of_deal(session, deal.id):
            version = await store.version(session, quote.id, quote.version)
            if version is not None:
                views.append(await version_view(session, version))
        signed = [await contract_view(session, c) for c in await contract_store.of_deal(session, deal.id)]
    return DealView(deal, customer.name if customer else "", tuple(views), tuple(signed))
