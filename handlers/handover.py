"""A rep leaving in Slack: `/closeloop handover @leaving [@successor]`, the manager's Hand over and
Cancel, and the new owner's Confirm.

The command only previews, privately; the work moves when the manager who asked clicks Hand over (the
desk checks again that they are a manager). Whoever else clicks is told privately and nothing changes.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.render.handover import (
    ACTION_CANCEL,
    ACTION_CARRY_OUT,
    ACTION_CONFIRM,
    read_carry_out_value,
    render_preview,
)
from bot.services import Services
from handlers.command_table import COMMANDS, MENTION, CommandCall, Subcommand
from handlers.interactions import actor, tell_privately
from usecases.handover import HandoverError


def _refusal(error: HandoverError, lang: str) -> str:
    return t(lang, error.code, **error.params)


async def _handover(call: CommandCall) -> None:
    """`/closeloop handover @leaving` (to their manager) or `@leaving @successor`: the preview."""
    lang, args = call.person.lang, call.args.strip()
    leaving = MENTION.match(args)
    rest = args[leaving.end() :].strip() if leaving else ""
    successor = MENTION.match(rest)
    if leaving is None or (rest and (successor is None or rest[successor.end() :].strip())):
        await call.reply(t(lang, "handover.usage"))
        return
    from_id, by = leaving.group(1), call.person.user_id
    try:
        preview = await call.services.handovers.preview(
            call.team_id, from_id, successor.group(1) if successor else None, by
        )
    except HandoverError as error:
        await call.reply(_refusal(error, lang))
        return
    await call.reply(*render_preview(from_id, preview, by, lang))


COMMANDS.add(Subcommand("handover", "usage.handover", "help.handover", _handover))


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the preview's Hand over and Cancel and the new owner's Confirm."""
    desk = services.handovers

    @app.action(ACTION_CARRY_OUT)
    async def on_carry_out(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        from_id, to_id, asker = read_carry_out_value(action["value"])
        if person.user_id != asker:
            await tell_privately(client, body, person, t(person.lang, "handover.error.not_asker", user=asker))
            return
        try:
            await desk.carry_out(body["team"]["id"], from_id, to_id, person.user_id, services.clock.now())
        except HandoverError as error:
            await tell_privately(client, body, person, _refusal(error, person.lang))
            return
        await tell_privately(client, body, person, t(person.lang, "handover.done", to_user=to_id))

    @app.action(ACTION_CANCEL)
    async def on_cancel(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        person = await actor(services, client, body)
        await tell_privately(client, body, person, t(person.lang, "handover.cancelled"))

    @app.action(ACTION_CONFIRM)
    async def on_confirm(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        try:
            await desk.confirm(int(action["value"]), person.user_id, services.clock.now())
        except HandoverError as error:
            await tell_privately(client, body, person, _refusal(error, person.lang))
