"""Open items and escalation ladders: the to-do list, the morning card, the sweep, and the buttons.

A follow-up with a due date and a lead waiting for first contact each become a task in the same
transaction that made them (`TaskBook`, called by the activity and lead desks). The morning card, App
Home and `/closeloop todo` rank a rep's open tasks with `domain.todo`; the sweep advances ladders whose
next step is due, by compare-and-set, writing each escalation DM to the outbox in that transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.cadence import DailyAt, local_instant
from domain.contracts import SUCCESS_KINDS
from domain.ladders import Step, ladder_from_json
from domain.todo import OpenItem, TodoList, rank
from storage import job_runs, outbox, users
from storage import leads as lead_store
from storage import tasks as store
from storage.db import Database
from storage.models import Task
from storage.outbox import Outgoing
from usecases.leads import LeadDesk, lead_card
from usecases.refusal import Refusal
from usecases.task_book import LEAD_CONTACT, home_key, todo_card_key

TODO_JOB = "todo_card"
SWEEP_BATCH = 500
CARD_BATCH = 500


class TaskError(Refusal):
    """A button or command about a to-do item that cannot act."""


def escalation_key(task_id: int, ladder_round: int, step: int, reader: str) -> str:
    """One escalation DM: a reader told at one step of one round of an item's ladder, once ever."""
    return f"escalation:{task_id}:{ladder_round}:{step}:{reader}"


def as_item(task: Task) -> OpenItem:
    return OpenItem(task.id, task.kind, task.due_at, task.snoozed_until)


@dataclass(frozen=True)
class TodoView:
    """A person's list as shown: the ranked items with their tasks, and how many more there are."""

    tasks: tuple[Task, ...]
    listing: TodoList


async def todo_in(
    session: AsyncSession, team_id: str, user_id: str, tz: str, now: datetime, limit: int
) -> TodoView:
    """`user_id`'s list at `now` read in the caller's session, most urgent first, cut to `limit`."""
    day_ends = _day_end(now, tz)
    open_tasks = await store.open_of(session, team_id, [user_id], due_by=day_ends)
    listing = rank([as_item(task) for task in open_tasks], now, day_ends, limit)
    by_id = {task.id: task for task in open_tasks}
    return TodoView(tuple(by_id[entry.item.item_id] for entry in listing.top), listing)


