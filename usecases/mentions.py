"""Someone @-mentioned closeloop without asking for anything: it answers in the thread with its help."""

from __future__ import annotations

from datetime import datetime

from storage import outbox
from storage.db import Database
from storage.outbox import Outgoing


async def answer_mention(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    mention_ts: str,
    help_text: str,
    now: datetime,
) -> bool:
    """Queue the help as a reply in the mention's thread, once per mention; False if already queued.

    The text comes in already written in the mentioner's language: it is the same help
    `/closeloop help` gives, built from the command table.
    """
    async with db.sessions.begin() as session:
        return await outbox.send_once(
            session,
            Outgoing(
                key=f"mention-help:{channel_id}:{mention_ts}",
                kind="prepared_text",
                team_id=team_id,
                channel=channel_id,
                thread_ts=thread_ts,
                payload={"text": help_text},
            ),
            now,
        )
