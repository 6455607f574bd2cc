"""Leads in Slack: `/closeloop lead` (form, `why`), `/closeloop leads fairness`, and the card's buttons.

Every button checks who pressed it through the lead desk (owner, pool reps, managers); anyone else
gets a private refusal and nothing changes.
"""

from __future__ import annotations

import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.render.lead_card import ACTION_CLAIM, ACTION_CONTACTED, ACTION_REASSIGN, ACTION_RELEASE
from bot.render.lead_forms import (
    FIELD_NEW_OWNER,
    INTAKE_CALLBACK,
    REASSIGN_CALLBACK,
    intake_modal,
    reassign_modal,
)
from bot.render.lead_problems import FORM_FIELD, problem_texts
from bot.render.modals import submitted_values
from bot.services import Services
from handlers.command_table import COMMANDS, CommandCall, Subcommand
from handlers.interactions import actor, open_form, tell_privately
from handlers.lead_reports import fairness_text, why_text
from usecases.lead_input import LeadInput, field_problems, parse_budget
from usecases.leads import LeadError


def refusal(error: LeadError, lang: str) -> str:
    """A lead operation's refusal in words."""
    return t(lang, f"lead.error.{error.code}", **error.params)


async def _lead(call: CommandCall) -> None:
    word, _, rest = call.args.partition(" ")
    if word.lower() == "why":
        lead_id = rest.strip().lstrip("#")
        if not lead_id.isdigit():
            await call.reply(t(call.person.lang, "lead.why.usage"))
            return
        await call.reply(await why_text(call.services, int(lead_id), call.person))
        return
    await call.client.views_open(
        trigger_id=call.trigger_id, view=intake_modal(lang=call.person.lang, channel_id=call.channel_id)
    )


async def _leads(call: CommandCall) -> None:
    word, _, rest = call.args.partition(" ")
    if word.lower() != "fairness":
        await call.reply(COMMANDS.unknown(f"leads {word}".strip(), call.person.lang))
        return
    month = rest.strip() or call.services.clock.now().astimezone(ZoneInfo(call.person.tz)).strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        await call.reply(t(call.person.lang, "fairness.bad_month"))
        return
    await call.reply(await fairness_text(call.services, call.team_id, month, call.person))


COMMANDS.add(Subcommand("lead", "usage.lead", "help.lead", _lead))
COMMANDS.add(Subcommand("leads", "usage.leads", "help.leads", _leads))


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the lead forms and the lead card's buttons."""
    desk = services.leads

    @app.view(INTAKE_CALLBACK)
    async def on_intake(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        values = submitted_values(view)
        try:
            budget_min, budget_max = parse_budget(values.get("budget"))
        except ValueError:
            await ack(response_action="errors", errors={"budget": t(person.lang, "lead.form.bad_budget")})
            return
        fields = {k: v for k, v in values.items() if k != "budget" and v is not None}
        source = fields.get("source")
        try:
            submitted = LeadInput.model_validate(
                fields
                | {"budget_min": budget_min, "budget_max": budget_max, "signals": [source] if source else []}
            )
        except ValidationError as error:
            errors = problem_texts(field_problems(error), person.lang, FORM_FIELD)
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        team_id = body["team"]["id"]
        placement = await desk.intake(team_id, submitted, services.clock.now(), actor_id=person.user_id)
        if placement.merged:
            channel = json.loads(view.get("private_metadata") or "{}").get("channel_id")
            if channel:
                text = t(person.lang, "lead.merged", id=placement.lead.id, company=placement.lead.company)
                await client.chat_postEphemeral(channel=channel, user=person.user_id, text=text)

    operations = {
        ACTION_CLAIM: desk.claim,
        ACTION_CONTACTED: desk.mark_contacted,
        ACTION_RELEASE: desk.release,
    }

    async def on_lead_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Claim, Mark contacted, Release: the desk decides who may; a refusal is said privately.

        What changes on the card (and who is told) was queued by the desk in the same transaction.
        """
        await ack()
        person = await actor(services, client, body)
        operation = operations[action["action_id"]]
        try:
            await operation(int(action["value"]), person.user_id, services.clock.now())
        except LeadError as error:
            await tell_privately(client, body, person, refusal(error, person.lang))

    for action_id in operations:
        app.action(action_id)(on_lead_button)

    @app.action(ACTION_REASSIGN)
    async def on_reassign(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        if not desk.is_manager(person.user_id):
            await tell_privately(client, body, person, t(person.lang, "lead.error.managers_only"))
            return
        lead = await desk.lead(int(action["value"]))
        if lead is None:
            await tell_privately(
                client, body, person, t(person.lang, "lead.error.lead_unknown", id=action["value"])
            )
            return
        reps = [
            (rep.user_id, rep.name) for rep in await desk.roster(lead.team_id) if rep.user_id != lead.owner_id
        ]
        view = reassign_modal(lang=person.lang, lead_id=lead.id, company=lead.company, reps=reps)
        await open_form(client, body["trigger_id"], view, "reassign")

    @app.view(REASSIGN_CALLBACK)
    async def on_reassigned(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        lead_id = int(json.loads(view.get("private_metadata") or "{}").get("lead_id", 0))
        new_owner = submitted_values(view).get(FIELD_NEW_OWNER) or ""
        try:
            await desk.reassign(lead_id, new_owner, person.user_id, services.clock.now())
        except LeadError as error:
            await ack(response_action="errors", errors={FIELD_NEW_OWNER: refusal(error, person.lang)})
            return
        await ack()
