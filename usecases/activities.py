"""Activity records (跟进记录): archive a thread, log a follow-up, edit, undo, pick the customer.

Each use case is one transaction that changes the record *and* queues what Slack must show (the
record's card, the lead's card) in the outbox, so a record is never written without its card
following, nor a card posted for a record that was rolled back. Nothing here calls Slack: the
author's language and time zone are the ones last seen, and the card is rendered when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from config.rules import Rules
from domain.archive import build_summary, parse_archive_request, parse_log_line, plain_text, strip_markup
from domain.calendar import WorkCalendar
from domain.conversation import SeenMessage
from domain.customers import tidy_name
from domain.dates import find_due
from domain.signals import detect_signals
from storage import activities, customers, deals, leads, outbox, threads
from storage.activities import ActivityDraft
from storage.db import Database
from storage.models import Activity
from storage.outbox import Outgoing
from usecases.deals import DealDesk
from usecases.leads import LeadDesk, lead_card
from usecases.refusal import Refusal
from usecases.task_book import TaskBook


class ActivityError(Refusal):
    """A change refused for a reason the person can act on."""


@dataclass(frozen=True)
class Filed:
    """A record as filed, and what its card will say about how it was read."""

    activity: Activity
    unreadable_due: str | None = None
    unknown_customer: str | None = None  # a name typed that matches no customer: ask before creating


@dataclass(frozen=True)
class ChannelLinked:
    """The outcome of `link-channel`: the customer linked, or the typed name no customer matched."""

    customer: str | None
    unknown: str | None = None


@dataclass(frozen=True)
class RecordView:
    """What the Edit form shows of a record."""

    activity: Activity
    customer_name: str | None


@dataclass(frozen=True)
class RecordEdit:
    """The Edit form's answers; a picked date wins over a date written in the next action."""

    customer: str | None
    activity_type: str | None
    summary: str | None
    next_action: str | None
    due_date: str | None  # as typed: 2026-12-03, 下周三, Friday
    blocker: str | None


def record_card(activity: Activity, **details: Any) -> Outgoing:
    """The outbox message that shows `activity` as its card: in its thread, else where it was logged."""
    return Outgoing(
        key=f"record-card:{activity.id}",
        kind="record_card",
        team_id=activity.team_id,
        channel=activity.channel_id,
        thread_ts=activity.thread_ts,
        payload={"activity_id": activity.id, "author": activity.author_id, **details},
    )


