"""The `/closeloop` slash command: parse with the table, run the subcommand, answer privately."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.services import Services
from handlers.command_table import COMMANDS, CommandCall, slash_payload_fields
from handlers.interactions import slack_unreachable, unreachable_reason

log = logging.getLogger(__name__)


def register(app: AsyncApp, services: Services) -> None:
    """Listen to `/closeloop` (and any alias the manifest adds that maps to the same request URL)."""

    @app.command("/closeloop")
    async def on_closeloop(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        team_id, channel_id, user_id, text, trigger_id = slash_payload_fields(body)
        person = await services.people.lookup(client, team_id, user_id, services.clock.now())
        answer: dict[str, Any] = {}

        async def reply(text: str, blocks: list[dict] | None = None) -> None:
            answer.update(text=text, blocks=blocks)

        subcommand, word, rest = COMMANDS.parse(text)
        if not word:
            subcommand, rest = COMMANDS.entries["help"], ""
        if subcommand is None:
            await ack(text=COMMANDS.unknown(word, person.lang), response_type="ephemeral")
            return
        try:
            await subcommand.run(
                CommandCall(services, client, person, team_id, channel_id, rest, trigger_id, reply)
            )
        except Exception as error:
            # Work that needs Slack (opening a form) cannot happen now; the person hears it at once.
            if not slack_unreachable(error):
                raise
            log.warning(
                "/closeloop %s: Slack cannot be reached (%s)", subcommand.name, unreachable_reason(error)
            )
            await ack(text=t(person.lang, "slack.unreachable"), response_type="ephemeral")
            return
        if answer:
            await ack(response_type="ephemeral", **{k: v for k, v in answer.items() if v is not None})
        else:
            await ack()
