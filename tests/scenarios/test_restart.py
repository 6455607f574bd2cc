"""A process killed after the ack still produces the record once it (or another replica) restarts."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Activity, InboxEvent
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET
from tests.support.signing import event_body, signed_headers
from tests.support.slack_api import SlackApiStub


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start_closeloop(
    database_url: str, api_url: str, workdir: Path
) -> tuple[asyncio.subprocess.Process, str]:
    """`closeloop run` as an admin starts it, on a free port; returns once /healthz answers."""
    port = free_port()
    env = os.environ | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "CLOSELOOP_INBOX_LEASE_SECONDS": "1",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-scheduler",
        env=env,
        cwd=workdir,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return process, url
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    process.kill()
    raise AssertionError("closeloop run did not come up")


async def counts(database_url: str) -> tuple[int, int]:
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            records = await session.scalar(select(func.count()).select_from(Activity))
            pending = await session.scalar(
                select(func.count()).select_from(InboxEvent).where(InboxEvent.processed_at.is_(None))
            )
        return records, pending
    finally:
        await database.dispose()


async def test_killed_between_ack_and_processing_the_record_still_appears_once(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    slack.delay("users.info", 3)  # the worker is stuck mid-way when the process dies
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
    await slack.wait_for("auth.test")  # the worker has the event and is now waiting on users.info
    await asyncio.sleep(0.3)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    assert await counts(database_url) == (0, 1)  # acked, stored, not yet processed

    slack.delay("users.info", 0)
    second, _ = await start_closeloop(database_url, slack.base_url, tmp_path)
    try:
        for _ in range(200):
            if await counts(database_url) == (1, 0):
                break
            await asyncio.sleep(0.05)
        assert await counts(database_url) == (1, 0)
        assert len(slack.calls("chat.postMessage")) == 1
    finally:
        second.terminate()
        await second.wait()
