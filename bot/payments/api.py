"""`POST /api/payments`: money received, reported by finance's scripts or an ERP, as the contract specifies.

Auth, `Idempotency-Key` and error shapes are the lead intake's (`bot.intake`). JSON numbers are read as
`Decimal`, so `30000.10` stays thirty thousand and ten cents. 201 for a new payment, 200 with the same
body for a reference seen before, 422 with `fields` for an unknown contract, an overpayment or a bad
field; nothing a client sends makes a 5xx.
"""

from __future__ import annotations

from decimal import Decimal

from aiohttp import web

from bot.app import Bot
from bot.i18n import t
from bot.intake import WorkspaceTeam, idempotency_key, json_error, read_object, refuse_caller, request_hash
from usecases.payment_intake import read_payment, receive_keyed, reply_for
from usecases.payments import PaymentError


def _refused(errors: list[PaymentError]) -> web.Response:
    """422 naming each bad field in English: integrations are read by developers."""
    fields = {error.field: t("en", error.code, **error.params) for error in errors}
    message = (
        t("en", errors[0].code, **errors[0].params) if len(errors) == 1 else t("en", "payment.api.invalid")
    )
    return json_error(422, message, fields=fields)


def payment_routes(web_app: web.Application, bot: Bot) -> None:
    """Mount the payment intake endpoint on the bot's HTTP server."""
    services = bot.services
    team_id = WorkspaceTeam(services)

    async def post_payment(request: web.Request) -> web.Response:
        refused = refuse_caller(request, services, "payment")
        if refused is not None:
            return refused
        key = idempotency_key(request)
        payload = await read_object(request, parse_float=Decimal)
        if isinstance(payload, web.Response):
            return payload
        now = services.clock.now()
        payment, problems = read_payment(payload, services.settings.closeloop_tz, now)
        if payment is None:
            return _refused(problems)
        try:
            if key:
                reply = await receive_keyed(
                    services.db, services.payments, await team_id(), payment, now, key, request_hash(payload)
                )
            else:
                reply = reply_for(await services.payments.receive(await team_id(), payment, "api", None, now))
        except PaymentError as error:
            return _refused([error])
        return web.json_response(reply.body, status=reply.status)

    web_app.router.add_post("/api/payments", post_payment)
