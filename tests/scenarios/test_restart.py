"""A process killed after the ack still produces the record once it (or another replica) restarts."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Activity, InboxEvent, OutboxMessage
from tests.support.harness import SIGNING_SECRET
from tests.support.processes import start_closeloop
from tests.support.signing import event_body, signed_headers
from tests.support.slack_api import SlackApiStub


async def counts(database_url: str) -> tuple[int, int, int]:
    """Records, unprocessed events, unsent messages."""
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            records = await session.scalar(select(func.count()).select_from(Activity))
            pending = await session.scalar(
                select(func.count()).select_from(InboxEvent).where(InboxEvent.processed_at.is_(None))
            )
            unsent = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state != "sent")
            )
        return records, pending, unsent
    finally:
        await database.dispose()


async def test_killed_while_posting_the_card_the_restart_finds_it_instead_of_posting_twice(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    """The card reached Slack but the process died before it heard back: the send is in doubt."""
    slack.delay("chat.postMessage", 2)  # Slack takes its time; the process dies meanwhile
    first, url = await start_closeloop(database_url, slack.base_url, tmp_path)
    ts = "1764000000.000100"
    body = event_body(
        {"type": "message", "channel": "CSALES", "user": "UALICE", "text": "Visited ACME #archive", "ts": ts},
        event_id="EvKILLED",
    )
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{url}/slack/events", data=body.encode(), headers=signed_headers(SIGNING_SECRET, body)
        ) as response,
    ):
        assert response.status == 200
    await slack.wait_for("users.info")  # the card is being rendered, then posted
    await asyncio.sleep(0.5)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    assert (await counts(database_url))[:2] == (1, 0)  # the record was written before any Slack call
    await asyncio.sleep(2)  # Slack finishes posting the card nobody waits for any more
    assert len(slack.messages_with_metadata("closeloop_outbox")) == 1

    slack.delay("chat.postMessage", 0)
    second, _ = await start_closeloop(database_url, slack.base_url, tmp_path)
    try:
        for _ in range(400):
            if await counts(database_url) == (1, 0, 0):
                break
            await asyncio.sleep(0.05)
        assert await counts(database_url) == (1, 0, 0)
        assert len(slack.messages_with_metadata("closeloop_outbox")) == 1
        assert len(slack.performed("chat.postMessage")) == 1
        assert slack.calls("conversations.replies")  # looked it up rather than posting blindly
    finally:
        second.terminate()
        await second.wait()


async def test_sigterm_stops_closeloop_run_within_ten_seconds(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    slack.delay("chat.postMessage", 12)  # a send hangs: shutdown must not wait for it
    process, url = await start_closeloop(database_url, slack.base_url, tmp_path)
    body = event_body(
        {
            "type": "message",
            "channel": "CSALES",
            "user": "UALICE",
            "text": "Met Initech #archive",
            "ts": "1.2",
        },
        event_id="EvTERM",
    )
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{url}/slack/events", data=body.encode(), headers=signed_headers(SIGNING_SECRET, body)
        ) as response,
    ):
        assert response.status == 200
    await slack.wait_for("users.info")
    started = asyncio.get_running_loop().time()
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), 15)
    assert asyncio.get_running_loop().time() - started < 10
    assert process.returncode == 0
    database = Database(database_url)
    try:
        async with database.sessions() as session:  # the send under way was handed back
            [card] = (await session.scalars(select(OutboxMessage))).all()
    finally:
        await database.dispose()
    assert card.lease_token is None and card.state == "pending" and card.in_doubt
