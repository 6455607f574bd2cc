"""Work on a timer: the job table, and an APScheduler built from it.

Every job takes the services and is idempotent, so two replicas running it in the same minute do no
harm. The console runs the same table against its simulated clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.errors import SlackApiError

from bot.services import Services
from handlers.lead_cards import announce
from storage import threads
from storage.inbox import InboxRepository

INBOX_KEEP = timedelta(days=7)


async def purge_old_messages(services: Services) -> int:
    """Delete thread-store messages never archived within the retention period (rules file)."""
    cutoff = services.clock.now() - timedelta(days=services.rules.archive.retention_days)
    async with services.db.sessions.begin() as session:
        return await threads.purge_unarchived(session, cutoff)


async def purge_processed_inbox(services: Services) -> int:
    """Forget processed deliveries after a week: Slack stops retrying within the hour."""
    return await InboxRepository(services.db).purge(services.clock.now() - INBOX_KEEP)


async def release_uncontacted_leads(services: Services) -> int:
    """Take back leads not contacted in time, route them again without their owner, show the new cards."""
    placements = await services.leads.release_overdue(services.clock.now())
    for placement in placements:
        await announce(services, services.slack, placement, placement.lead.team_id)
    return len(placements)


async def refresh_rep_statuses(services: Services) -> int:
    """Read each rep's Slack status, so a rep on leave stops getting leads without anyone typing a thing."""
    roster = services.rules.leads.routing_table.roster
    if not roster:
        return 0
    team_id = (await services.slack.auth_test())["team_id"]
    statuses = {}
    for rep in roster:
        try:
            profile = (await services.slack.users_info(user=rep.user_id))["user"].get("profile", {})
        except SlackApiError:
            continue  # a rep who left the workspace keeps the rules file's word
        statuses[rep.user_id] = (profile.get("status_text", ""), profile.get("status_emoji", ""))
    return len(await services.leads.note_statuses(team_id, statuses, services.clock.now()))


@dataclass(frozen=True)
class ScheduledJob:
    """A job and how often it runs."""

    name: str
    run: Callable[[Services], Awaitable[object]]
    every: timedelta


JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob("purge_old_messages", purge_old_messages, timedelta(hours=1)),
    ScheduledJob("purge_processed_inbox", purge_processed_inbox, timedelta(hours=6)),
    ScheduledJob("release_uncontacted_leads", release_uncontacted_leads, timedelta(minutes=15)),
    ScheduledJob("refresh_rep_statuses", refresh_rep_statuses, timedelta(minutes=15)),
)


def build_scheduler(services: Services) -> AsyncIOScheduler:
    """An APScheduler running every job of the table on the wall clock, not yet started."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(
            job.run, "interval", seconds=job.every.total_seconds(), args=[services], id=job.name
        )
    return scheduler