class ActivityDesk:
    """The activity use cases, over one database and one rules file."""

    def __init__(self, db: Database, rules: Rules, leads_desk: LeadDesk, tasks: TaskBook, deals: DealDesk):
        self._db = db
        self._rules = rules
        self._leads = leads_desk
        self._tasks = tasks
        self._deals = deals

    # the thread store

    async def note_message(self, message: SeenMessage) -> None:
        """Keep a channel message (or its edit), so its thread can be archived without asking Slack."""
        async with self._db.sessions.begin() as session:
            await threads.save_message(session, message)

    async def forget_message(self, channel_id: str, ts: str) -> None:
        """A message was deleted in Slack: it is no longer part of any archive."""
        async with self._db.sessions.begin() as session:
            await threads.delete_message(session, channel_id, ts)

    async def knows_thread_start(self, message: SeenMessage) -> bool:
        """Whether the first message of `message`'s thread is stored, or is `message` itself (else the
        thread began before the bot joined)."""
        if message.ts == message.thread_ts:
            return True
        async with self._db.sessions() as session:
            return await threads.has_message(session, message.channel_id, message.thread_ts)

    # filing

    async def archive_thread(
        self,
        trigger: SeenMessage,
        author_tz: str,
        now: datetime,
        *,
        fetched: list[SeenMessage] | None = None,
        history_partial: bool = False,
    ) -> Filed:
        """File the thread `trigger` belongs to (or `trigger` alone, at top level) as one record.

        `fetched` are messages read from Slack for a thread that began before the bot joined. One
        transaction: `trigger` kept in the thread store, the record, the thread marked archived, the
        lead's first contact if the owner filed in the lead card's thread, and the cards to show.
        """
        syntax = self._rules.archive_syntax
        request = parse_archive_request(plain_text(trigger.text), syntax)
        due = (
            find_due(request.next_action, trigger.posted_at, author_tz, calendar=self._rules.calendar)
            if request.next_action
            else None
        )
        async with self._db.sessions.begin() as session:
            # Slack's copy of a message is as new as the event's, or newer: it is written last.
            await threads.save_messages(session, [trigger, *(fetched or [])])
            history = await threads.thread_messages(session, trigger.channel_id, trigger.thread_ts)
            human = [plain_text(m.text) for m in history if not m.is_bot]
            full_text = "\n".join(human)
            # Cards are closeloop's own messages: a thread a person began is no card's (its start not
            # stored, it may be).
            root = next((m for m in history if m.ts == trigger.thread_ts), None)
            under_card = root is None or root.is_bot
            # A reply in a lead card's thread is that lead's conversation: the record files against it.
            lead = await leads.by_card(session, trigger.channel_id, trigger.thread_ts) if under_card else None
            # …and a reply in a deal card's thread files against the deal, for its customer.
            deal = await deals.by_card(session, trigger.channel_id, trigger.thread_ts) if under_card else None
            deal_customer = await customers.get(session, deal.customer_id) if deal else None
            named = (
                request.customer
                or (lead.company if lead else None)
                or (deal_customer.name if deal_customer else None)
            )
            explicit = await _customer_named(session, trigger.team_id, named, now) if named else None
            draft = ActivityDraft(
                team_id=trigger.team_id,
                source="thread",
                channel_id=trigger.channel_id,
                thread_ts=trigger.thread_ts,
                message_ts=trigger.ts,
                author_id=trigger.user_id or "",
                customer_id=explicit.id if explicit else None,
                activity_type=request.activity_type,
                summary=build_summary(
                    (strip_markup(m, syntax) for m in human), self._rules.archive.summary_chars
                ),
                full_text=full_text,
                signals=list(detect_signals(full_text, self._rules.signal_rules)),
                next_action=request.next_action,
                due_at=due.due if due else None,
                lead_id=lead.id if lead else None,
                deal_id=deal.id if deal else None,
            )
            record = await activities.upsert_thread_record(session, draft, now)
            if record.customer_id is None:
                inferred = await customers.of_channel_or_text(
                    session, trigger.team_id, trigger.channel_id, full_text
                )
                if inferred is not None:
                    await activities.update_fields(session, record, now, customer_id=inferred.id)
            await threads.mark_archived(session, trigger.channel_id, trigger.thread_ts, archived=True)
            if lead is not None and lead.owner_id == trigger.user_id and lead.first_contact_at is None:
                # The owner logging a follow-up on the lead is its first contact: no extra click needed.
                await self._leads.contacted_in(session, lead, trigger.user_id, now)
                await outbox.show(session, lead_card(lead), now)
            if deal is not None:
                await self._deals.touched(session, deal, deal_customer.name if deal_customer else "", now)
            # The zone the handler read is the trigger's author's: the record's too, unless it is an
            # earlier archiver's (filing a thread again keeps its first author).
            record_tz = author_tz if record.author_id == trigger.user_id else None
            await self._tasks.follow_up(session, record, now, author_tz=record_tz)
            unreadable = request.next_action if request.next_action and due is None else None
            await outbox.show(
                session,
                record_card(record, unreadable_due=unreadable, history_partial=history_partial),
                now,
            )
        return Filed(record, unreadable)

    async def log_follow_up(
        self,
        *,
        team_id: str,
        channel_id: str,
        author_id: str,
        author_tz: str,
        text: str,
        now: datetime,
        blocker: str | None = None,
    ) -> Filed:
        """Record a follow-up typed as one line (`ACME called, next: 3天后 send quote`) and queue its card.

        The customer is a known one the line names (`ACME` finds `ACME Corp`), else the channel's linked
        customer; a name that matches none is not created: the record is filed without a customer and
        `Filed.unknown_customer` says which name to ask about.
        """
        syntax = self._rules.archive_syntax
        plain = plain_text(text)
        explicit = parse_archive_request(plain, syntax).customer
        async with self._db.sessions.begin() as session:
            known = [c.name for c in await customers.list_names(session, team_id, limit=1000)]
            line = parse_log_line(plain, syntax, known)
            customer = await customers.matching(session, team_id, line.customer) if line.customer else None
            unknown = line.customer if customer is None else None
            if customer is None and not explicit:
                customer = await customers.linked_to(session, team_id, channel_id)
                unknown = None if customer else unknown
            due = (
                find_due(line.next_action, now, author_tz, calendar=self._rules.calendar)
                if line.next_action
                else None
            )
            context = "\n".join(part for part in (line.status, blocker) if part)
            record = await activities.create_logged(
                session,
                ActivityDraft(
                    team_id=team_id,
                    source="command",
                    channel_id=channel_id,
                    thread_ts=None,
                    message_ts=None,
                    author_id=author_id,
                    customer_id=customer.id if customer else None,
                    activity_type=None,
                    summary=build_summary([line.status], self._rules.archive.summary_chars),
                    full_text=line.status,
                    signals=list(detect_signals(context, self._rules.signal_rules)),
                    next_action=line.next_action,
                    due_at=due.due if due else None,
                    blocker=blocker,
                ),
                now,
            )
            await self._tasks.follow_up(session, record, now)
            unreadable = line.next_action if line.next_action and due is None else None
            await outbox.show(session, record_card(record, unreadable_due=unreadable), now)
        return Filed(record, unreadable, unknown)

    # changing a record: its author only

    async def for_edit(self, activity_id: int, user_id: str) -> RecordView:
        """The record as the Edit form shows it, if `user_id` may change it."""
        async with self._db.sessions() as session:
            activity = await self._authored(session, activity_id, user_id)
            customer = await customers.get(session, activity.customer_id) if activity.customer_id else None
        return RecordView(activity, customer.name if customer else None)

    async def edit(
        self, activity_id: int, user_id: str, changes: RecordEdit, tz: str, now: datetime
    ) -> Activity:
        """Apply the Edit form; the card updates in place."""
        async with self._db.sessions.begin() as session:
            stored = await self._authored(session, activity_id, user_id)
            # A name typed in the form is deliberate: a known customer it means, else a new one.
            customer = (
                await _customer_named(session, stored.team_id, changes.customer, now)
                if changes.customer
                else None
            )
            activity = await activities.update_fields(
                session,
                stored,
                now,
                customer_id=customer.id if customer else None,
                activity_type=changes.activity_type or stored.activity_type,
                summary=changes.summary or stored.summary,
                next_action=changes.next_action,
                due_at=_due_from_form(changes, stored.due_at, tz, now, self._rules.calendar),
                blocker=changes.blocker,
            )
            await self._tasks.follow_up(session, activity, now)
            await outbox.show(session, record_card(activity), now)
        return activity

    async def undo(self, activity_id: int, user_id: str, now: datetime) -> None:
        """Delete the record; its card says it was undone. Record numbers are not given out again."""
        async with self._db.sessions.begin() as session:
            stored = await self._authored(session, activity_id, user_id)
            if stored.thread_ts:
                await threads.mark_archived(session, stored.channel_id, stored.thread_ts, archived=False)
            undone = Outgoing(
                key=f"record-card:{stored.id}",
                kind="record_undone",
                team_id=stored.team_id,
                channel=stored.channel_id,
                thread_ts=stored.thread_ts,
                payload={"activity_id": stored.id, "by": user_id},
            )
            await self._tasks.record_gone(session, stored, now)
            await activities.delete(session, stored)
            await outbox.show(session, undone, now)

    async def pick_customer(self, activity_id: int, customer_id: int, user_id: str, now: datetime) -> None:
        """The author chose the record's customer from the card's list."""
        async with self._db.sessions.begin() as session:
            stored = await self._authored(session, activity_id, user_id)
            customer = await customers.get(session, customer_id)
            if customer is None or customer.team_id != stored.team_id:
                raise ActivityError("gone")
            activity = await activities.update_fields(session, stored, now, customer_id=customer.id)
            await self._tasks.follow_up(session, activity, now)
            await outbox.show(session, record_card(activity), now)

    async def link_channel(
        self,
        team_id: str,
        channel_id: str,
        customer_name: str,
        user_id: str,
        now: datetime,
        *,
        create: bool = False,
    ) -> ChannelLinked:
        """Dedicate a channel to a customer; records filed there are theirs.

        The name is matched to a known customer first. With no match, nothing changes unless `create`
        (the person confirmed with `--new`): then the customer is created and linked.
        """
        name = tidy_name(plain_text(customer_name))
        async with self._db.sessions.begin() as session:
            if create:
                customer = await _customer_named(session, team_id, name, now)
            else:
                customer = await customers.matching(session, team_id, name)
            if customer is None:
                return ChannelLinked(None, unknown=name)
            await customers.link_channel(session, team_id, channel_id, customer, user_id, now)
        return ChannelLinked(customer.name)

    async def unlink_channel(self, team_id: str, channel_id: str) -> str | None:
        """End the channel's customer link; the customer it had, or None when it had none."""
        async with self._db.sessions.begin() as session:
            customer = await customers.unlink_channel(session, team_id, channel_id)
        return customer.name if customer else None

    async def _authored(self, session: Any, activity_id: int, user_id: str) -> Activity:
        activity = await activities.get(session, activity_id)
        if activity is None:
            raise ActivityError("gone")
        if activity.author_id != user_id:
            raise ActivityError("not_yours", owner=activity.author_id)
        return activity


async def _customer_named(session: Any, team_id: str, name: str, now: datetime) -> Any:
    """The customer a deliberately typed name means: the same name as a known one, else a known one it
    clearly means, else a new customer of that name."""
    found = await customers.matching(session, team_id, name)
    if found is not None:
        return found
    return await customers.find_or_create(session, team_id, tidy_name(name), now)


def _due_from_form(
    changes: RecordEdit, previous: datetime | None, tz: str, now: datetime, calendar: WorkCalendar
) -> datetime | None:
    """The due date typed in the form (a date or plain words, keeping the earlier time of day when
    only a day is given), else a date written in the next action."""
    for text in (changes.due_date, changes.next_action):
        if not text:
            continue
        found = find_due(text, now, tz, calendar=calendar)
        if found is None:
            continue
        if text is changes.due_date and not found.has_time and previous is not None:
            time_of_day = previous.astimezone(ZoneInfo(tz)).timetz().replace(tzinfo=None)
            return datetime.combine(found.due.date(), time_of_day, ZoneInfo(tz))
        return found.due
    return None
