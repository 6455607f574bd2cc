"""A running closeloop for scenario tests: real HTTP server, real database, Slack stand-in.

Tests talk to it the way Slack does (signed requests) and read what it sent back to the stand-in,
so a scenario reads like a conversation: a rep says X in thread T, the bot replies Y, record Z exists.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

from bot.app import Bot, open_bot
from bot.clock import Clock
from bot.server import build_web_app
from config.settings import Settings
from storage.db import Database
from storage.models import InboxEvent, OutboxMessage
from tests.support.signing import (
    FORM_CONTENT_TYPE,
    command_body,
    event_body,
    interaction_body,
    signed_headers,
)
from tests.support.slack_api import TEAM_ID, SlackApiStub

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"


def settings_for(database_url: str, api_url: str, **overrides: Any) -> Settings:
    """Settings as an admin would set them, pointed at the test database and stand-in."""
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": api_url,
        "database_url": database_url,
        "closeloop_lang": "en",
        "closeloop_tz": "Asia/Shanghai",
    }
    return Settings(_env_file=None, **(values | overrides))


@dataclass
class RunningBot:
    """A bot served on 127.0.0.1 with helpers to speak to it as Slack."""

    bot: Bot
    url: str
    slack: SlackApiStub
    http: aiohttp.ClientSession
    runner: web.AppRunner
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _event_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def db(self) -> Database:
        return self.bot.services.db

    def next_ts(self) -> str:
        """A fresh message ts, increasing like Slack's."""
        return f"{int(time.time()) - 3600}.{next(self._ts):06d}"

    async def post(
        self,
        body: str,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
    ) -> aiohttp.ClientResponse:
        """POST a signed body to /slack/events."""
        signed = signed_headers(SIGNING_SECRET, body, timestamp=timestamp, content_type=content_type)
        response = await self.http.post(
            f"{self.url}/slack/events", data=body.encode(), headers=signed | (headers or {})
        )
        await response.read()
        return response

    async def send_event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> aiohttp.ClientResponse:
        """Deliver an Events API event, as Slack does (with X-Slack-Retry-Num on a retry)."""
        event_id = event_id or f"Ev{next(self._event_ids):08d}"
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else {}
        )
        return await self.post(
            event_body(event, event_id=event_id), content_type="application/json", headers=headers
        )

    async def say(
        self, user: str, channel: str, text: str, *, thread_ts: str | None = None, event_id: str | None = None
    ) -> str:
        """A person posts a message (in a thread when `thread_ts` is given); returns its ts."""
        ts = self.next_ts()
        event = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "team": TEAM_ID,
            "channel_type": "channel",
            "event_ts": ts,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        response = await self.send_event(event, event_id=event_id)
        assert response.status == 200, await response.text()
        return ts

    async def command(self, user: str, channel: str, text: str, *, settle: bool = True) -> dict[str, Any]:
        """Run `/closeloop TEXT`; returns the immediate (ephemeral) answer, {} when empty.

        With `settle`, waits for what the command set going (cards, DMs) before returning.
        """
        response = await self.post(
            command_body(text=text, user_id=user, channel_id=channel), content_type=FORM_CONTENT_TYPE
        )
        assert response.status == 200, await response.text()
        raw = await response.text()
        if settle:
            await self.settle()
        return json.loads(raw) if raw else {}

    async def interact(self, payload: dict[str, Any], *, settle: bool = True) -> aiohttp.ClientResponse:
        """Send an interactivity payload (button click, form submission).

        Slack gets its ack at once and the listener goes on; with `settle`, this waits for it and for
        the messages it queued, so the next line of a scenario sees the outcome.
        """
        response = await self.post(interaction_body(payload), content_type=FORM_CONTENT_TYPE)
        await response.read()
        if settle:
            await self.settle()
        return response

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every delivery is handled and every queued message sent (or given up).

        Buttons ack before their listener finishes, so "nothing pending" must hold twice, a moment
        apart, before the bot counts as quiet.
        """
        deadline = asyncio.get_running_loop().time() + timeout
        quiet_checks = 0
        while quiet_checks < 2:
            pending, unsent = await self._backlog()
            quiet_checks = quiet_checks + 1 if not pending and not unsent else 0
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"{pending} inbox events unprocessed and {unsent} messages unsent after {timeout}s"
                )
            await asyncio.sleep(0.05)

    async def _backlog(self) -> tuple[int, int]:
        async with self.db.sessions() as session:
            pending = await session.scalar(
                select(func.count()).select_from(InboxEvent).where(InboxEvent.processed_at.is_(None))
            )
            errors = list(
                await session.scalars(select(InboxEvent.error).where(InboxEvent.error.is_not(None)))
            )
            unsent = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "pending")
            )
        assert not errors, f"processing failed: {errors}"
        return pending or 0, unsent or 0

    async def stop(self) -> None:
        await self.http.close()
        await self.runner.cleanup()


async def start_with_rules(
    database_url: str, slack: SlackApiStub, rules_toml: str, folder: Path, clock: Clock, **overrides: Any
) -> RunningBot:
    """`start_bot` with a rules file of `rules_toml` written in `folder`."""
    rules = folder / "rules.toml"
    rules.write_text(rules_toml, encoding="utf-8")
    settings = settings_for(database_url, slack.base_url, closeloop_rules=rules, **overrides)
    return await start_bot(settings, slack, clock=clock)


async def start_bot(
    settings: Settings, slack: SlackApiStub, *, clock: Clock | None = None, run_worker: bool = True
) -> RunningBot:
    """Migrate, build (names in the rules looked up) and serve the bot on a random local port."""
    migrator = Database(settings.database_url)
    try:
        await migrator.upgrade()
    finally:
        await migrator.dispose()  # its connection would otherwise wait for the garbage collector
    bot = await open_bot(settings, clock=clock)
    runner = web.AppRunner(build_web_app(bot, run_worker=run_worker))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return RunningBot(bot, f"http://127.0.0.1:{port}", slack, aiohttp.ClientSession(), runner)
