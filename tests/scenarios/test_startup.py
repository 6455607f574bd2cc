"""`closeloop run` as an admin starts it: a clear line for a bad token, a quiet start otherwise."""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
from pathlib import Path

import aiohttp

from tests.support.harness import RunningBot
from tests.support.processes import STARTED, closeloop_env, free_port
from tests.support.slack_api import SlackApiStub


async def start(env: dict[str, str], cwd: Path, port: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    STARTED.append(process)  # the conftest ends it whatever the test's outcome
    return process


async def healthy(port: int, seconds: float = 20) -> bool:
    async with aiohttp.ClientSession() as http:
        for _ in range(int(seconds / 0.1)):
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return True
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    return False


async def stop(process: asyncio.subprocess.Process) -> tuple[str, str]:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    out, err = await asyncio.wait_for(process.communicate(), timeout=20)
    return out.decode(), err.decode()


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'closeloop.db'}"


async def test_a_refused_token_stops_the_start_with_one_line(slack: SlackApiStub, tmp_path: Path) -> None:
    env = closeloop_env(sqlite_url(tmp_path), slack.base_url) | {"SLACK_BOT_TOKEN": "xoxp-not-a-bot-token"}
    process = await start(env, tmp_path, free_port())
    _out, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert process.returncode == 2
    [line] = err.decode().strip().splitlines()
    assert "SLACK_BOT_TOKEN" in line and "invalid_auth" in line


async def test_a_start_is_quiet_and_an_unreachable_slack_is_one_warning(
    slack: SlackApiStub, tmp_path: Path
) -> None:
    env = closeloop_env(sqlite_url(tmp_path), slack.base_url)
    port = free_port()
    process = await start(env, tmp_path, port)
    assert await healthy(port)
    out, err = await stop(process)
    assert process.returncode == 0 and err == "", err
    assert f"127.0.0.1:{port}" in out

    slack.down()
    process = await start(env, tmp_path, port)
    assert await healthy(port)
    _out, err = await stop(process)
    [line] = err.strip().splitlines() or [err]
    assert "Slack cannot be reached" in line, err


def test_missing_variables_are_counted_in_both_languages(tmp_path: Path) -> None:
    from tests.test_surface import closeloop

    for lang, one, two in (("en", "is not set", "are not set"), ("zh", "未设置", "未设置")):
        both = closeloop("run", cwd=tmp_path, env={"CLOSELOOP_LANG": lang})
        assert both.returncode == 2 and two in both.stderr and "SLACK_SIGNING_SECRET" in both.stderr
        one_missing = closeloop(
            "run", cwd=tmp_path, env={"CLOSELOOP_LANG": lang, "SLACK_BOT_TOKEN": "xoxb-1"}
        )
        assert one in one_missing.stderr and "are not set" not in one_missing.stderr


async def test_socket_mode_serves_health_and_intake_even_before_it_connects(
    slack: SlackApiStub, tmp_path: Path
) -> None:
    env = closeloop_env(sqlite_url(tmp_path), slack.base_url) | {"SLACK_APP_TOKEN": "xapp-test"}
    port = free_port()
    process = await start(env, tmp_path, port)
    assert await healthy(port)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{port}/api/leads", json={}) as response:
            assert response.status == 404  # intake is off without CLOSELOOP_INTAKE_TOKEN, but served
        async with http.post(f"http://127.0.0.1:{port}/slack/events", data=b"{}") as response:
            assert response.status == 404  # Slack's events come over the socket
    await asyncio.sleep(2)
    assert process.returncode is None  # a failed connect does not end the process
    _out, err = await stop(process)
    assert process.returncode == 0
    assert len(err.strip().splitlines()) == 1, err
    assert "Socket Mode cannot connect yet" in err


async def test_a_running_bot_keeps_its_start_up_objects_out_of_full_collections(running: RunningBot) -> None:
    """A full collection walking them held the event loop, and every ack, for 150-250 ms under load
    (bench/ack_latency.py measures the effect; here: they are out of the collector's sight)."""
    assert gc.get_freeze_count() > 50_000
