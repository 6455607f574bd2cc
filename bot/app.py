"""Assemble the bot: settings and rules in, a Bolt app with its inbox, workers and listeners out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.authorize import single_workspace
from bot.clock import Clock
from bot.delivery import DeliveryWorker
from bot.directory import SlackDirectory, resolve_names
from bot.heap import settle_start_up_objects
from bot.inbox import EventInbox, InboxWorker
from bot.pacing import Pacer
from bot.people import PeopleDirectory
from bot.render.outgoing import RenderContext
from bot.services import Services
from bot.slack_client import build_web_client, delivery_client, without_token
from config.rules import Rules, load_rules
from config.settings import Settings
from handlers import register_all
from handlers.events import event_handler
from storage.db import Database
from storage.inbox import InboxRepository, open_inbox_writer
from usecases.activities import ActivityDesk
from usecases.contracts import ContractDesk
from usecases.deals import DealDesk
from usecases.digests import DigestDesk
from usecases.dunning import DunningDesk
from usecases.handover import HandoverDesk
from usecases.leads import LeadDesk
from usecases.payments import PaymentDesk
from usecases.quotes import QuoteDesk
from usecases.task_book import TaskBook
from usecases.tasks import TaskDesk

log = logging.getLogger(__name__)

# Sends in flight at once: Slack answers in a few hundred ms, so cards for many threads go side by side.
DELIVERY_CONCURRENCY = 32


class _NoUnusedTokenWarning(logging.Filter):
    """Bolt takes SLACK_BOT_TOKEN from the environment even when given a client and `authorize`, then
    warns at every start that it will not use it; closeloop authorizes each request on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_NoUnusedTokenWarning())

STOP_WITHIN = 6.0  # seconds; SIGTERM must end `closeloop run` within 10


@dataclass
class Bot:
    """A running closeloop: the Bolt app, its two workers, and what it was built from."""

    app: AsyncApp
    services: Services
    inbox: EventInbox
    worker: InboxWorker
    delivery: DeliveryWorker
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start_workers(self) -> None:
        """Start handling stored events and sending the outbox in the background."""
        settle_start_up_objects()
        self._tasks = [
            asyncio.create_task(self.worker.run(), name="closeloop-inbox-worker"),
            asyncio.create_task(self.delivery.run(), name="closeloop-delivery-worker"),
        ]

    async def stop_workers(self) -> None:
        """Stop claiming, let what is under way finish or hand it back, and return within seconds.

        Rows a worker holds are released, so another replica takes them at once rather than after
        their lease; a task still running after the limit is cancelled, never waited on forever.
        """
        await self.worker.stop()
        await self.delivery.stop()
        if not self._tasks:
            return
        _done, late = await asyncio.wait(self._tasks, timeout=STOP_WITHIN)
        for task in late:
            log.warning("%s did not stop in time; cancelling it", task.get_name())
            task.cancel()
        if late:
            await asyncio.wait(late, timeout=1)
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                log.error("%s ended with %r", task.get_name(), task.exception())
        self._tasks = []

    async def settle(self) -> None:
        """Handle every stored event and send everything due, then return (the console, `tick`)."""
        await self.worker.drain()
        await self.delivery.deliver_due()

    async def close(self) -> None:
        """Stop the workers, release the inbox writer and the database pool."""
        await self.stop_workers()
        with contextlib.suppress(Exception):
            await self.inbox.close()
        await self.services.db.dispose()


async def open_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rules: Rules | None = None,
    client: AsyncWebClient | None = None,
    answer_after_work: bool = False,
) -> Bot:
    """`build_bot`, once the channels and people the rules file names by name have their Slack IDs.

    Names are looked up here, at start, never on the request path; a rules file that gives IDs only
    costs no Slack call. A name Slack does not know is logged and left out (a pool whose channel is
    unknown posts no cards). Raises `DirectoryError` when Slack cannot be asked at all.
    """
    rules = rules or load_rules(settings.closeloop_rules)
    client = client or build_web_client(settings.slack_bot_token or "", settings.slack_api_url)
    resolution = await resolve_names(rules, SlackDirectory(client), settings.closeloop_lang)
    for problem in resolution.problems:
        log.warning("%s", problem.message)
    return build_bot(
        settings, clock=clock, rules=resolution.rules, client=client, answer_after_work=answer_after_work
    )


def build_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rules: Rules | None = None,
    client: AsyncWebClient | None = None,
    answer_after_work: bool = False,
) -> Bot:
    """Wire settings, rules, storage and Slack into a ready app (the schema must already be migrated).

    `client` replaces the Web API client, which is how the console answers in Slack's place. Names in
    the rules are taken as they are: `open_bot` looks them up first.
    `answer_after_work` makes buttons and forms answer only once their listener is done, which the
    console wants (it shows what happened next); over HTTP they ack at once and work after.
    """
    clock = clock or Clock()
    rules = rules or load_rules(settings.closeloop_rules)
    database = Database(settings.database_url)
    client = client or build_web_client(settings.slack_bot_token or "", settings.slack_api_url)
    people = PeopleDirectory(database, settings.closeloop_lang, settings.closeloop_tz)
    book = TaskBook(rules, settings.closeloop_tz)
    leads = LeadDesk(database, rules.leads, book)
    deals = DealDesk(database, rules, book)
    quotes = QuoteDesk(database, rules, deals, book, settings.closeloop_tz)
    services = Services(
        settings=settings,
        rules=rules,
        db=database,
        clock=clock,
        people=people,
        leads=leads,
        activities=ActivityDesk(database, rules, leads, book, deals),
        tasks=TaskDesk(database, rules, leads, settings.closeloop_tz),
        digests=DigestDesk(database, rules, settings.closeloop_tz),
        deals=deals,
        quotes=quotes,
        contracts=ContractDesk(database, rules, book, settings.closeloop_tz),
        payments=PaymentDesk(database, rules, book),
        dunning=DunningDesk(database, rules, book),
        handovers=HandoverDesk(database, rules, book, quotes),
        slack=client,
    )
    inbox = EventInbox(open_inbox_writer(database), clock)
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret or "socket-mode-needs-no-signing-secret",
        # Bolt gives each request a client built from this one's settings and the authorized token.
        client=without_token(client),
        authorize=single_workspace(settings.slack_bot_token or "", client),
        before_authorize=inbox.before_authorize,
        process_before_response=answer_after_work,
        request_verification_enabled=not settings.socket_mode,
    )
    register_all(app, services)
    worker = InboxWorker(
        event_handler(services),
        inbox,
        InboxRepository(database, lease=timedelta(seconds=settings.closeloop_inbox_lease_seconds)),
        clock,
    )
    # A send must be over, one way or the other, well within its lease: another replica takes a
    # lapsed row over and, finding no post yet, would post as well.
    lease = timedelta(seconds=settings.closeloop_inbox_lease_seconds)
    sender = delivery_client(client, timeout=min(float(client.timeout), lease.total_seconds() / 3))
    delivery = DeliveryWorker(
        database,
        RenderContext(
            db=database, people=people, client=sender, rules=rules, settings=settings, now=clock.now
        ),
        clock,
        Pacer(settings.closeloop_post_rate),
        give_way=inbox.give_way,
        lease=lease,
        concurrency=DELIVERY_CONCURRENCY,
    )
    return Bot(app=app, services=services, inbox=inbox, worker=worker, delivery=delivery)
