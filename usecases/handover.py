"""The handover desk: when a rep leaves, everything they own moves to a successor in one transaction.

A manager previews what would move, then carries it out: leads, deals, quotes, contracts with their
receivables, open items with their running ladders, and pending approvals change hands together with
the records of it (the lead trail, the approval ledger), the rep leaves routing and the morning cards,
and the successor gets a DM listing what they received and an item on their list. Records the leaver
wrote stay theirs and readable. Until the successor confirms, the contracts carry the handover's id
and their money stays out of the successor's figures; unconfirmed after 48 hours, the item's ladder
tells the manager. Carrying out again finds nothing left to move; confirming twice confirms once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from storage import handovers as store
from storage import leads as lead_store
from storage import outbox, roster, users
from storage import quotes as quote_store
from storage import tasks as task_store
from storage.db import Database
from storage.models import Handover
from storage.outbox import Outgoing
from usecases.deals import deal_card
from usecases.leads import lead_card
from usecases.quotes import QuoteDesk
from usecases.refusal import Refusal
from usecases.task_book import APPROVAL, HANDOVER, TaskBook, home_key

# What a handover moves, in the order people read it.
KINDS = ("leads", "deals", "quotes", "contracts", "tasks", "approvals")


class HandoverError(Refusal):
    """A handover refused for a reason the person can act on."""


def handover_message(handover: Handover) -> Outgoing:
    """The successor's DM: what they received and a Confirm button, updated in place once confirmed."""
    return Outgoing(
        key=f"handover:{handover.id}",
        kind="handover",
        team_id=handover.team_id,
        channel=handover.to_id,
        payload={"handover_id": handover.id, "reader": handover.to_id},
    )


@dataclass(frozen=True)
class Preview:
    """What a handover would do: who receives (their manager, when `fallback`), how many of each kind."""

    to_id: str
    fallback: bool
    counts: dict[str, int]


async def read_handover(db: Database, handover_id: int) -> Handover | None:
    """A handover as it stands, for its DM."""
    async with db.sessions() as session:
        return await store.get(session, handover_id)


