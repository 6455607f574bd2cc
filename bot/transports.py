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
from bot.server import build_web_app, public_routes
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


async def serve_socket_mode(
    settings: Settings, rules: Rules, *, scheduler: bool, host: str = "0.0.0.0", port: int | None = None
) -> None:
    """Connect over Socket Mode and run until SIGTERM or SIGINT.

    `/healthz` and `/api/leads` are served on `port` as in HTTP mode (Slack's own endpoint is not:
    its events come over the socket), so health checks and intake work behind a firewall too. A
    connection that cannot be made is logged once and tried again by slack-sdk; the rest keeps running.
    """
    bot = await started_bot(settings, rules)
    jobs = build_scheduler(bot.services) if scheduler else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    socket_log = logging.getLogger("closeloop.socket_mode")
    socket_log.addFilter(_OneLineSocketLog())
    handler = AsyncSocketModeHandler(bot.app, settings.slack_app_token, logger=socket_log)
    web_app = web.Application()
    public_routes(web_app, bot)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port or settings.port).start()
    bot.start_workers()
    if jobs:
        jobs.start()
    # slack-sdk keeps trying until it connects (and reconnects after), so a failure ends nothing.
    connecting = asyncio.create_task(handler.connect_async(), name="closeloop-socket-mode")
    try:
        await stop.wait()
    finally:
        connecting.cancel()
        if jobs:
            jobs.shutdown(wait=False)
        await handler.close_async()
        await runner.cleanup()
        await bot.close()


class _OneLineSocketLog(logging.Filter):
    """slack-sdk retries a Socket Mode connection on its own, forever, logging two errors and a
    traceback each time; closeloop says once that it cannot connect yet, and once that it did."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = False

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Failed to connect"):
            if self.failing:
                return False
            self.failing = True
            reason = str(record.exc_info[1]).splitlines()[0] if record.exc_info else message
            record.msg, record.args, record.exc_info, record.exc_text = (
                "Socket Mode cannot connect yet (%s); retrying in the background",
                (reason,),
                None,
                None,
            )
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            return True
        if "has been established" in message:
            self.failing = False
        return record.levelno >= logging.WARNING and not message.startswith("Failed to retrieve WSS URL")
