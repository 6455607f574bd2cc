"""closeloop as separate processes, started the way an admin starts them, for restart and replica tests."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import aiohttp

from tests.support.harness import BOT_TOKEN, SIGNING_SECRET

# Every `closeloop run` a test started: the conftest ends those still running after each test, so a
# failed assertion never leaves one behind to take the next test's events and messages.
STARTED: list[asyncio.subprocess.Process] = []


async def end_leftovers() -> None:
    """Kill every process a test started and left running."""
    while STARTED:
        process = STARTED.pop()
        if process.returncode is None:
            process.kill()
            await process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closeloop_env(database_url: str, api_url: str) -> dict[str, str]:
    """The environment an admin gives closeloop, pointed at the test database and Slack stand-in."""
    return os.environ | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": database_url,
        "CLOSELOOP_INBOX_LEASE_SECONDS": "6",
    }


async def start_closeloop(
    database_url: str, api_url: str, workdir: Path
) -> tuple[asyncio.subprocess.Process, str]:
    """`closeloop run` as an admin starts it, on a free port; returns once /healthz answers."""
    port = free_port()
    env = closeloop_env(database_url, api_url)
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
    STARTED.append(process)
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