class TaskDesk:
    """The to-do and escalation use cases."""

    def __init__(self, db: Database, rules: Rules, leads: LeadDesk, default_tz: str):
        self._db = db
        self._rules = rules
        self._leads = leads
        self._default_tz = default_tz

    # lists

    async def todo_for(
        self, team_id: str, user_id: str, tz: str, now: datetime, limit: int | None = None
    ) -> TodoView:
        """`user_id`'s list at `now`, most urgent first."""
        async with self._db.sessions() as session:
            return await todo_in(session, team_id, user_id, tz, now, limit or self._rules.daily.todo_items)

    async def morning_cards(self, now: datetime, replica: str = "") -> int:
        """Queue today's card for every rep whose to-do hour has come, once a day each; returns how many.

        Each rep's slot is claimed in `job_runs` with their card in one transaction, so two replicas
        (or a tick beside a running bot) send one card. No card on the rep's days off, while they are
        away, for deactivated people and bots, or when there is nothing to do.
        """
        async with self._db.sessions() as session:
            owners = await store.owners_with_open(session, now + timedelta(days=1, hours=14))
        by_team: dict[str, list[str]] = defaultdict(list)
        for team_id, owner in owners:
            by_team[team_id].append(owner)
        queued = 0
        for team_id, everyone in by_team.items():
            away = {rep.user_id for rep in await self._leads.roster(team_id) if rep.away}
            owner_ids = [owner for owner in everyone if owner not in away]
            for start in range(0, len(owner_ids), CARD_BATCH):
                queued += await self._cards_for(team_id, owner_ids[start : start + CARD_BATCH], now, replica)
        return queued

    async def _cards_for(self, team_id: str, owner_ids: list[str], now: datetime, replica: str) -> int:
        daily = self._rules.daily
        async with self._db.sessions.begin() as session:
            profiles = await users.many(session, team_id, owner_ids)
            due: dict[str, tuple[datetime, date, datetime]] = {}
            by_zone: dict[tuple[str, time], tuple[datetime, date, datetime] | None] = {}
            for owner in owner_ids:
                profile = profiles.get(owner)
                if profile is not None and (profile.deleted or profile.is_bot):
                    continue
                tz = (profile.tz if profile else None) or self._default_tz
                hour = self._rules.todo_at_for(owner)
                if (tz, hour) not in by_zone:  # the same for everyone in a zone: worked out once per zone
                    by_zone[tz, hour] = self._card_slot(now, tz, hour)
                if (slot := by_zone[tz, hour]) is not None:
                    due[owner] = slot
            if not due:
                return 0
            mine: dict[str, list[OpenItem]] = defaultdict(list)
            for task_id, owner, kind, due_at, snoozed in await store.open_items_of(
                session, team_id, list(due), due_by=max(end for *_, end in due.values())
            ):
                mine[owner].append(OpenItem(task_id, kind, due_at, snoozed))
            listings: dict[str, TodoList] = {}
            for owner, (_, _, day_ends) in due.items():
                listing = rank(mine[owner], now, day_ends, daily.todo_items)
                if not listing.empty:
                    listings[owner] = listing
            # One claim and one insert for the whole batch: a statement per rep cost ~5 ms each.
            claimed = await job_runs.claim_each(
                session, TODO_JOB, {owner: due[owner][0] for owner in listings}, replica, now
            )
            cards = [_todo_card(team_id, owner, due[owner][1], listings[owner]) for owner in sorted(claimed)]
            await outbox.send_each_once(session, cards, now)
        return len(cards)

    def _card_slot(self, now: datetime, tz: str, hour: time) -> tuple[datetime, date, datetime] | None:
        """(today's slot at `hour`, the local day, the day's end) where `tz` is, if a card is due there now."""
        daily = self._rules.daily
        local_now = now.astimezone(ZoneInfo(tz))
        slot = DailyAt(hour).latest_slot(now, tz)
        today = local_now.date()
        if slot.astimezone(ZoneInfo(tz)).date() != today or local_now.time() >= daily.working_until:
            return None
        if not self._rules.calendar.is_working_day(today):
            return None
        return slot, today, _day_end(now, tz)

    # the ladder sweep

    async def sweep(self, now: datetime) -> int:
        """Take every ladder step due at `now`; returns how many were taken (held ones wait for later)."""
        moved = 0
        while True:
            async with self._db.sessions() as session:
                due = await store.due_steps(session, now, SWEEP_BATCH)
            for task_id in due:
                moved += await self._advance(task_id, now)
            if len(due) < SWEEP_BATCH:
                return moved

    async def _advance(self, task_id: int, now: datetime) -> int:
        async with self._db.sessions.begin() as session:
            task = await store.get(session, task_id, for_update=True)
            if task is None or task.next_step_at is None or task.next_step_at > now:
                return 0
            if task.state != store.OPEN:
                await store.move_ladder(session, task, from_step=task.step, values={"next_step_at": None})
                return 0
            if task.snoozed_until is not None and task.snoozed_until > now:
                await store.move_ladder(
                    session, task, from_step=task.step, values={"next_step_at": task.snoozed_until}
                )
                return 0
            steps = ladder_from_json(task.steps)
            if task.step >= len(steps):
                await store.move_ladder(session, task, from_step=task.step, values={"next_step_at": None})
                return 0
            step = steps[task.step]
            readers = self._readers(step, task.owner_id)
            if readers:
                first_tz = await users.zone_of(session, task.team_id, readers[0], self._default_tz)
                opens = self._rules.daily.working_hours.next_open(now, first_tz, self._rules.calendar)
                if opens > now:  # quiet hours or a day off where the reader is: hold, do not drop
                    await store.move_ladder(
                        session, task, from_step=task.step, values={"next_step_at": opens}
                    )
                    return 0
            owner_tz = await users.zone_of(session, task.team_id, task.owner_id, self._default_tz)
            following = task.step + 1
            next_at = (
                steps[following].due(task.anchor_at, self._rules.calendar, owner_tz)
                if following < len(steps)
                else None
            )
            told = [
                *task.told,
                *(
                    {"user": reader, "round": task.ladder_round, "step": task.step, "at": now.isoformat()}
                    for reader in readers
                ),
            ]
            if not await store.move_ladder(
                session,
                task,
                from_step=task.step,
                values={"step": following, "next_step_at": next_at, "told": told, "updated_at": now},
            ):
                return 0
            for reader in readers:
                await outbox.send_once(session, _escalation(task, task.ladder_round, task.step, reader), now)
            return 1

    def _readers(self, step: Step, owner_id: str) -> list[str]:
        leads = self._rules.leads
        if step.rung == "owner":
            return [owner_id]
        if step.rung == "manager" and (managers := leads.managers_of(owner_id)):
            return list(managers)
        # The director rung, and the manager rung of someone with no manager above them (a manager's
        # own late work, an approval waiting on one): the directors hear of it.
        return [director for director in leads.director_ids if director != owner_id]

    async def late_ladders(self, now: datetime, grace: timedelta = timedelta(minutes=5)) -> int:
        """How many ladders have a step more than `grace` overdue: the auditor's figure."""
        async with self._db.sessions() as session:
            return await store.late_ladders(session, now - grace)

    # buttons

    async def done(
        self,
        task_id: int,
        user_id: str,
        now: datetime,
        card_day: str | None = None,
        answer: str | None = None,
    ) -> Task:
        """The owner did it: a follow-up closes, a lead is marked contacted; the card updates in place.
        A customer-success call records whether it solved the customer's problem (`answer`)."""
        async with self._db.sessions.begin() as session:
            task = await self._owned(session, task_id, user_id)
            if task.kind in SUCCESS_KINDS:
                if answer not in ("yes", "no"):
                    raise TaskError("task.answer_required")
                if task.state == store.OPEN:
                    task.answer = answer
            if task.kind == LEAD_CONTACT:
                lead = await lead_store.get(session, task.subject_id, for_update=True)
                if lead is not None and lead.first_contact_at is None and lead.owner_id == user_id:
                    await self._leads.contacted_in(session, lead, user_id, now)
                    await outbox.show(session, lead_card(lead), now)
            store.close(task, store.DONE, user_id, now)  # a lead's contact above may have closed it already
            await self._reshow(session, task, now, card_day)
            return task

    async def snooze(
        self,
        task_id: int,
        user_id: str,
        until: datetime,
        now: datetime,
        card_day: str | None = None,
        *,
        owner_only: bool = False,
    ) -> Task:
        """Put an item (and its ladder) off until `until`: the owner from their card (`owner_only`), or
        also whom an escalation reached."""
        async with self._db.sessions.begin() as session:
            task = await store.get(session, task_id, for_update=True)
            if task is None or task.state != store.OPEN:
                raise TaskError("task.gone")
            allowed = {task.owner_id} if owner_only else {task.owner_id, *_told_users(task)}
            if user_id not in allowed:
                raise TaskError("task.not_yours", owner=task.owner_id)
            task.snoozed_until, task.updated_at = until, now
            if task.next_step_at is not None:
                task.next_step_at = max(task.next_step_at, until)
            await self._reshow(session, task, now, card_day)
            return task

    async def acknowledge(self, task_id: int, user_id: str, now: datetime) -> Task:
        """Whom an escalation reached takes it on: the ladder stops, every copy of the DM says who and when."""
        async with self._db.sessions.begin() as session:
            task = await store.get(session, task_id, for_update=True)
            if task is None:
                raise TaskError("task.gone")
            if user_id not in _told_users(task):
                raise TaskError("task.not_for_you")
            if task.acknowledged_by is None:
                if not await store.move_ladder(
                    session,
                    task,
                    from_step=task.step,
                    values={
                        "acknowledged_by": user_id,
                        "acknowledged_at": now,
                        "next_step_at": None,
                        "updated_at": now,
                    },
                ):
                    raise TaskError("task.gone")
                await session.refresh(task)
                await self._reshow(session, task, now, None)
            return task

    async def owned_task(self, task_id: int, user_id: str) -> Task:
        """An open task of `user_id`'s (for the Log form); anyone else's is refused."""
        async with self._db.sessions() as session:
            return await self._owned(session, task_id, user_id)

    async def _owned(self, session: AsyncSession, task_id: int, user_id: str) -> Task:
        task = await store.get(session, task_id, for_update=True)
        if task is None or task.state != store.OPEN:
            raise TaskError("task.gone")
        if task.owner_id != user_id:
            raise TaskError("task.not_yours", owner=task.owner_id)
        return task

    async def _reshow(self, session: AsyncSession, task: Task, now: datetime, card_day: str | None) -> None:
        """Every message showing the task is updated in place: the day's card, each escalation DM."""
        if card_day:
            await outbox.reshow(session, todo_card_key(task.owner_id, date.fromisoformat(card_day)), now)
        for told in task.told:
            message = _escalation(task, int(told["round"]), int(told["step"]), told["user"])
            await outbox.show(session, message, now)
        await outbox.reshow(session, home_key(task.owner_id), now)


