"""Work on a timer: the job table, and the tick that runs whatever is due, once for the whole cluster.

APScheduler only triggers: each replica ticks every few seconds, and a tick claims each due slot in
the `job_runs` table before running it, so two replicas (or a restart, or `closeloop tick` beside a
running bot) never run one slot twice. What a job sends goes through the outbox. The console and
`closeloop tick --at` run the same table against their own clocks.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.errors import SlackApiError

from bot.services import Services
from domain.cadence import DailyAt, Every
from storage import job_runs, outbox, threads
from storage.inbox import InboxRepository

log = logging.getLogger(__name__)

INBOX_KEEP = timedelta(days=7)
OUTBOX_KEEP = timedelta(days=90)
TICK_SECONDS = 15
REPLICA = f"{socket.gethostname()}:{os.getpid()}"


async def purge_old_messages(services: Services, now: datetime) -> int:
    """Delete thread-store messages never archived within the retention period (rules file)."""
    cutoff = now - timedelta(days=services.rules.archive.retention_days)
    async with services.db.sessions.begin() as session:
        return await threads.purge_unarchived(session, cutoff)


async def purge_processed_inbox(services: Services, now: datetime) -> int:
    """Forget processed deliveries after a week: Slack stops retrying within the hour."""
    return await InboxRepository(services.db).purge(now - INBOX_KEEP)


async def purge_sent_outbox(services: Services, now: datetime) -> int:
    """Forget messages sent more than 90 days ago (the notifications export reads what is kept)."""
    async with services.db.sessions.begin() as session:
        return await outbox.purge_sent(session, now - OUTBOX_KEEP)


async def release_uncontacted_leads(services: Services, now: datetime) -> int:
    """Take back leads not contacted in time and route them again; the desk queues the new cards."""
    return len(await services.leads.release_overdue(now))


async def widen_first_offers(services: Services, now: datetime) -> int:
    """Open S/A offers whose first window (reps below their fair share) has ended to everyone eligible."""
    return len(await services.leads.widen_offers(now))


async def refresh_rep_statuses(services: Services, now: datetime) -> int:
    """Read each rep's Slack status, so a rep on leave stops getting leads (and morning cards) without
    anyone typing a thing; their profile is remembered too, so a deactivated rep gets no card."""
    roster = services.rules.leads.routing_table.roster
    if not roster:
        return 0
    team_id = (await services.slack.auth_test())["team_id"]
    statuses = {}
    for rep in roster:
        try:
            user = (await services.slack.users_info(user=rep.user_id, include_locale=True))["user"]
        except SlackApiError:
            continue  # a rep who left the workspace keeps the rules file's word
        # Their zone, language and whether they were deactivated, fresh for the morning cards.
        await services.people.remember(team_id, user, now)
        profile = user.get("profile", {})
        statuses[rep.user_id] = (profile.get("status_text", ""), profile.get("status_emoji", ""))
    return len(await services.leads.note_statuses(team_id, statuses, now))


async def send_todo_cards(services: Services, now: datetime) -> int:
    """Each rep's card at their own to-do hour (09:00 by default), once a day; each rep's slot is
    claimed on its own, so the job itself runs often and costs little when nobody is due."""
    return await services.tasks.morning_cards(now, REPLICA)


async def sweep_ladders(services: Services, now: datetime) -> int:
    """Take every escalation step that is due: reads only the due rows, whatever the table holds."""
    return await services.tasks.sweep(now)


async def hand_back_delegations(services: Services, now: datetime) -> int:
    """Delegations whose last day is over: what is still pending goes back to the approver."""
    return await services.quotes.hand_back_expired(now)


async def sweep_dunning(services: Services, now: datetime) -> int:
    """Move each unpaid instalment whose dunning level changes by now: reads only those rows."""
    return await services.dunning.sweep(now)


async def audit_ladders(services: Services, now: datetime) -> int:
    """Say in the log when ladders fall behind (a step more than 5 minutes late): a stuck sweep shows."""
    late = await services.tasks.late_ladders(now)
    if late:
        log.warning("%d escalation step(s) are more than 5 minutes late", late)
    return late


async def _team_id(services: Services) -> str:
    return str((await services.slack.auth_test())["team_id"])


async def send_daily_digests(services: Services, now: datetime) -> int:
    """Each digest channel's summary at `[daily] digest_at` (team zone), once per channel and day; the
    job runs every minute and costs one read while nothing is due (Slack is asked only when it is)."""
    return await services.digests.post_daily(lambda: _team_id(services), now, REPLICA)


async def send_weekly_reports(services: Services, now: datetime) -> int:
    """Each digest channel's report on last week, Mondays at `[daily] weekly_at` (team zone)."""
    return await services.digests.post_weekly(lambda: _team_id(services), now, REPLICA)


