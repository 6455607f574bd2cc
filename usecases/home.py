"""App Home: a person's list, always current, their away / back switch, and a manager's team at a glance.

Opening the Home tab queues the person's Home view in the outbox (`open_home`); every later change of
one of their items, or of their roster status, queues it again under the same key (`home_key`), and
the delivery worker publishes it rendered from what `home_contents` reads at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.collection import Collection
from domain.leads import apply_overrides
from storage import delegations, outbox
from storage import leads as lead_store
from storage import roster as roster_store
from storage import tasks as task_store
from storage.db import Database
from storage.models import Task
from storage.outbox import Outgoing
from usecases.collection import month_collection
from usecases.quotes import DelegationView
from usecases.task_book import FIRST_CONTACT_LIMIT, home_key
from usecases.tasks import TodoView, todo_in

HOME_ITEMS = 20  # the Home tab has room for more than the morning card's three
FIGURES_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class TeamFigures:
    """A manager's team now: first contacts within 24 h over the last 7 days, breaches, loads, the oldest item.

    `assigned` counts the leads whose first 24 h are over or that were contacted already (a lead
    assigned an hour ago and not yet called is neither in time nor late); `in_time` those of them
    contacted within 24 h. `breaches`: open items whose ladder has told someone and nobody has
    acknowledged. `oldest`: the open item most overdue, if any is.
    """

    assigned: int
    in_time: int
    breaches: int
    open_leads: tuple[tuple[str, int], ...]  # (rep, leads assigned and not yet contacted), roster order
    oldest: Task | None

    @property
    def rate(self) -> float | None:
        """The share contacted within 24 h; None when no lead has had its 24 h yet."""
        return self.in_time / self.assigned if self.assigned else None


@dataclass(frozen=True)
class Approvals:
    """An approver's part of their Home: the delegation of their approvals that runs now, if any."""

    delegation: DelegationView | None = None


@dataclass(frozen=True)
class HomeContents:
    """What a person's Home shows: their list, whether they take leads (None: not on the roster), their team."""

    todo: TodoView
    taking_leads: bool | None
    team: TeamFigures | None
    # For someone who approves quotes (a manager, a member of an approval group): their delegation, if
    # one runs; None for everyone else, whose Home has no approvals section.
    approvals: Approvals | None = None
    # Collection this month: the person's own contracts, or for a manager their reps' too.
    money: Collection | None = None


def home_message(team_id: str, user_id: str) -> Outgoing:
    """The outbox row of a person's Home view."""
    return Outgoing(key=home_key(user_id), kind="home", team_id=team_id, channel=user_id)


async def open_home(db: Database, team_id: str, user_id: str, now: datetime) -> None:
    """The person opened the Home tab: publish it as it stands now (created on the first open)."""
    async with db.sessions.begin() as session:
        await outbox.show(session, home_message(team_id, user_id), now)


async def home_contents(
    db: Database, rules: Rules, team_id: str, user_id: str, tz: str, now: datetime
) -> HomeContents:
    """Everything `user_id`'s Home shows at `now`, read in one session."""
    async with db.sessions() as session:
        todo = await todo_in(session, team_id, user_id, tz, now, HOME_ITEMS)
        taking_leads = await _taking_leads(session, rules, team_id, user_id)
        team = await team_figures(session, rules, team_id, user_id, now) if _manages(rules, user_id) else None
        approvals = await _approvals(session, rules, team_id, user_id, now)
        money, _ = await month_collection(session, rules, team_id, _money_owners(rules, user_id), now, tz)
    return HomeContents(todo, taking_leads, team, approvals, None if money.empty else money)


def _money_owners(rules: Rules, user_id: str) -> set[str]:
    """Whose contracts count on someone's Home: their own, and a manager's reps'."""
    reps = {
        rep.user_id
        for rep in rules.leads.routing_table.roster
        if user_id in rules.leads.managers_of(rep.user_id)
    }
    return {user_id, *reps}


async def _approvals(
    session: AsyncSession, rules: Rules, team_id: str, user_id: str, now: datetime
) -> Approvals | None:
    running = [d for d in await delegations.in_force(session, team_id, now) if d.from_id == user_id]
    if running:
        return Approvals(DelegationView(running[-1].to_id, running[-1].until_at))
    approvers = {
        *rules.leads.manager_ids,
        *(m for group in rules.approvals.groups for m in rules.approvals.group(group)),
    }
    return Approvals() if user_id in approvers else None


async def team_figures(
    session: AsyncSession, rules: Rules, team_id: str, manager_id: str, now: datetime
) -> TeamFigures:
    """The figures of the reps whose late work reaches `manager_id`, read by rep from the indexes."""
    reps = [
        rep.user_id
        for rep in rules.leads.routing_table.roster
        if manager_id in rules.leads.managers_of(rep.user_id)
    ]
    if not reps:
        return TeamFigures(0, 0, 0, (), None)
    assigned = in_time = 0
    for _owner, assigned_at, contacted_at in await lead_store.assigned_since(
        session, team_id, reps, now - FIGURES_WINDOW
    ):
        if contacted_at is not None and contacted_at - assigned_at <= FIRST_CONTACT_LIMIT:
            in_time += 1
            assigned += 1
        elif contacted_at is not None or now - assigned_at > FIRST_CONTACT_LIMIT:
            assigned += 1
    open_tasks = await task_store.open_of(session, team_id, reps)
    breaches = sum(1 for task in open_tasks if task.told and task.acknowledged_by is None)
    late = [task for task in open_tasks if task.due_at <= now]
    oldest = min(late, key=lambda task: (task.due_at, task.id)) if late else None
    counts = await lead_store.open_counts(session, team_id, reps)
    return TeamFigures(assigned, in_time, breaches, tuple((rep, counts.get(rep, 0)) for rep in reps), oldest)


def _manages(rules: Rules, user_id: str) -> bool:
    return user_id in rules.leads.manager_ids


async def _taking_leads(session: AsyncSession, rules: Rules, team_id: str, user_id: str) -> bool | None:
    """Whether a rep on the roster takes leads now (their own away flag and Slack status applied)."""
    entry = [rep for rep in rules.leads.routing_table.roster if rep.user_id == user_id]
    if not entry:
        return None
    [rep] = apply_overrides(tuple(entry), await roster_store.overrides(session, team_id))
    return not rep.away
