"""Digests: each pool or team channel's daily summary and Monday report, counted and queued once.

A pool's channel sees its pool's leads and its members' records and items; a `[daily] digest_channels`
channel sees the whole team. The daily digest covers the 24 hours up to its time (yesterday's 18:00
to today's), so nothing falls between two digests; the weekly report covers the ISO week before the
Monday it is posted on, against the week before that. Each channel's slot is claimed in `job_runs`
in the transaction that queues its summary, so two replicas post one; a quiet period posts nothing.
The summary's details follow in its thread: the summary kind's `remember` hook queues them
(`queue_details`) when the summary is marked sent, knowing its ts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.cadence import local_instant
from domain.collection import Collection
from domain.digest import (
    CONTACT_WINDOW,
    Figures,
    Handoff,
    Period,
    contact_tally,
    finished_within,
    latest_daily_slot,
    latest_weekly_slot,
    week_before,
)
from storage import digests as store
from storage import job_runs, outbox
from storage.db import Database
from storage.outbox import ClaimedMessage, Outgoing
from usecases.collection import month_collection

DAILY_JOB, WEEKLY_JOB = "digest_daily", "digest_weekly"
DETAIL_LINES = 15  # per list in the thread; the summary gives the full counts
OPEN_ITEMS = 5
Outcome = Literal["posted", "quiet", "no_digest"]
TeamId = Callable[[], Awaitable[str]]  # asked only when some channel is due (a Slack call, at the edge)


@dataclass(frozen=True)
class Scope:
    """What one channel's digest counts: some pools and their members' work, or (None) the whole team."""

    channel: str
    pools: frozenset[str] | None = None
    owners: frozenset[str] | None = None

    @property
    def team_wide(self) -> bool:
        return self.pools is None


def digest_scopes(rules: Rules) -> dict[str, Scope]:
    """Every channel that gets digests, by channel ID: each pool's channel, then `[daily] digest_channels`.

    A channel named in `digest_channels` gets the whole team's digest, even if a pool posts there too.
    """
    table = rules.leads.routing_table
    roster = frozenset(rep.user_id for rep in table.roster)
    pools: dict[str, set[str]] = {}
    owners: dict[str, set[str]] = {}
    for pool in (*table.pools, table.default_pool):
        if pool.channel_id:
            pools.setdefault(pool.channel_id, set()).add(pool.id)
            owners.setdefault(pool.channel_id, set()).update(pool.members or roster)
    scopes = {
        channel: Scope(channel, frozenset(ids), frozenset(owners[channel]) if owners[channel] else None)
        for channel, ids in pools.items()
    }
    for ref in rules.daily.digest_channels:
        if ref.id:
            scopes[ref.id] = Scope(ref.id)
    return scopes


def digest_day(slot: datetime, tz: str, at: time) -> Period:
    """The 24 hours a daily digest due at `slot` covers: from the day before's digest time to `slot`."""
    day = slot.astimezone(ZoneInfo(tz)).date()
    start = local_instant(datetime.combine(day - timedelta(days=1), at), ZoneInfo(tz))
    return Period(start, slot, day, 1, tz)


