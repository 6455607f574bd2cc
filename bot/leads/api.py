"""`POST /api/leads`: lead intake for web forms, ad platforms and CRMs, as the contract specifies.

Bearer-token protected (`CLOSELOOP_INTAKE_TOKEN`; unset means the endpoint is off). An
`Idempotency-Key` makes a retried webhook get the same answer and add nothing. Errors are JSON:
400 for a body that is not JSON, 401 for a bad token, 422 naming each bad field (and for an
`Idempotency-Key` sent again with another body).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.app import Bot
from bot.render.lead_problems import problem_texts
from usecases.lead_input import LeadInput, field_problems
from usecases.leads import LeadError, intake_answer

log = logging.getLogger(__name__)
_KEY_REUSED = "this Idempotency-Key was used for another request; send a new key for a new lead"


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

    async def post_lead(request: web.Request) -> web.Response:
        expected = services.settings.closeloop_intake_token
        if not expected:
            return _error(404, "lead intake is off: set CLOSELOOP_INTAKE_TOKEN")
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return _error(401, "missing or wrong bearer token")
        key = request.headers.get("Idempotency-Key", "").strip()[:200]
        try:
            payload = json.loads(await request.text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(400, "the body is not JSON")
        if not isinstance(payload, dict):
            return _error(422, "the body must be a JSON object", fields={})
        try:
            submitted = LeadInput.model_validate(payload)
        except ValidationError as error:
            # Integrations read English: the contract's `fields` are messages for a developer.
            return _error(422, "the lead is not valid", fields=problem_texts(field_problems(error), "en"))
        now = services.clock.now()
        try:
            if key:
                answer = await services.leads.intake_keyed(
                    await team_id(), submitted, now, key, _request_hash(payload)
                )
            else:
                placement = await services.leads.intake(await team_id(), submitted, now)
                answer = intake_answer(placement, announced=services.leads.announces(placement.lead))
        except LeadError as error:
            if error.code == "key_reused":
                return _error(422, _KEY_REUSED, fields={})
            return _error(503, error.code)
        return web.json_response(answer.body, status=answer.status)

    web_app.router.add_post("/api/leads", post_lead)


def _request_hash(payload: dict[str, Any]) -> str:
    """The request as a fingerprint: key order and spacing do not make it another request."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