@dataclass(frozen=True)
class ScheduledJob:
    """A job and its cadence (daily jobs run in the team's time zone, `CLOSELOOP_TZ`)."""

    name: str
    run: Callable[[Services, datetime], Awaitable[object]]
    cadence: Every | DailyAt


JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob("purge_old_messages", purge_old_messages, Every(timedelta(hours=1))),
    ScheduledJob("purge_processed_inbox", purge_processed_inbox, Every(timedelta(hours=6))),
    ScheduledJob("purge_sent_outbox", purge_sent_outbox, DailyAt(time(3, 0))),
    ScheduledJob("release_uncontacted_leads", release_uncontacted_leads, Every(timedelta(minutes=15))),
    ScheduledJob("refresh_rep_statuses", refresh_rep_statuses, Every(timedelta(minutes=15))),
    ScheduledJob("widen_first_offers", widen_first_offers, Every(timedelta(minutes=1))),
    ScheduledJob("send_todo_cards", send_todo_cards, Every(timedelta(minutes=5))),
    ScheduledJob("sweep_ladders", sweep_ladders, Every(timedelta(minutes=1))),
    ScheduledJob("sweep_dunning", sweep_dunning, Every(timedelta(minutes=5))),
    ScheduledJob("audit_ladders", audit_ladders, Every(timedelta(minutes=5))),
    ScheduledJob("hand_back_delegations", hand_back_delegations, Every(timedelta(minutes=5))),
    ScheduledJob("send_daily_digests", send_daily_digests, Every(timedelta(minutes=1))),
    ScheduledJob("send_weekly_reports", send_weekly_reports, Every(timedelta(minutes=1))),
)


async def run_due_jobs(
    services: Services, now: datetime, jobs: tuple[ScheduledJob, ...] = JOBS, replica: str = REPLICA
) -> list[str]:
    """Run each job whose latest slot at `now` nobody has claimed yet; returns the names run.

    A job that fails is logged and its slot stays spent: the next slot tries again, which is what a
    timer would do, and no run is ever repeated.
    """
    ran = []
    for job in jobs:
        slot = job.cadence.latest_slot(now, services.settings.closeloop_tz)
        async with services.db.sessions.begin() as session:
            if not await job_runs.claim(session, job.name, slot, replica, now):
                continue
        error = None
        try:
            await job.run(services, now)
        except Exception as failure:
            log.exception("scheduled job %s (slot %s) failed", job.name, slot.isoformat())
            error = repr(failure)
        async with services.db.sessions.begin() as session:
            await job_runs.finish(session, job.name, slot, now, error)
        ran.append(job.name)
    return ran


def build_scheduler(services: Services, tick_seconds: float = TICK_SECONDS) -> AsyncIOScheduler:
    """An APScheduler that only triggers: a tick every few seconds runs what the job table says is due."""
    scheduler = AsyncIOScheduler(timezone="UTC")

    async def tick() -> None:
        try:
            await run_due_jobs(services, services.clock.now())
        except Exception:
            log.exception("scheduler tick failed")

    scheduler.add_job(
        tick, "interval", seconds=tick_seconds, id="closeloop-tick", max_instances=1, coalesce=True
    )
    return scheduler
