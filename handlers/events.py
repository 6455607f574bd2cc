"""Events API deliveries, taken from the inbox: message events become thread-store entries and archives.

Opening the Home tab (`app_home_opened`) queues the person's Home view.

This is the edge where Slack's message shapes (plain, edited, deleted, from bots) become
`SeenMessage`s; nothing past it reads a raw event. The inbox worker calls `handle_event` for each
stored delivery, after Slack has had its ack.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.services import Services
from domain.archive import has_archive_tag
from domain.conversation import SeenMessage
from handlers.command_table import COMMANDS
from usecases.home import open_home
from usecases.mentions import answer_mention

log = logging.getLogger(__name__)

_PLAIN_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}
EventHandler = Callable[[dict[str, Any]], Awaitable[None]]


def event_handler(services: Services) -> EventHandler:
    """The function the inbox worker hands each stored delivery to."""

    async def handle_event(body: dict[str, Any]) -> None:
        event = body.get("event") or {}
        team_id = body.get("team_id") or event.get("team") or ""
        if event.get("type") == "message":
            await on_message(services, team_id, event)
        elif event.get("type") == "app_mention":
            await on_mention(services, team_id, event)
        elif event.get("type") == "app_home_opened" and event.get("tab") == "home":
            await open_home(services.db, team_id, event["user"], services.clock.now())

    return handle_event


async def on_mention(services: Services, team_id: str, event: dict[str, Any]) -> None:
    """`@closeloop` with nothing to do: the help, in the thread, in the mentioner's language.

    A mention that carries `#archive` is a message event too, and is archived there instead.
    """
    if event.get("bot_id") or not event.get("user"):
        return
    if has_archive_tag(event.get("text") or "", services.rules.archive_syntax):
        return
    # Only a help text waits on this look-up; if Slack cannot answer, the team's language is used.
    person = await services.people.lookup(services.slack, team_id, event["user"], services.clock.now())
    await answer_mention(
        services.db,
        team_id=team_id,
        channel_id=event["channel"],
        thread_ts=event.get("thread_ts") or event["ts"],
        mention_ts=event["ts"],
        help_text=COMMANDS.help_text(person.lang),
        now=services.clock.now(),
    )


async def on_message(services: Services, team_id: str, event: dict[str, Any]) -> None:
    """Keep the message; archive its thread when a person tagged it."""
    desk = services.activities
    if event.get("subtype") == "message_deleted":
        await desk.forget_message(event["channel"], event["deleted_ts"])
        return
    message = _seen_message(team_id, event)
    if message is None:
        return
    if _asks_to_archive(event, message, services):
        await archive(services, message)  # which keeps the message with the record it files
    else:
        await desk.note_message(message)


async def archive(services: Services, trigger: SeenMessage) -> None:
    """File the thread; read it from Slack first only if it began before the bot was there to see it.

    That one read is the only Slack call before the record is written, and its failure costs only
    completeness (the card says so), never the record.
    """
    fetched, partial = None, False
    if not await services.activities.knows_thread_start(trigger):
        fetched = await _fetch_replies(services, trigger)
        partial = fetched is None
    now = services.clock.now()
    author = await services.people.known(trigger.team_id, trigger.user_id or "", now)
    await services.activities.archive_thread(
        trigger, author.tz, now, fetched=fetched, history_partial=partial
    )


async def _fetch_replies(services: Services, trigger: SeenMessage) -> list[SeenMessage] | None:
    """The thread as Slack has it (one call a minute for most apps); None if Slack refused or is away."""
    messages: list[SeenMessage] = []
    try:
        async for page in await services.slack.conversations_replies(
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
    except Exception as error:  # Slack unreachable: file what is stored rather than lose the record
        log.warning("conversations.replies failed for %s: %r", trigger.thread_ts, error)
        return None
    return messages


def _asks_to_archive(event: dict[str, Any], message: SeenMessage, services: Services) -> bool:
    """A person's message carrying the tag; an edit counts only when its text changed.

    Slack also sends `message_changed` when a thread gains replies or a link unfurls; those must not
    archive the thread again.
    """
    if message.is_bot or not message.user_id:
        return False
    edited = event.get("subtype") == "message_changed"
    if edited and event.get("previous_message", {}).get("text") == message.text:
        return False
    return has_archive_tag(message.text, services.rules.archive_syntax)


def _seen_message(team_id: str, event: dict[str, Any]) -> SeenMessage | None:
    """The message an event carries (the new version for an edit), or None for joins and the like."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        inner = event.get("message", {})
        if inner.get("subtype") == "tombstone":
            return None
        return _from_payload(team_id, event["channel"], inner)
    if subtype in _PLAIN_SUBTYPES or subtype == "bot_message":
        return _from_payload(team_id, event["channel"], event)
    return None


def _from_payload(team_id: str, channel_id: str, payload: dict[str, Any]) -> SeenMessage:
    return SeenMessage(
        team_id=team_id,
        channel_id=channel_id,
        ts=payload["ts"],
        thread_ts=payload.get("thread_ts") or payload["ts"],
        user_id=payload.get("user"),
        is_bot=bool(payload.get("bot_id")) or payload.get("subtype") == "bot_message",
        text=payload.get("text") or "",
    )
