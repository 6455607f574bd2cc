"""`POST /api/leads`: lead intake for web forms, ad platforms and CRMs, as the contract specifies.

Bearer-token protected (`CLOSELOOP_INTAKE_TOKEN`; unset means the endpoint is off). An
`Idempotency-Key` makes a retried webhook get the same answer and add nothing. Errors are JSON:
400 for a body that is not JSON, 401 for a bad token, 422 naming each bad field.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import select

from bot.app import Bot
from storage.models import IdempotentReply
from storage.upsert import insert_into
from usecases.lead_input import LeadInput, field_errors
from usecases.leads import LeadError

log = logging.getLogger(__name__)
_SCOPE = "leads"


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def lead_routes(web_app: web.Application, bot: Bot) -> None:
    """Mount the intake endpoint on the bot's HTTP server."""
    services = bot.services
    team: dict[str, str] = {}

    async def team_id() -> str:
        # Leads arrive without a workspace; a single-workspace bot files them under its own.
        if "id" not in team:
            team["id"] = (await services.slack.auth_test())["team_id"]
        return team["id"]

    async def stored_reply(key: str) -> web.Response | None:
        async with services.db.sessions() as session:
            reply = (
                await session.scalars(
                    select(IdempotentReply).where(IdempotentReply.scope == _SCOPE, IdempotentReply.key == key)
                )
            ).one_or_none()
        return web.json_response(reply.body, status=reply.status) if reply else None

    async def remember(key: str, status: int, body: dict[str, Any]) -> None:
        async with services.db.sessions.begin() as session:
            await session.execute(
                insert_into(session, IdempotentReply)
                .values(scope=_SCOPE, key=key, status=status, body=body, created_at=services.clock.now())
                .on_conflict_do_nothing(index_elements=["scope", "key"])
            )

    async def post_lead(request: web.Request) -> web.Response:
        expected = services.settings.closeloop_intake_token
        if not expected:
            return _error(404, "lead intake is off: set CLOSELOOP_INTAKE_TOKEN")
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return _error(401, "missing or wrong bearer token")
        key = request.headers.get("Idempotency-Key", "").strip()[:200]
        if key and (replay := await stored_reply(key)) is not None:
            return replay
        try:
            payload = json.loads(await request.text())
        except json.JSONDecodeError:
            return _error(400, "the body is not JSON")
        if not isinstance(payload, dict):
            return _error(422, "the body must be a JSON object", fields={})
        try:
            submitted = LeadInput.model_validate(payload)
        except ValidationError as error:
            return _error(422, "the lead is not valid", fields=field_errors(error))
        try:
            placement = await services.leads.intake(await team_id(), submitted, services.clock.now())
        except LeadError as error:
            return _error(503, error.code)
        lead = placement.lead
        status = 200 if placement.merged else 201
        body = {
            "id": lead.id,
            "grade": lead.grade,
            "score": lead.score,
            "owner": lead.owner_id,
            # False: the lead is stored but its pool posts no card (no channel, or one Slack does not know).
            "announced": services.leads.announces(lead),
        }
        if key:
            await remember(key, status, body)
        return web.json_response(body, status=status)

    web_app.router.add_post("/api/leads", post_lead)
