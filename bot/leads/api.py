"""`POST /api/leads`: lead intake for web forms, ad platforms and CRMs, as the contract specifies.

Bearer-token protected (`CLOSELOOP_INTAKE_TOKEN`; unset means the endpoint is off). An
`Idempotency-Key` makes a retried webhook get the same answer and add nothing. Errors are JSON:
400 for a body that is not JSON, 401 for a bad token, 422 naming each bad field (and for an
`Idempotency-Key` sent again with another body).
"""

from __future__ import annotations

import logging

from aiohttp import web
from pydantic import ValidationError

from bot.app import Bot
from bot.intake import WorkspaceTeam, idempotency_key, json_error, read_object, refuse_caller, request_hash
from bot.render.lead_problems import problem_texts
from usecases.lead_input import LeadInput, field_problems
from usecases.leads import LeadError, intake_answer

log = logging.getLogger(__name__)
_KEY_REUSED = "this Idempotency-Key was used for another request; send a new key for a new lead"


def lead_routes(web_app: web.Application, bot: Bot) -> None:
    """Mount the intake endpoint on the bot's HTTP server."""
    services = bot.services
    # Leads arrive without a workspace; a single-workspace bot files them under its own.
    team_id = WorkspaceTeam(services)

    async def post_lead(request: web.Request) -> web.Response:
        refused = refuse_caller(request, services, "lead")
        if refused is not None:
            return refused
        key = idempotency_key(request)
        payload = await read_object(request)
        if isinstance(payload, web.Response):
            return payload
        try:
            submitted = LeadInput.model_validate(payload)
        except ValidationError as error:
            # Integrations read English: the contract's `fields` are messages for a developer.
            return json_error(422, "the lead is not valid", fields=problem_texts(field_problems(error), "en"))
        now = services.clock.now()
        try:
            if key:
                answer = await services.leads.intake_keyed(
                    await team_id(), submitted, now, key, request_hash(payload)
                )
            else:
                placement = await services.leads.intake(await team_id(), submitted, now)
                answer = intake_answer(placement, announced=services.leads.announces(placement.lead))
        except LeadError as error:
            if error.code == "key_reused":
                return json_error(422, _KEY_REUSED, fields={})
            return json_error(503, error.code)
        return web.json_response(answer.body, status=answer.status)

    web_app.router.add_post("/api/leads", post_lead)
