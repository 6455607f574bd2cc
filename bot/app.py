"""Assemble the bot: settings and rules in, a Bolt app with its inbox, worker and listeners out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.inbox import EventInbox, InboxWorker
from bot.leads.desk import LeadDesk
from bot.people import PeopleDirectory
from bot.services import Services
from bot.slack_client import build_web_client
from config.rules import Rules, load_rules
from config.settings import Settings
from handlers import register_all
from storage.db import Database
from storage.inbox import InboxRepository, open_inbox_writer


@dataclass
class Bot:
    """A running closeloop: the Bolt app plus what it was built from."""

    app: AsyncApp
    services: Services
    inbox: EventInbox
    worker: InboxWorker

    async def close(self) -> None:
        """Release the inbox writer and the database pool."""
        await self.inbox.close()
        await self.services.db.dispose()


def build_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rules: Rules | None = None,
    client: AsyncWebClient | None = None,
) -> Bot:
    """Wire settings, rules, storage and Slack into a ready app (the schema must already be migrated).

    `client` replaces the Web API client, which is how the console answers in Slack's place.
    """
    clock = clock or Clock()
    rules = rules or load_rules(settings.closeloop_rules)
    database = Database(settings.database_url)
    client = client or build_web_client(settings.slack_bot_token or "", settings.slack_api_url)
    services = Services(
        settings=settings,
        rules=rules,
        db=database,
        clock=clock,
        people=PeopleDirectory(database, settings.closeloop_lang, settings.closeloop_tz),
        leads=LeadDesk(database, rules.leads),
        slack=client,
    )
    inbox = EventInbox(open_inbox_writer(database), clock)
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret or "socket-mode-needs-no-signing-secret",
        client=client,
        before_authorize=inbox.before_authorize,
        # Listeners finish before the response: events are already acked by the inbox, and commands,
        # buttons and forms must answer with what the listener decided (modal errors, replies).
        process_before_response=True,
        request_verification_enabled=not settings.socket_mode,
    )
    register_all(app, services)
    worker = InboxWorker(
        app,
        inbox,
        InboxRepository(database, lease=timedelta(seconds=settings.closeloop_inbox_lease_seconds)),
        clock,
    )
    return Bot(app=app, services=services, inbox=inbox, worker=worker)
