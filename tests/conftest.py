"""Shared fixtures: databases on every configured backend, the Slack stand-in, a running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.databases import database_params, fresh_database_url
from tests.support.harness import RunningBot, settings_for, start_bot
from tests.support.processes import end_leftovers
from tests.support.slack_api import SlackApiStub


@pytest.fixture(params=database_params())
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set."""
    return await fresh_database_url(request.param, tmp_path)


@pytest.fixture
async def slack() -> AsyncIterator[SlackApiStub]:
    """The Web API stand-in; fails the test if the bot ever sent blocks Slack would reject."""
    async with SlackApiStub() as stub:
        stub.set_user("UALICE", name="alice", locale="en-US", tz="Asia/Shanghai")
        stub.set_user("UWANG", name="wang", locale="zh-CN", tz="Asia/Shanghai")
        stub.set_user("UBOB", name="bob", locale="en-US", tz="America/New_York")
        yield stub
        assert stub.invalid_block_errors == [], stub.invalid_block_errors


@pytest.fixture
async def running(database_url: str, slack: SlackApiStub) -> AsyncIterator[RunningBot]:
    """closeloop served over HTTP on 127.0.0.1, on the test database, talking to the stand-in."""
    bot = await start_bot(settings_for(database_url, slack.base_url), slack)
    yield bot
    await bot.stop()


@pytest.fixture(autouse=True)
async def no_process_left_behind() -> AsyncIterator[None]:
    """A `closeloop run` a test started never outlives it, whatever the test's outcome."""
    yield
    await end_leftovers()
