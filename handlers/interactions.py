"""What every button and form listener needs: who acted, and how to answer them alone."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.people import Person
from bot.services import Services


async def actor(services: Services, client: AsyncWebClient, body: dict[str, Any]) -> Person:
    """The person who clicked a button or submitted a form."""
    return await services.people.lookup(client, body["team"]["id"], body["user"]["id"], services.clock.now())


async def tell_privately(client: AsyncWebClient, body: dict[str, Any], person: Person, text: str) -> None:
    """An ephemeral answer, in the channel of the message whose button was clicked."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if channel:
        await client.chat_postEphemeral(channel=channel, user=person.user_id, text=text)
