"""`#archive` in a thread: turn the conversation into an activity record and show its card."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import Services
from domain.archive import build_summary, parse_archive_request, plain_text, strip_markup
from domain.dates import find_due
from domain.signals import detect_signals
from handlers.lead_cards import show_lead
from handlers.records import show_record
from storage import activities, customers, leads, threads
from storage.activities import ActivityDraft
from storage.threads import SeenMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThreadHistory:
    """A thread's messages, and whether some of them could not be read."""

    messages: list[SeenMessage]
    partial: bool


async def archive_thread(services: Services, client: AsyncWebClient, trigger: SeenMessage) -> None:
    """File the thread `trigger` belongs to (or `trigger` alone, at top level) as one record."""
    now = services.clock.now()
    author = await services.people.lookup(client, trigger.team_id, trigger.user_id or "", now)
    history = await _thread_history(services, client, trigger)
    syntax = services.rules.archive_syntax
    request = parse_archive_request(plain_text(trigger.text), syntax)
    human = [plain_text(m.text) for m in history.messages if not m.is_bot]
    full_text = "\n".join(human)
    due = find_due(request.next_action, trigger.posted_at, author.tz) if request.next_action else None
    permalink = await _permalink(client, trigger.channel_id, trigger.thread_ts)

    async with services.db.sessions.begin() as session:
        # A reply in a lead card's thread is that lead's conversation: the record files against it.
        lead = await leads.by_card(session, trigger.channel_id, trigger.thread_ts)
        named = request.customer or (lead.company if lead else None)
        explicit = await customers.find_or_create(session, trigger.team_id, named, now) if named else None
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
                (strip_markup(m, syntax) for m in human), services.rules.archive.summary_chars
            ),
            full_text=full_text,
            signals=list(detect_signals(full_text, services.rules.signal_rules)),
            next_action=request.next_action,
            due_at=due.due if due else None,
            permalink=permalink,
            lead_id=lead.id if lead else None,
        )
        record = await activities.upsert_thread_record(session, draft, now)
        if record.customer_id is None:
            inferred = await customers.linked_to(session, trigger.team_id, trigger.channel_id) or (
                await customers.named_in(session, trigger.team_id, full_text)
            )
            if inferred is not None:
                await activities.update_fields(session, record, now, customer_id=inferred.id)
        await threads.mark_archived(session, trigger.channel_id, trigger.thread_ts, archived=True)
    if lead is not None and lead.owner_id == trigger.user_id and lead.first_contact_at is None:
        # The owner logging a follow-up on the lead is its first contact: no extra click needed.
        contacted = await services.leads.mark_contacted(lead.id, trigger.user_id, now)
        await show_lead(services, client, contacted)

    await show_record(
        services,
        client,
        record,
        author,
        thread_ts=trigger.thread_ts,
        unreadable_due=request.next_action if request.next_action and due is None else None,
        history_partial=history.partial,
    )


async def _thread_history(services: Services, client: AsyncWebClient, trigger: SeenMessage) -> ThreadHistory:
    """The thread from the store; from Slack only when it began before the bot was there to see it."""
    async with services.db.sessions() as session:
        stored = await threads.thread_messages(session, trigger.channel_id, trigger.thread_ts)
    if any(m.ts == trigger.thread_ts for m in stored):
        return ThreadHistory(stored, partial=False)
    fetched = await _fetch_replies(client, trigger)
    if fetched is None:
        return ThreadHistory(stored, partial=True)
    async with services.db.sessions.begin() as session:
        for message in fetched:
            await threads.save_message(session, message)
        merged = await threads.thread_messages(session, trigger.channel_id, trigger.thread_ts)
    return ThreadHistory(merged, partial=False)


async def _fetch_replies(client: AsyncWebClient, trigger: SeenMessage) -> list[SeenMessage] | None:
    """Read the thread from Slack (rate-limited to one call a minute for most apps); None if refused."""
    messages: list[SeenMessage] = []
    try:
        async for page in await client.conversations_replies(
            channel=trigger.channel_id, ts=trigger.thread_ts, limit=200
        ):
            messages.extend(
                SeenMessage(
                    team_id=trigger.team_id,
                    channel_id=trigger.channel_id,
                    ts=m["ts"],
                    thread_ts=trigger.thread_ts,
                    user_id=m.get("user"),
                    is_bot=bool(m.get("bot_id")) or m.get("subtype") == "bot_message",
                    text=m.get("text", ""),
                )
                for m in page.get("messages", [])
            )
    except SlackApiError as error:
        log.warning(
            "conversations.replies refused for %s: %s", trigger.thread_ts, error.response.get("error")
        )
        return None
    return messages


async def _permalink(client: AsyncWebClient, channel_id: str, ts: str) -> str | None:
    try:
        return (await client.chat_getPermalink(channel=channel_id, message_ts=ts)).get("permalink")
    except SlackApiError:
        return None
