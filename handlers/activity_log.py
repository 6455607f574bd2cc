"""`/closeloop log` (one line, or the three-field form) and `/closeloop link-channel`."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.render.activity_modals import (
    FIELD_BLOCKER,
    FIELD_NEXT,
    FIELD_STATUS,
    LOG_CALLBACK,
    log_modal,
)
from bot.render.modals import submitted_values
from bot.services import Services
from handlers.command_table import COMMANDS, CommandCall, Subcommand
from handlers.interactions import actor
from usecases.tasks import TaskError


async def _log(call: CommandCall) -> None:
    if not call.args:
        await call.client.views_open(
            trigger_id=call.trigger_id, view=log_modal(lang=call.person.lang, channel_id=call.channel_id)
        )
        return
    filed = await call.services.activities.log_follow_up(
        team_id=call.team_id,
        channel_id=call.channel_id,
        author_id=call.person.user_id,
        author_tz=call.person.tz,
        text=call.args,
        now=call.services.clock.now(),
    )
    if filed.unknown_customer:
        await call.reply(
            t(call.person.lang, "log.customer_unknown", name=filed.unknown_customer, id=filed.activity.id)
        )


async def _link_channel(call: CommandCall) -> None:
    flag, _, rest = call.args.partition(" ")
    desk, now = call.services.activities, call.services.clock.now()
    if flag == "--remove":
        unlinked = await desk.unlink_channel(call.team_id, call.channel_id)
        await call.reply(
            t(call.person.lang, "link.removed", customer=unlinked)
            if unlinked
            else t(call.person.lang, "link.none")
        )
        return
    create = flag == "--new"
    name = rest.strip() if create else call.args
    if not name:
        await call.reply(t(call.person.lang, "link.usage"))
        return
    linked = await desk.link_channel(
        call.team_id, call.channel_id, name, call.person.user_id, now, create=create
    )
    if linked.customer is None:
        await call.reply(t(call.person.lang, "link.unknown", name=linked.unknown))
        return
    await call.reply(t(call.person.lang, "link.done", customer=linked.customer))


COMMANDS.add(Subcommand("log", "usage.log", "help.log", _log))
COMMANDS.add(Subcommand("link-channel", "usage.link", "help.link", _link_channel))


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the log form's submission."""

    @app.view(LOG_CALLBACK)
    async def on_log_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        values = submitted_values(view)
        status = values.get(FIELD_STATUS)
        person = await actor(services, client, body)
        if not status:
            await ack(response_action="errors", errors={FIELD_STATUS: t(person.lang, "log.empty")})
            return
        await ack()
        next_action = values.get(FIELD_NEXT)
        prefix = services.rules.archive.next_prefixes[0]
        text = f"{status}\n{prefix}: {next_action}" if next_action else status
        metadata = json.loads(view.get("private_metadata") or "{}")
        now = services.clock.now()
        await services.activities.log_follow_up(
            team_id=body["team"]["id"],
            channel_id=metadata.get("channel_id", person.user_id),
            author_id=person.user_id,
            author_tz=person.tz,
            text=text,
            now=now,
            blocker=values.get(FIELD_BLOCKER),
        )
        if metadata.get("task_id"):  # logged from a to-do item: that item is done
            with contextlib.suppress(TaskError):
                await services.tasks.done(int(metadata["task_id"]), person.user_id, now)
