"""Message events: keep every channel message in the thread store, and archive on `#archive`.

This is the edge where Slack's message shapes (plain, edited, deleted, from bots) become
`SeenMessage`s; nothing past it reads a raw event.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import Services
from domain.archive import has_archive_tag
from handlers.archive import archive_thread
from storage import threads
from storage.threads import SeenMessage

_PLAIN_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def register(app: AsyncApp, services: Services) -> None:
    """Listen to every message event the app is subscribed to."""

    @app.event("message")
    async def on_message(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        team_id = body.get("team_id") or event.get("team") or ""
        subtype = event.get("subtype")
        if subtype == "message_deleted":
            async with services.db.sessions.begin() as session:
                await threads.delete_message(session, event["channel"], event["deleted_ts"])
            return
        message = _seen_message(team_id, event)
        if message is None:
            return
        async with services.db.sessions.begin() as session:
            await threads.save_message(session, message)
        if _asks_to_archive(event, message, services):
            await archive_thread(services, client, message)


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
