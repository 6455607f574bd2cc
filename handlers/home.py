"""The Home tab's Away / Back switch: a rep sets whether new leads come to them.

The switch carries its rep's id; a click by anyone else is refused privately and nothing changes.
The Home view itself is published through the outbox when the roster change is committed.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.render.home import ACTION_AWAY, away_choice
from bot.services import Services
from handlers.interactions import actor, tell_privately
from handlers.leads import refusal
from usecases.leads import LeadError


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the Away / Back switch."""

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
