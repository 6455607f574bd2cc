"""The Home tab's switches: Away / Back (whether new leads come to a rep), and an approver's delegation.

Each button carries its person's id; a click by anyone else is refused privately and nothing changes.
The Home view itself is published through the outbox when the change is committed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.render.home import ACTION_AWAY, ACTION_DELEGATE, ACTION_END_DELEGATION, away_choice
from bot.render.modals import submitted_values
from bot.render.quote_forms import DELEGATE_CALLBACK, delegate_modal
from bot.services import Services
from handlers import quotes
from handlers.interactions import actor, open_form, tell_privately
from handlers.leads import refusal
from usecases.leads import LeadError
from usecases.quotes import QuoteError


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the Away / Back switch and the delegation buttons and form."""

    @app.action(ACTION_AWAY)
    async def on_away(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        user_id, away = away_choice(action["value"])
        if user_id != person.user_id:
            await tell_privately(client, body, person, t(person.lang, "home.not_yours", user=user_id))
            return
        try:
            await services.leads.change_rep(
                body["team"]["id"], user_id, {"away": away}, person.user_id, services.clock.now()
            )
        except LeadError as error:
            await tell_privately(client, body, person, refusal(error, person.lang))

    @app.action(ACTION_DELEGATE)
    async def on_delegate(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        if action["value"] != person.user_id:
            await tell_privately(client, body, person, t(person.lang, "home.not_yours", user=action["value"]))
            return
        until = services.clock.now().date() + timedelta(days=7)
        await open_form(client, body["trigger_id"], delegate_modal(lang=person.lang, until=until), "delegate")

    @app.view(DELEGATE_CALLBACK)
    async def on_delegated(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        values = submitted_values(view)
        try:
            await services.quotes.delegate(
                body["team"]["id"],
                person.user_id,
                values.get("delegate") or "",
                date.fromisoformat(values.get("until") or ""),
                services.clock.now(),
            )
        except QuoteError as error:
            field = "until" if error.code == "delegate.error.past" else "delegate"
            await ack(response_action="errors", errors={field: quotes.refusal(error, person.lang)})
            return
        except ValueError:
            await ack(response_action="errors", errors={"until": t(person.lang, "delegate.usage")})
            return
        await ack()

    @app.action(ACTION_END_DELEGATION)
    async def on_end_delegation(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        if action["value"] != person.user_id:
            await tell_privately(client, body, person, t(person.lang, "home.not_yours", user=action["value"]))
            return
        try:
            await services.quotes.end_delegation(body["team"]["id"], person.user_id, services.clock.now())
        except QuoteError as error:
            await tell_privately(client, body, person, quotes.refusal(error, person.lang))
