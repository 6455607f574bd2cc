"""Deals in Slack: `/closeloop deal` (form), a lead's **Convert to deal**, and the deal card's controls.

The deal desk decides who may (the owner, or a manager); anyone else is told privately and nothing
changes. The card and the owner's red-line item follow through the outbox.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.people import Person
from bot.render.deal_card import ACTION_QUOTE, ACTION_STAGE, stage_label
from bot.render.lead_card import ACTION_CONVERT
from bot.render.modals import submitted_values
from bot.render.quote_forms import DEAL_CALLBACK, deal_modal, quote_modal
from bot.services import Services
from domain.money import parse_amount
from handlers.command_table import COMMANDS, CommandCall, Subcommand
from handlers.interactions import actor, open_form, tell_privately
from usecases.deals import DealError, DealForm

# The form field a refusal belongs to; anything else is said against the customer, the form's first field.
_DEAL_ERROR_FIELDS = {
    "deal.error.bad_value": "value",
    "deal.error.title_required": "title",
    "deal.error.bad_currency": "currency",
    "deal.error.unknown_stage": "stage",
}


def deal_form(services: Services, person: Person, channel_id: str, prefill: DealForm | None = None) -> dict:
    """The deal form in the person's language, empty or prefilled from a lead."""
    rules = services.rules
    stages = [(s.id, stage_label(rules, s.id, person.lang)) for s in rules.deals.stages]
    return deal_modal(
        lang=person.lang,
        channel_id=channel_id,
        stages=stages,
        currency=prefill.currency if prefill else rules.deals.currency,
        customer=prefill.customer if prefill else "",
        title=prefill.title if prefill else "",
        value=prefill.value if prefill else None,
        stage=prefill.stage if prefill else None,
        lead_id=prefill.lead_id if prefill else None,
    )


async def quote_form_for(
    services: Services, person: Person, team_id: str, deal_id: int | None
) -> dict | None:
    """The quote form over the person's open deals (None when they have none)."""
    deals = await services.deals.open_deals_of(team_id, person.user_id)
    if deal_id is not None and deal_id not in {i for i, _ in deals}:
        deal = await services.deals.deal(deal_id)
        if deal is not None:
            deals = [(deal.id, deal.title), *deals]
    if not deals:
        return None
    today = services.clock.now().date()
    return quote_modal(
        lang=person.lang,
        deals=deals,
        deal_id=deal_id,
        currency=services.rules.deals.currency,
        valid_until=today + timedelta(days=services.rules.deals.quote_valid_days),
    )


async def _deal(call: CommandCall) -> None:
    """`/closeloop deal`: the form."""
    await call.client.views_open(
        trigger_id=call.trigger_id, view=deal_form(call.services, call.person, call.channel_id)
    )


COMMANDS.add(Subcommand("deal", "", "help.deal", _deal))


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the deal form, Convert to deal, and the deal card's stage menu and Quote button."""
    desk = services.deals

    @app.view(DEAL_CALLBACK)
    async def on_deal(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        values = submitted_values(view)
        metadata = json.loads(view.get("private_metadata") or "{}")
        try:
            value = parse_amount(values.get("value") or "")
        except ValueError:
            await ack(response_action="errors", errors={"value": t(person.lang, "deal.form.bad_value")})
            return
        form = DealForm(
            customer=values.get("customer") or "",
            title=values.get("title") or "",
            value=value,
            currency=values.get("currency") or services.rules.deals.currency,
            stage=values.get("stage") or services.rules.deals.first_stage,
            expected_close=date.fromisoformat(values["close"]) if values.get("close") else None,
            lead_id=metadata.get("lead_id"),
        )
        try:
            deal = await desk.open(body["team"]["id"], person.user_id, form, services.clock.now())
        except DealError as error:
            field = _DEAL_ERROR_FIELDS.get(error.code, "customer")
            await ack(response_action="errors", errors={field: t(person.lang, error.code, **error.params)})
            return
        await ack()
        channel = metadata.get("channel_id")
        if channel:
            key = "deal.opened_dm" if deal.channel_id == person.user_id else "deal.opened"
            text = t(person.lang, key, id=deal.id, title=deal.title, channel=deal.channel_id)
            await client.chat_postEphemeral(channel=channel, user=person.user_id, text=text)

    @app.action(ACTION_CONVERT)
    async def on_convert(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        try:
            prefill = await desk.lead_prefill(int(action["value"]), person.user_id)
        except DealError as error:
            await tell_privately(client, body, person, t(person.lang, error.code, **error.params))
            return
        channel = (body.get("channel") or {}).get("id") or person.user_id
        await open_form(client, body["trigger_id"], deal_form(services, person, channel, prefill), "deal")

    @app.action(ACTION_STAGE)
    async def on_stage(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        deal_id, _, stage = action["selected_option"]["value"].partition("|")
        try:
            await desk.move(int(deal_id), stage, person.user_id, services.clock.now())
        except DealError as error:
            await tell_privately(client, body, person, t(person.lang, error.code, **error.params))

    @app.action(ACTION_QUOTE)
    async def on_quote(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        deal = await desk.deal(int(action["value"]))
        if deal is None:
            await tell_privately(
                client, body, person, t(person.lang, "deal.error.unknown", id=action["value"])
            )
            return
        if person.user_id != deal.owner_id and person.user_id not in services.rules.leads.manager_ids:
            await tell_privately(
                client, body, person, t(person.lang, "deal.error.not_yours", owner=deal.owner_id)
            )
            return
        form = await quote_form_for(services, person, deal.team_id, deal.id)
        if form is not None:
            await open_form(client, body["trigger_id"], form, "quote")
