"""What every button and form listener needs: who acted, how to answer them alone, and whether Slack is there."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.people import Person
from bot.services import Services

log = logging.getLogger(__name__)


def slack_unreachable(error: BaseException) -> bool:
    """Whether `error` says Slack's Web API could not be reached (an outage, not a refusal)."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        return status >= 500 or status == 429
    return isinstance(error, aiohttp.ClientError | TimeoutError | OSError)


async def open_form(client: AsyncWebClient, trigger_id: str, view: dict[str, Any], what: str) -> None:
    """Open a form for a click already answered; when Slack cannot be reached, say so in one log line."""
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
    except Exception as error:
        if not slack_unreachable(error):
            raise
        log.warning("could not open the %s form: Slack cannot be reached (%s)", what, _reason(error))


def _reason(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        return f"HTTP {error.response.status_code}"
    return f"{type(error).__name__}: {error}".rstrip(": ")


async def actor(services: Services, client: AsyncWebClient, body: dict[str, Any]) -> Person:
    """The person who clicked a button or submitted a form."""
    return await services.people.lookup(client, body["team"]["id"], body["user"]["id"], services.clock.now())


async def tell_privately(client: AsyncWebClient, body: dict[str, Any], person: Person, text: str) -> None:
    """An ephemeral answer, in the channel of the message whose button was clicked; a button on the Home
    tab has no channel, so the answer comes as a direct message."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if channel:
        await client.chat_postEphemeral(channel=channel, user=person.user_id, text=text)
    elif (body.get("container") or {}).get("type") == "view":
        await client.chat_postMessage(channel=person.user_id, text=text)


def unreachable_reason(error: BaseException) -> str:
    """A short, one-line account of why Slack could not be reached."""
    return _reason(error)
