"""Money received in Slack: `/closeloop pay` (the form, or `pay C-2026-0001 30000 BANK-123` at once).

Only finance or a manager records payments; anyone else is told privately and nothing opens. The
payment desk refuses an unknown contract or more than is owed; in the form the refusal is shown on
the field it is about, and the person fixes it there. The owner's DM follows through the outbox.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.people import Person
from bot.render.modals import submitted_values
from bot.render.payment_forms import PAY_CALLBACK, pay_modal, recorded_text
from bot.services import Services
from handlers.command_table import COMMANDS, CommandCall, Subcommand
from handlers.interactions import actor
from usecases.payment_intake import read_payment, refuse_unless_allowed
from usecases.payment_views import owed_contracts, payment_note
from usecases.payments import PaymentError, PaymentInput

# The form's fields; a refusal about anything else (the currency) is said against the amount.
_FORM_FIELDS = ("contract", "amount", "reference", "paid_at")


def _form_field(field: str) -> str:
    return field if field in _FORM_FIELDS else "amount"


async def _record(services: Services, team_id: str, person: Person, payment: PaymentInput) -> str:
    """Record a payment by hand and say so in the person's language (a refusal raises PaymentError)."""
    result = await services.payments.receive(team_id, payment, "slack", person.user_id, services.clock.now())
    note = await payment_note(services.db, result.id)
    assert note is not None  # just recorded, or found by its reference
    return recorded_text(note, duplicate=result.duplicate, lang=person.lang)


def _paid_at(day: str | None, person: Person, now: datetime) -> datetime:
    """The moment a payment counts from: now when it arrived today, else midday of that day, in the
    person's zone (midday keeps the day the same in any neighbouring zone)."""
    zone = ZoneInfo(person.tz)
    if not day or date.fromisoformat(day) == now.astimezone(zone).date():
        return now
    return datetime.combine(date.fromisoformat(day), time(12, 0), zone)


async def _pay(call: CommandCall) -> None:
    """`/closeloop pay` (form) or `/closeloop pay CONTRACT AMOUNT REFERENCE`."""
    lang, services = call.person.lang, call.services
    try:
        refuse_unless_allowed(services.contracts, call.person.user_id)
        words = call.args.split()
        if words:
            if len(words) != 3:
                await call.reply(t(lang, "payment.usage"))
                return
            now = services.clock.now()
            fields = dict(zip(("contract", "amount", "reference"), words, strict=True))
            payment, problems = read_payment(fields, call.person.tz, now)
            if payment is None:
                raise problems[0]
            await call.reply(await _record(services, call.team_id, call.person, payment))
            return
    except PaymentError as error:
        await call.reply(t(lang, error.code, **error.params))
        return
    contracts = await owed_contracts(services.db, call.team_id)
    if not contracts:
        await call.reply(t(lang, "payment.nothing_owed"))
        return
    today = services.clock.now().astimezone(ZoneInfo(call.person.tz)).date()
    form = pay_modal(lang=lang, contracts=contracts, today=today, channel_id=call.channel_id)
    await call.client.views_open(trigger_id=call.trigger_id, view=form)


COMMANDS.add(Subcommand("pay", "usage.pay", "help.pay", _pay))


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the pay form."""

    @app.view(PAY_CALLBACK)
    async def on_pay(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        values = submitted_values(view)
        now = services.clock.now()
        fields = {name: values.get(name) for name in ("contract", "amount", "reference")}  # the day: below
        try:
            refuse_unless_allowed(services.contracts, person.user_id)
            payment, problems = read_payment(fields, person.tz, now)
            if payment is None:
                errors = {_form_field(p.field): t(person.lang, p.code, **p.params) for p in problems}
                await ack(response_action="errors", errors=errors)
                return
            payment = replace(payment, paid_at=_paid_at(values.get("paid_at"), person, now))
            answer = await _record(services, body["team"]["id"], person, payment)
        except PaymentError as error:
            field = _form_field(error.field)
            await ack(response_action="errors", errors={field: t(person.lang, error.code, **error.params)})
            return
        await ack()
        channel = json.loads(view.get("private_metadata") or "{}").get("channel_id")
        if channel:  # the private answer where /closeloop pay was typed
            await client.chat_postEphemeral(channel=channel, user=person.user_id, text=answer)