class HandoverDesk:
    """Previews, carries out and confirms handovers."""

    def __init__(self, db: Database, rules: Rules, tasks: TaskBook, quotes: QuoteDesk):
        self._db = db
        self._rules = rules
        self._tasks = tasks
        self._quotes = quotes

    def successor(self, from_id: str, to_id: str | None, by: str) -> tuple[str, bool]:
        """Who receives `from_id`'s work, and whether it fell to their manager for want of a name.

        Only managers hand work over; nobody hands it to themselves."""
        if by not in self._rules.leads.manager_ids:
            raise HandoverError("handover.error.managers_only")
        fallback = to_id is None
        if to_id is None:
            managers = self._rules.leads.managers_of(from_id)
            if not managers:
                raise HandoverError("handover.error.no_successor", user=from_id)
            to_id = managers[0]
        if to_id == from_id:
            raise HandoverError("handover.error.same_person", user=from_id)
        return to_id, fallback

    async def preview(self, team_id: str, from_id: str, to_id: str | None, by: str) -> Preview:
        """What carrying the handover out would move now, for the manager to confirm; refused when
        there is nothing (it was carried out already)."""
        successor, fallback = self.successor(from_id, to_id, by)
        async with self._db.sessions() as session:
            await self._check_available(session, team_id, successor)
            owned = await store.owned_by(session, team_id, from_id, lock=False)
            tasks = await task_store.open_of(session, team_id, [from_id])
            requests = [
                *await quote_store.pending_requests_of(session, team_id, from_id),
                *await quote_store.pending_delegated_to(session, team_id, from_id),
            ]
        found = {
            "leads": owned.leads,
            "deals": owned.deals,
            "quotes": owned.quotes,
            "contracts": owned.contracts,
            # An approval's item goes with its request, counted there.
            "tasks": [task for task in tasks if task.kind != APPROVAL],
            "approvals": requests,
        }
        counted = {kind: len(found[kind]) for kind in KINDS}
        if not any(counted.values()):
            raise HandoverError("handover.error.nothing", user=from_id)
        return Preview(successor, fallback, counted)

    async def carry_out(
        self, team_id: str, from_id: str, to_id: str | None, by: str, now: datetime
    ) -> Handover:
        """Move everything `from_id` owns to the successor, take them out of routing, and ask the
        successor to confirm; refused when nothing is left to move (it was carried out already)."""
        successor, _ = self.successor(from_id, to_id, by)
        async with self._db.sessions.begin() as session:
            await self._check_available(session, team_id, successor)
            owned = await store.owned_by(session, team_id, from_id, lock=True)
            approvals = await self._quotes.hand_over(session, team_id, from_id, successor, now)
            for lead in owned.leads:
                lead.owner_id, lead.updated_at = successor, now
                await lead_store.record(
                    session,
                    lead,
                    kind="reassigned",
                    now=now,
                    actor_id=by,
                    owner_id=successor,
                    candidates=[{"user_id": from_id, "verdict": "previous_owner"}],
                )
                await outbox.reshow(session, lead_card(lead).key, now)  # a card only where one was posted
            for deal in owned.deals:
                deal.owner_id, deal.updated_at = successor, now
                await outbox.show(session, deal_card(deal), now)
            for quote in owned.quotes:
                quote.owner_id, quote.updated_at = successor, now
            tasks = await self._tasks.hand_over(session, team_id, from_id, successor, now)
            moved = {
                "leads": [{"id": lead.id, "name": lead.company} for lead in owned.leads],
                "deals": [{"id": deal.id, "name": deal.title} for deal in owned.deals],
                "quotes": [{"id": quote.id, "name": quote.number} for quote in owned.quotes],
                "contracts": [{"id": c.id, "name": c.number} for c in owned.contracts],
                "tasks": [{"id": task_id} for task_id in tasks],
                "approvals": [{"id": request_id} for request_id in approvals],
            }
            if not any(moved.values()):
                raise HandoverError("handover.error.nothing", user=from_id)
            handover = await store.add(
                session,
                Handover(
                    team_id=team_id,
                    from_id=from_id,
                    to_id=successor,
                    by_id=by,
                    moved=moved,
                    state=store.PENDING,
                    created_at=now,
                ),
            )
            for contract in owned.contracts:
                contract.owner_id, contract.handover_id, contract.updated_at = successor, handover.id, now
            # Away for routing and the morning cards: the roster's own switch, set by the manager.
            await roster.change(session, team_id, from_id, {"away": True}, by, now)
            await self._tasks.item(
                session,
                team_id=team_id,
                kind=HANDOVER,
                subject_id=handover.id,
                owner_id=successor,
                title=from_id,  # whose work it is: `todo.what.handover` names them
                customer=None,
                due=now,
                now=now,
            )
            await outbox.show(session, handover_message(handover), now)
            await outbox.reshow(session, home_key(from_id), now)
            await outbox.reshow(session, home_key(successor), now)
            return handover

    async def confirm(self, handover_id: int, user_id: str, now: datetime) -> Handover:
        """The successor takes the work on: the contracts count for them, the item closes, the DM says
        who confirmed when. Only the successor may; a second click changes nothing."""
        async with self._db.sessions.begin() as session:
            handover = await store.get(session, handover_id, for_update=True)
            if handover is None:
                raise HandoverError("handover.error.unknown")
            if user_id != handover.to_id:
                raise HandoverError("handover.error.not_yours", user=handover.to_id)
            if await store.confirm(session, handover, now):
                await self._tasks.settle(session, handover.team_id, HANDOVER, handover.id, user_id, now)
                await outbox.show(session, handover_message(handover), now)
            confirmed = await store.get(session, handover_id)
            assert confirmed is not None
            return confirmed

    async def _check_available(self, session: AsyncSession, team_id: str, user_id: str) -> None:
        """A successor Slack says is gone (deactivated) or is a bot cannot take anything on."""
        profile = await users.remembered(session, team_id, user_id)
        if profile is not None and (profile.deleted or profile.is_bot):
            raise HandoverError("handover.error.unavailable", user=user_id)
