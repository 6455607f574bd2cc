"""The HTTP transport: Bolt's one endpoint, a health check, lead intake, and the workers beside them.

`POST /slack/events` carries events, commands, buttons and forms; Bolt checks each signature (and
its 5-minute timestamp window) before anything is stored. `GET /healthz` answers for the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from bot.app import Bot
from bot.leads.api import lead_routes


def build_web_app(bot: Bot, *, run_worker: bool = True) -> web.Application:
    """The aiohttp application serving Slack and the health check."""
    web_app = web.Application()

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await bot.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        ok = await bot.services.db.ping()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    web_app.router.add_post("/slack/events", slack_events)
    web_app.router.add_get("/healthz", healthz)
    lead_routes(web_app, bot)
    web_app.cleanup_ctx.append(_workers_running(bot, run_worker))
    return web_app


def _workers_running(bot: Bot, run_worker: bool) -> Callable[[web.Application], AsyncIterator[None]]:
    async def running(_app: web.Application) -> AsyncIterator[None]:
        if run_worker:
            bot.start_workers()
        try:
            yield
        finally:
            await bot.close()

    return running