def iso_week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class DigestDesk:
    """The digest use cases: the scheduled daily and weekly posts, and a manager's `digest now`."""

    def __init__(self, db: Database, rules: Rules, tz: str):
        self._db = db
        self._rules = rules
        self._tz = tz
        self.scopes = digest_scopes(rules)

    # scheduled

    def daily_slot(self, now: datetime) -> datetime:
        return latest_daily_slot(now, self._tz, self._rules.daily.digest_at)

    def weekly_slot(self, now: datetime) -> datetime:
        return latest_weekly_slot(now, self._tz, self._rules.daily.weekly_at)

    async def unclaimed(self, job: str, slot: datetime) -> list[str]:
        """The digest channels whose run of `job` at `slot` nobody has claimed yet (cheap: one read)."""
        if not self.scopes:
            return []
        async with self._db.sessions() as session:
            taken = await job_runs.claimed_subjects(session, job, slot)
        return [channel for channel in self.scopes if channel not in taken]

    async def post_daily(self, team: TeamId, now: datetime, replica: str = "") -> int:
        """Queue the daily digest of every channel whose slot at `now` is unclaimed; returns how many."""
        slot = self.daily_slot(now)
        period = digest_day(slot, self._tz, self._rules.daily.digest_at)
        return await self._post_due(team, DAILY_JOB, slot, period, now, replica, "digest")

    async def post_weekly(self, team: TeamId, now: datetime, replica: str = "") -> int:
        """Queue last week's report (against the week before) for every channel not yet done this Monday."""
        slot = self.weekly_slot(now)
        return await self._post_due(
            team, WEEKLY_JOB, slot, week_before(slot, self._tz), now, replica, "weekly"
        )

    async def _post_due(
        self, team: TeamId, job: str, slot: datetime, period: Period, now: datetime, replica: str, prefix: str
    ) -> int:
        channels = await self.unclaimed(job, slot)
        if not channels:
            return 0
        team_id = await team()
        label = iso_week_label(period.first_day) if period.days == 7 else period.first_day.isoformat()
        posted = 0
        for channel in channels:
            posted += await self._post(
                team_id,
                self.scopes[channel],
                period,
                now,
                f"{prefix}:{channel}:{label}",
                claim=(job, slot, replica),
                weekly=period.days == 7,
            )
        return posted

    # on demand

    async def post_now(self, team_id: str, channel: str, now: datetime, request_id: str) -> Outcome:
        """Today's digest so far for `channel`, at once (the scheduled one still goes out at its time)."""
        scope = self.scopes.get(channel)
        if scope is None:
            return "no_digest"
        start = self.daily_slot(now)
        day = now.astimezone(ZoneInfo(self._tz)).date()
        period = Period(start, now, day, 1, self._tz)
        key = f"digest-now:{channel}:{request_id}"
        return "posted" if await self._post(team_id, scope, period, now, key) else "quiet"

    # the work

    async def _post(
        self,
        team_id: str,
        scope: Scope,
        period: Period,
        now: datetime,
        key: str,
        *,
        claim: tuple[str, datetime, str] | None = None,
        weekly: bool = False,
    ) -> int:
        async with self._db.sessions.begin() as session:
            if claim is not None:
                job, slot, replica = claim
                if not await job_runs.claim(session, job, slot, replica, now, subject=scope.channel):
                    return 0
            figures, details = await self._count(session, team_id, scope, period)
            if figures.quiet:
                return 0
            previous = None
            if weekly:
                previous, _ = await self._count(session, team_id, scope, period.before())
            money, late_reasons = await self._money(session, team_id, scope, period)
            details["late_reasons"] = late_reasons
            payload = {
                "money": money.to_json(),
                "period": "week" if weekly else "day",
                "first_day": period.first_day.isoformat(),
                "days": period.days,
                "pools": None if scope.pools is None else sorted(scope.pools),
                "figures": figures.to_json(),
                "chain_days": self._rules.approvals.chain_working_days,
                "previous": previous.to_json() if previous else None,
                "details": details,
            }
            message = Outgoing(
                key=key, kind="digest", team_id=team_id, channel=scope.channel, payload=payload
            )
            return int(await outbox.send_once(session, message, now))

    async def _money(
        self, session: AsyncSession, team_id: str, scope: Scope, period: Period
    ) -> tuple[Collection, list[list[str]]]:
        """Collection this month up to the period's end (the team's month), and the late payments
        whose reason is written (they are off red, and the managers should read why)."""
        return await month_collection(session, self._rules, team_id, scope.owners, period.end, self._tz)

    async def _count(
        self, session: AsyncSession, team_id: str, scope: Scope, period: Period
    ) -> tuple[Figures, dict[str, Any]]:
        """The period's figures for the scope, and the lists its thread shows."""
        start, end, pools, owners = period.start, period.end, scope.pools, scope.owners
        arrived = await store.new_leads(session, team_id, start, end, pools)
        handed = [
            (decision, lead)
            for decision, lead in await store.lead_moves(
                session, team_id, start - CONTACT_WINDOW, end, store.HANDED_OVER, pools
            )
            if decision.owner_id
        ]
        contacts = contact_tally(
            (
                Handoff(
                    decision.decided_at,
                    lead.first_contact_at if lead.owner_id == decision.owner_id else None,
                )
                for decision, lead in handed
            ),
            start,
            end,
        )
        released = await store.lead_moves(session, team_id, start, end, store.RELEASES, pools)
        records = await store.records_by_author(session, team_id, start, end, owners)
        breached = [
            task
            for task in await store.touched_escalated(session, team_id, start, end, owners)
            if task.told and start <= datetime.fromisoformat(task.told[0]["at"]) < end
        ]
        open_total, top = await store.open_items(session, team_id, owners, OPEN_ITEMS)
        chains = await store.chains_settled(session, team_id, start, end, owners)
        limit = self._rules.approvals.chain_working_days
        on_time = sum(
            1
            for submitted, decided in chains
            if finished_within(submitted, decided, limit, self._rules.calendar, self._tz)
        )
        figures = Figures(
            new_leads=dict(Counter(lead.grade for lead in arrived)),
            assigned=sum(1 for decision, _ in handed if decision.decided_at >= start),
            contacted_in_time=contacts.in_time,
            contact_settled=contacts.settled,
            breaches=len(breached),
            releases=len(released),
            records=sum(records.values()),
            chains_settled=len(chains),
            chains_on_time=on_time,
            payments=await store.payments_received(session, team_id, start, end, owners),
        )
        details = {
            "new": [[lead.id, lead.company, lead.grade, lead.owner_id] for lead in arrived[:DETAIL_LINES]],
            "released": [
                [lead.id, lead.company, decision.owner_id] for decision, lead in released[:DETAIL_LINES]
            ],
            "breaches": [[task.title, task.customer, task.owner_id] for task in breached[:DETAIL_LINES]],
            "records": sorted(records.items(), key=lambda item: (-item[1], item[0]))[:DETAIL_LINES],
            "open_total": open_total,
            "open": [[task.title, task.customer, task.owner_id, task.due_at.isoformat()] for task in top],
        }
        return figures, details


async def queue_details(session: AsyncSession, summary: ClaimedMessage, channel: str, ts: str) -> None:
    """The summary is out at (channel, ts): queue its details as a reply in its thread, once.

    Runs in the transaction that marks the summary sent, so the details are queued if and only if the
    summary is known to be posted, and their key makes a second call a no-op.
    """
    details = Outgoing(
        f"{summary.key}:details", "digest_details", summary.team_id, channel, summary.payload, thread_ts=ts
    )
    await outbox.send_once(session, details, summary.pending_since)
