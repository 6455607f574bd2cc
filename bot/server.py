"""The HTTP transport: Bolt's one endpoint, a health check, lead and payment intake, and the workers.

`POST /slack/events` carries events, commands, buttons and forms; its signature (and 5-minute
timestamp window) is checked before the body is even read, so a forged request is 401 whatever it
holds, and a signed one that cannot be read is 400, logged in one line. `GET /healthz` answers for
the database. Socket Mode serves the same health check and intake (`public_routes`), without Bolt's
endpoint: its events come over the socket.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.app import Bot
from bot.leads.api import lead_routes
from bot.payments.api import payment_routes

log = logging.getLogger(__name__)


def build_web_app(bot: Bot, *, run_worker: bool = True) -> web.Application:
    """The aiohttp application serving Slack, the health check and intake; it owns the bot's lifetime."""
    web_app = web.Application()
    web_app.router.add_post("/slack/events", _slack_endpoint(bot))
    public_routes(web_app, bot)
    web_app.cleanup_ctx.append(_workers_running(bot, run_worker))
    return web_app


def public_routes(web_app: web.Application, bot: Bot) -> None:
    """Mount what outside checks and systems call in either mode: `/healthz`, `/api/leads` and
    `/api/payments`."""

    async def healthz(_request: web.Request) -> web.Response:
        ok = await bot.services.db.ping()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    web_app.router.add_get("/healthz", healthz)
    lead_routes(web_app, bot)
    payment_routes(web_app, bot)


def _slack_endpoint(bot: Bot) -> Callable[[web.Request], Any]:
    verifier = SignatureVerifier(bot.services.settings.slack_signing_secret or "")

    async def slack_events(request: web.Request) -> web.Response:
        raw = await request.read()
        signature = request.headers.get("X-Slack-Signature", "")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not _signed(verifier, raw, timestamp, signature):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = AsyncBoltRequest(
                body=raw.decode(),
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
            )
            problem = _unreadable(bolt_request.body)
        except (ValueError, TypeError, AttributeError) as error:  # JSONDecodeError, UnicodeDecodeError
            problem = f"{type(error).__name__}: {error}"
        if problem:
            log.warning("refused a signed Slack request whose body cannot be read (%s)", problem)
            return web.json_response({"error": "the body cannot be read as a Slack request"}, status=400)
        return await to_aiohttp_response(await bot.app.async_dispatch(bolt_request))

    return slack_events


def _signed(verifier: SignatureVerifier, body: bytes, timestamp: str, signature: str) -> bool:
    """Whether Slack signed this body within the last 5 minutes (a missing or garbled header: no)."""
    try:
        return bool(timestamp and signature) and verifier.is_valid(body, timestamp, signature)
    except ValueError:
        return False


def _unreadable(body: Any) -> str | None:
    """What makes a parsed body something Slack never sends, or None when it has the shape Bolt reads."""
    if not isinstance(body, dict):
        return "the body is not an object"
    kind = body.get("type")
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("type"), str):
            return f"a {kind} without view.type"
    if kind == "block_actions" and not isinstance(body.get("actions"), list):
        return "block_actions without actions"
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "an event_callback without event.type"
    return None


def _workers_running(bot: Bot, run_worker: bool) -> Callable[[web.Application], AsyncIterator[None]]:
    async def running(_app: web.Application) -> AsyncIterator[None]:
        if run_worker:
            bot.start_workers()
        try:
            yield
        finally:
            await bot.close()

    return running
