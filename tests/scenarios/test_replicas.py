"""Several replicas on one PostgreSQL database: every event handled once, every card posted once.

Slack delivers each event to one replica and, as a retry, to the other; one replica is killed with
SIGKILL halfway and started again. The inbox's unique event id, its per-event leases and the
outbox's leases and in-doubt checks must add up to one record and one card per thread.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Activity, OutboxMessage
from tests.support.harness import SIGNING_SECRET
from tests.support.processes import start_closeloop
from tests.support.signing import event_body, signed_headers
from tests.support.slack_api import SlackApiStub

EVENTS = 200
CHANNELS = [f"CREGION{n}" for n in range(20)]


async def deliver(http: aiohttp.ClientSession, url: str, body: str, retry: int | None = None) -> None:
    headers = signed_headers(SIGNING_SECRET, body)
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    async with http.post(f"{url}/slack/events", data=body.encode(), headers=headers) as response:
        assert response.status == 200


async def state(database_url: str) -> tuple[int, int]:
    """Records filed, and messages not yet sent."""
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            records = await session.scalar(select(func.count()).select_from(Activity)) or 0
            unsent = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state != "sent")
            )
        return records, unsent or 0
    finally:
        await database.dispose()


@pytest.mark.timeout(240)
async def test_two_replicas_one_killed_midway_make_each_record_and_card_once(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several replicas need PostgreSQL; SQLite serves one")
    first, first_url = await start_closeloop(database_url, slack.base_url, tmp_path)
    second, second_url = await start_closeloop(database_url, slack.base_url, tmp_path)
    bodies = [
        event_body(
            {
                "type": "message",
                "channel": CHANNELS[n % len(CHANNELS)],
                "user": "UALICE",
                "text": f"Visited customer {n} #archive",
                "ts": f"1764000000.{n:06d}",
            },
            event_id=f"EvREPLICA{n:04d}",
        )
        for n in range(EVENTS)
    ]
    try:
        async with aiohttp.ClientSession() as http:
            for n, body in enumerate(bodies):
                if n == EVENTS // 2:
                    await slack.wait_for("chat.postMessage", count=10, timeout=30)
                    first.send_signal(signal.SIGKILL)  # mid-send, mid-event, whatever it held
                    await first.wait()
                    first, first_url = await start_closeloop(database_url, slack.base_url, tmp_path)
                urls = (first_url, second_url) if n % 2 else (second_url, first_url)
                await deliver(http, urls[0], body)
                await deliver(http, urls[1], body, retry=1)
        for _ in range(1200):
            if await state(database_url) == (EVENTS, 0):
                break
            await asyncio.sleep(0.1)
        assert await state(database_url) == (EVENTS, 0)
        posted = Counter(
            m["metadata"]["event_payload"]["outbox_id"]
            for m in slack.messages_with_metadata("closeloop_outbox")
        )
        assert len(posted) == EVENTS and set(posted.values()) == {1}
    finally:
        for process in (first, second):
            if process.returncode is None:
                process.terminate()
                await process.wait()
