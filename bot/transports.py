"""How Slack reaches the bot: an HTTP server, or a Socket Mode connection for firewalled teams.

Either way the same app, inbox worker, delivery worker and scheduler tick run in this process, and
SIGTERM stops them within seconds, handing back whatever they held.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.app import Bot, open_bot
from bot.directory import unannounced_pools
from bot.server import build_web_app
from config.rules import Rules
from config.settings import Settings
from scheduler.jobs import build_scheduler

log = logging.getLogger(__name__)


def _scheduled(bot: Bot) -> Callable[[web.Application], AsyncIterator[None]]:
    """The scheduler's tick, started and stopped with the HTTP server."""

    async def running(_app: web.Application) -> AsyncIterator[None]:
        jobs = build_scheduler(bot.services)
        jobs.start()
        try:
            yield
        finally:
            jobs.shutdown(wait=False)

    return running


async def started_bot(settings: Settings, rules: Rules) -> Bot:
    """The bot `closeloop run` serves, its names looked up; says which lead pools post no cards."""
    bot = await open_bot(settings, rules=rules)
    for line in unannounced_pools(bot.services.rules, settings.closeloop_lang):
        log.warning("%s", line)
    return bot


async def serve_http(settings: Settings, rules: Rules, *, scheduler: bool) -> web.Application:
    """The HTTP application for `aiohttp.web.run_app`, with the scheduler tied to its lifetime."""
    bot = await started_bot(settings, rules)
    web_app = build_web_app(bot)
    if scheduler:
        web_app.cleanup_ctx.append(_scheduled(bot))
    return web_app


async def serve_socket_mode(settings: Settings, rules: Rules, *, scheduler: bool) -> None:
    """Connect over Socket Mode and run until SIGTERM or SIGINT."""
    bot = await started_bot(settings, rules)
    jobs = build_scheduler(bot.services) if scheduler else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    handler = AsyncSocketModeHandler(bot.app, settings.slack_app_token)
    bot.start_workers()
    if jobs:
        jobs.start()
    try:
        await handler.connect_async()
        await stop.wait()
    finally:
        if jobs:
            jobs.shutdown(wait=False)
        await handler.close_async()
        await bot.close()
