"""Contracts in Slack: **Customer signed** on a deal card and `/closeloop contract signed Q-…`, finance's
**Add details**, and the owner's **Give the reason** when a payment turns red.

The contract desk decides who may; anyone else is told privately and nothing changes. What follows
(the deal card, finance's items and DMs) goes through the outbox.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.people import Person
from bot.render.contracts import (
    ACTION_DETAILS,
    ACTION_LATE_REASON,
    ACTION_SIGNED,
    DETAILS_CALLBACK,
    LATE_REASON_CALLBACK,
    SIGN_CALLBACK,
    details_modal,
    late_reason_modal,
    sign_modal,
)
from bot.render.dates import format_day
from bot.render.modals import submitted_values
from bot.services import Services
from handlers.command_table import COMMANDS, CommandCall, Subcommand
from handlers.interactions import actor, open_form, tell_privately
from usecases.contracts import ContractError, Signed, Signing

# The form field a refusal belongs to; anything else is said against the signing day.
_SIGN_ERROR_FIELDS = {"contract.error.delivery_before_signing": "delivery_on"}


def signed_text(signed: Signed, lang: str) -> str:
    contract = signed.contract
    return t(
        lang,
        "contract.signed",
        contract=contract.number,
        number=signed.quote_number,
        count=len(signed.instalments),
        day=format_day(signed.instalments[0].due_on, lang),
    )


async def _contract(call: CommandCall) -> None:
    """`/closeloop contract signed Q-2026-0001`: signed today, delivery as the rules file expects."""
    word, _, number = call.args.strip().partition(" ")
    if word.lower() not in ("signed", "sign", "签约") or not number.strip():
        await call.reply(t(call.person.lang, "contract.usage"))
        return
    services = call.services
    try:
        signed = await services.contracts.sign(
            call.team_id, Signing(number.strip()), call.person.user_id, services.clock.now()
        )
    except ContractError as error:
        await call.reply(t(call.person.lang, error.code, **error.params))
        return
    await call.reply(signed_text(signed, call.person.lang))


COMMANDS.add(Subcommand("contract", "usage.contract", "help.contract", _contract))


def register(app: AsyncApp, services: Services) -> None:
    """Listen to Customer signed, Add details and Give the reason, and to their forms."""
    desk = services.contracts

    async def refuse(
        client: AsyncWebClient, body: dict[str, Any], person: Person, error: ContractError
    ) -> None:
        await tell_privately(client, body, person, t(person.lang, error.code, **error.params))

    @app.action(ACTION_SIGNED)
    async def on_signed(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        try:
            desk.check_signer(await desk.quote_owner(body["team"]["id"], action["value"]), person.user_id)
        except ContractError as error:
            await refuse(client, body, person, error)
            return
        today = services.clock.now().astimezone(ZoneInfo(person.tz)).date()
        form = sign_modal(
            lang=person.lang,
            number=action["value"],
            signed_on=today,
            delivery_on=today + timedelta(days=services.rules.contracts.delivery_days),
            channel_id=(body.get("channel") or {}).get("id") or person.user_id,
        )
        await open_form(client, body["trigger_id"], form, "contract")

    @app.view(SIGN_CALLBACK)
    async def on_sign(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        values = submitted_values(view)
        metadata = json.loads(view.get("private_metadata") or "{}")
        signing = Signing(
            metadata.get("number", ""),
            date.fromisoformat(values["signed_on"]) if values.get("signed_on") else None,
            date.fromisoformat(values["delivery_on"]) if values.get("delivery_on") else None,
        )
        try:
            signed = await desk.sign(body["team"]["id"], signing, person.user_id, services.clock.now())
        except ContractError as error:
            field = _SIGN_ERROR_FIELDS.get(error.code, "signed_on")
            await ack(response_action="errors", errors={field: t(person.lang, error.code, **error.params)})
            return
        await ack()
        if metadata.get("channel_id"):
            await client.chat_postEphemeral(
                channel=metadata["channel_id"], user=person.user_id, text=signed_text(signed, person.lang)
            )

    @app.action(ACTION_DETAILS)
    async def on_details(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        try:
            missing = await desk.missing_for(int(action["value"]), person.user_id)
        except ContractError as error:
            await refuse(client, body, person, error)
            return
        if missing:
            form = details_modal(lang=person.lang, contract_id=int(action["value"]), missing=missing)
            await open_form(client, body["trigger_id"], form, "details")

    @app.view(DETAILS_CALLBACK)
    async def on_details_form(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        values = {name: value or "" for name, value in submitted_values(view).items()}
        contract_id = int(json.loads(view.get("private_metadata") or "{}").get("contract_id", 0))
        try:
            # The DM that asked for the details shows them added; finance's invoice DM follows.
            await desk.supply_details(contract_id, person.user_id, values, services.clock.now())
        except ContractError as error:
            field = str(error.params.get("field") or next(iter(values), "tax_id"))  # the empty one
            await ack(response_action="errors", errors={field: t(person.lang, error.code, **error.params)})
            return
        await ack()

    @app.action(ACTION_LATE_REASON)
    async def on_reason_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        try:
            await desk.check_reason_writer(int(action["value"]), person.user_id)
        except ContractError as error:
            await refuse(client, body, person, error)
            return
        form = late_reason_modal(lang=person.lang, instalment_id=int(action["value"]))
        await open_form(client, body["trigger_id"], form, "reason")

    @app.view(LATE_REASON_CALLBACK)
    async def on_reason(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        instalment_id = int(json.loads(view.get("private_metadata") or "{}").get("instalment_id", 0))
        reason = submitted_values(view).get("reason") or ""
        try:
            await desk.record_reason(instalment_id, person.user_id, reason, services.clock.now())
        except ContractError as error:
            await ack(response_action="errors", errors={"reason": t(person.lang, error.code, **error.params)})
            return
        await ack()
