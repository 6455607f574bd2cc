"""Housekeeping on a timer: forget unarchived messages and finished inbox rows.

Every job is idempotent, so two replicas running it at the same minute do no harm.
"""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services import Services
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


def build_scheduler(services: Services) -> AsyncIOScheduler:
    """The scheduler with closeloop's jobs, not yet started."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(purge_old_messages, "interval", hours=1, args=[services], id="purge_old_messages")
    scheduler.add_job(purge_processed_inbox, "interval", hours=6, args=[services], id="purge_processed_inbox")
    return scheduler
