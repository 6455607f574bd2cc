"""Each open item kept in step with its subject, inside the subject's own transaction.

A follow-up with a next action and a due date is its author's item; a lead assigned and not yet
contacted is its owner's. The activity and lead desks call `TaskBook` wherever they change one, so an
item exists exactly while there is something to do, and its ladder starts (or starts over, for a new
owner or a new due time) with a copy of the rules file's steps.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from storage import customers, outbox, users
from storage import tasks as store
from storage.models import Activity, Deal, LeadRecord, Task

FOLLOW_UP, LEAD_CONTACT, DEAL_STALE, APPROVAL = "follow_up", "lead_contact", "deal_stale", "approval"
# What a contract puts on people's lists: finance's invoice request and first review, a customer field
# an invoice needs, the owner's late instalment (dunning) and unpaid red line, the customer-success
# calls after payment, and a handover waiting for its new owner's confirmation.
INVOICE, FIRST_REVIEW, DUNNING, PAYMENT_MISSING = "invoice", "first_review", "dunning", "payment_missing"
MISSING_FIELD = {"tax_id": "missing_tax_id", "bank_account": "missing_bank_account"}
HANDOVER = "handover"
FIRST_CONTACT_LIMIT = timedelta(hours=24)  # domain.md: a lead is contacted within 24 h


def todo_card_key(owner_id: str, day: date) -> str:
    """The dedupe key of a rep's card for one local day: one card a day, ever."""
    return f"todo:{owner_id}:{day.isoformat()}"


def home_key(user_id: str) -> str:
    """The dedupe key of a person's App Home, which shows their items: one view, republished on change."""
    return f"home:{user_id}"