def _todo_card(team_id: str, owner: str, day: date, listing: TodoList) -> Outgoing:
    return Outgoing(
        key=todo_card_key(owner, day),
        kind="todo_card",
        team_id=team_id,
        channel=owner,
        payload={
            "reader": owner,
            "day": day.isoformat(),
            "task_ids": [entry.item.item_id for entry in listing.top],
            "more": listing.more,
        },
    )


def _escalation(task: Task, ladder_round: int, step: int, reader: str) -> Outgoing:
    return Outgoing(
        key=escalation_key(task.id, ladder_round, step, reader),
        kind="escalation",
        team_id=task.team_id,
        channel=reader,
        payload={"reader": reader, "task_id": task.id, "round": ladder_round, "step": step},
    )


def _told_users(task: Task) -> set[str]:
    """Who the current round of the item's ladder has reached: they may acknowledge or snooze it."""
    return {entry["user"] for entry in told_this_round(task)}


def told_this_round(task: Task) -> list[dict]:
    """The escalations of the ladder now running (an earlier owner's or due time's are history)."""
    return [entry for entry in task.told if entry.get("round", 0) == task.ladder_round]


def _day_end(now: datetime, tz: str) -> datetime:
    """The end of `now`'s day where the person is."""
    zone = ZoneInfo(tz)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return local_instant(datetime.combine(tomorrow, datetime.min.time()), zone)
