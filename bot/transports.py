"""How Slack reaches the bot: an HTTP server, or a Socket Mode connection for firewalled teams.

Either way the same app, inbox worker and scheduler run in this process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import build_bot
from bot.server import build_web_app
from config.rules import Rules
from config.settings import Settings
from scheduler.jobs import build_scheduler


async def serve_http(settings: Settings, rules: Rules, *, scheduler: bool) -> web.Application:
    """The HTTP application for `aiohttp.web.run_app`, with the scheduler tied to its lifetime."""
    bot = build_bot(settings, rules=rules)
    web_app = build_web_app(bot)
    if scheduler:

        async def scheduled(_app: web.Application) -> AsyncIterator[None]:
            jobs = build_scheduler(bot.services)
            jobs.start()
            yield
            jobs.shutdown(wait=False)

        web_app.cleanup_ctx.append(scheduled)
    return web_app


async def serve_socket_mode(settings: Settings, rules: Rules, *, scheduler: bool) -> None:
    """Connect over Socket Mode and run until interrupted."""
    bot = build_bot(settings, rules=rules)
    jobs = build_scheduler(bot.services) if scheduler else None
    if jobs:
        jobs.start()
    worker = asyncio.create_task(bot.worker.run())
    handler = AsyncSocketModeHandler(bot.app, settings.slack_app_token)
    try:
        await handler.start_async()
    finally:
        worker.cancel()
        if jobs:
            jobs.shutdown(wait=False)
        await bot.close()