class TaskBook:
    """Keeps each task in step with its subject, inside the subject's own transaction."""

    def __init__(self, rules: Rules, default_tz: str):
        self._rules = rules
        self._default_tz = default_tz

    async def follow_up(
        self, session: AsyncSession, activity: Activity, now: datetime, *, author_tz: str | None = None
    ) -> None:
        """An activity with a next action and a due date is its author's follow-up; without, none.

        `author_tz`, when the caller knows it, spares reading the author's profile for the ladder.
        """
        # A record created at this very instant has no task yet (record numbers are never reused);
        # should another filing of the same instant have made one, creating it finds it and goes on.
        created_now = activity.created_at == now
        task = (
            None if created_now else await store.of_subject(session, activity.team_id, FOLLOW_UP, activity.id)
        )
        if not (activity.next_action and activity.due_at):
            store.close(task, store.CANCELLED, None, now)
            return
        customer = await customers.get(session, activity.customer_id) if activity.customer_id else None
        await self._keep(
            session,
            task,
            owner_tz=author_tz,
            team_id=activity.team_id,
            kind=FOLLOW_UP,
            subject_id=activity.id,
            owner_id=activity.author_id,
            title=activity.next_action,
            customer=customer.name if customer else None,
            anchor=activity.due_at,
            due=activity.due_at,
            now=now,
        )

    async def record_gone(self, session: AsyncSession, activity: Activity, now: datetime) -> None:
        """An undone record takes its follow-up with it."""
        task = await store.of_subject(session, activity.team_id, FOLLOW_UP, activity.id)
        store.close(task, store.CANCELLED, None, now)

    async def lead(
        self, session: AsyncSession, lead: LeadRecord, now: datetime, actor: str | None = None
    ) -> None:
        """A lead assigned and not yet contacted is its owner's item; contact closes it, release drops it."""
        task = await store.of_subject(session, lead.team_id, LEAD_CONTACT, lead.id)
        if lead.owner_id and lead.assigned_at and lead.first_contact_at is None:
            await self._keep(
                session,
                task,
                team_id=lead.team_id,
                kind=LEAD_CONTACT,
                subject_id=lead.id,
                owner_id=lead.owner_id,
                title=lead.company,
                customer=lead.company,
                anchor=lead.assigned_at,
                due=lead.assigned_at + FIRST_CONTACT_LIMIT,
                now=now,
            )
            return
        contacted = lead.first_contact_at is not None and task is not None and task.owner_id == lead.owner_id
        store.close(task, store.DONE if contacted else store.CANCELLED, actor, now)

    async def deal(self, session: AsyncSession, deal: Deal, customer: str, now: datetime) -> None:
        """An open deal is its owner's item from its red line on: `[deals] stale_days` after its last record.

        A new record moves the line (and starts the ladder over); a won or lost deal drops the item.
        """
        task = await store.of_subject(session, deal.team_id, DEAL_STALE, deal.id)
        if deal.closed_at is not None:
            store.close(task, store.CANCELLED, None, now)
            return
        red_line = deal.last_activity_at + timedelta(days=self._rules.deals.stale_days)
        await self._keep(
            session,
            task,
            team_id=deal.team_id,
            kind=DEAL_STALE,
            subject_id=deal.id,
            owner_id=deal.owner_id,
            title=deal.title,
            customer=customer,
            anchor=red_line,
            due=red_line,
            now=now,
        )

    async def item(
        self,
        session: AsyncSession,
        *,
        team_id: str,
        kind: str,
        subject_id: int,
        owner_id: str,
        title: str,
        customer: str | None,
        due: datetime,
        now: datetime,
    ) -> None:
        """An item on someone's list, due at `due`, whose ladder (when the rules file gives its kind
        one) counts from then: a pending approval from the moment it reaches its approver (or their
        delegate; a new owner starts it over), an invoice to request, a dunning level, a handover to
        confirm."""
        task = await store.of_subject(session, team_id, kind, subject_id)
        await self._keep(
            session,
            task,
            team_id=team_id,
            kind=kind,
            subject_id=subject_id,
            owner_id=owner_id,
            title=title,
            customer=customer,
            anchor=due,
            due=due,
            now=now,
        )

    async def settle(
        self,
        session: AsyncSession,
        team_id: str,
        kind: str,
        subject_id: int,
        actor: str | None,
        now: datetime,
    ) -> None:
        """The item's subject no longer asks for it: done by `actor`, or cancelled when nobody did it
        (an approval no longer needed, a payment that stops a dunning item). The holder's Home and
        today's card stop offering its buttons."""
        task = await store.of_subject(session, team_id, kind, subject_id)
        if task is None or task.state != store.OPEN:
            return
        store.close(task, store.DONE if actor else store.CANCELLED, actor, now)
        tz = await users.zone_of(session, team_id, task.owner_id, self._default_tz)
        await outbox.reshow(session, home_key(task.owner_id), now)
        await outbox.reshow(session, todo_card_key(task.owner_id, now.astimezone(ZoneInfo(tz)).date()), now)

    async def hand_over(
        self, session: AsyncSession, team_id: str, leaver: str, successor: str, now: datetime
    ) -> list[int]:
        """A leaving rep's open items become the successor's as they stand: a running ladder goes on
        where it was, its next rung now about the successor (readers are worked out at each step)."""
        moved = await store.open_of(session, team_id, [leaver])
        for task in moved:
            task.owner_id, task.updated_at = successor, now
        if moved:
            await outbox.reshow(session, home_key(successor), now)
        return [task.id for task in moved]

    async def _keep(
        self,
        session: AsyncSession,
        task: Task | None,
        *,
        team_id: str,
        kind: str,
        subject_id: int,
        owner_id: str,
        title: str,
        customer: str | None,
        anchor: datetime,
        due: datetime,
        now: datetime,
        owner_tz: str | None = None,
    ) -> None:
        """Create the task, or bring it up to date; a new owner or a new due time starts a new ladder.

        A closed item opens again when its subject asks for something new (another owner, due time or
        action); filing the same thread again after Done leaves it done. `owner_tz` is the owner's
        zone when the caller knows it (else it is read when a ladder starts).
        """
        changed = task is None or (task.owner_id, task.anchor_at, task.title) != (owner_id, anchor, title)
        if task is not None and task.state == store.DONE and not changed:
            return
        restart = changed or task is None or task.state != store.OPEN
        tz = (
            (owner_tz or await users.zone_of(session, team_id, owner_id, self._default_tz)) if restart else ""
        )
        if task is None:
            values = {
                "team_id": team_id,
                "kind": kind,
                "subject_id": subject_id,
                "owner_id": owner_id,
                "title": title,
                "customer": customer,
                "anchor_at": anchor,
                "due_at": due,
                "state": store.OPEN,
                "step": 0,
                "ladder_round": 0,
                "told": [],
                "created_at": now,
                "updated_at": now,
            }
            if await store.create(session, values | self._ladder(kind, anchor, tz)) is not None:
                return
            # Another writer made it first: bring theirs up to date, as if it had been found.
            found = await store.of_subject(session, team_id, kind, subject_id)
            await self._keep(
                session,
                found,
                team_id=team_id,
                kind=kind,
                subject_id=subject_id,
                owner_id=owner_id,
                title=title,
                customer=customer,
                anchor=anchor,
                due=due,
                now=now,
                owner_tz=tz,
            )
            return
        task.title, task.customer, task.due_at, task.updated_at = title, customer, due, now
        if restart:
            task.owner_id, task.anchor_at, task.state = owner_id, anchor, store.OPEN
            ladder = self._ladder(kind, anchor, tz)
            task.steps, task.next_step_at = ladder["steps"], ladder["next_step_at"]
            task.step, task.snoozed_until = 0, None
            task.ladder_round += 1
            task.acknowledged_by = task.acknowledged_at = task.closed_by = task.closed_at = None

    def _ladder(self, kind: str, anchor: datetime, tz: str) -> dict[str, object]:
        """A new ladder's steps, copied from the rules file, and when its first step is due."""
        steps = self._rules.ladders.for_kind(kind)
        return {
            "steps": [step.as_json() for step in steps],
            "next_step_at": steps[0].due(anchor, self._rules.calendar, tz) if steps else None,
        }
