"""`/closeloop log` (one line, or the three-field form) and `/closeloop link-channel`."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.people import Person
from bot.render.activity_modals import (
    FIELD_BLOCKER,
    FIELD_NEXT,
    FIELD_STATUS,
    LOG_CALLBACK,
    log_modal,
)
from bot.render.modals import submitted_values
from bot.services import Services
from domain.archive import build_summary, parse_log_line, plain_text
from domain.dates import find_due
from domain.signals import detect_signals
from handlers.command_table import COMMANDS, CommandCall, Subcommand
from handlers.interactions import actor
from handlers.records import show_record
from storage import activities, customers
from storage.activities import ActivityDraft


async def log_follow_up(
    services: Services,
    client: AsyncWebClient,
    person: Person,
    *,
    team_id: str,
    channel_id: str,
    text: str,
    blocker: str | None = None,
) -> None:
    """Record a follow-up typed as one line (`ACME called, next: 3天后 send quote`) and show its card."""
    now = services.clock.now()
    syntax = services.rules.archive_syntax
    async with services.db.sessions.begin() as session:
        known = [c.name for c in await customers.list_names(session, team_id, limit=1000)]
        line = parse_log_line(plain_text(text), syntax, known)
        customer = (
            await customers.find_or_create(session, team_id, line.customer, now)
            if line.customer
            else await customers.linked_to(session, team_id, channel_id)
        )
        due = find_due(line.next_action, now, person.tz) if line.next_action else None
        context = "\n".join(part for part in (line.status, blocker) if part)
        record = await activities.create_logged(
            session,
            ActivityDraft(
                team_id=team_id,
                source="command",
                channel_id=channel_id,
                thread_ts=None,
                message_ts=None,
                author_id=person.user_id,
                customer_id=customer.id if customer else None,
                activity_type=None,
                summary=build_summary([line.status], services.rules.archive.summary_chars),
                full_text=line.status,
                signals=list(detect_signals(context, services.rules.signal_rules)),
                next_action=line.next_action,
                due_at=due.due if due else None,
                blocker=blocker,
            ),
            now,
        )
    unreadable = line.next_action if line.next_action and due is None else None
    await show_record(services, client, record, person, unreadable_due=unreadable)


async def _log(call: CommandCall) -> None:
    if not call.args:
        await call.client.views_open(
            trigger_id=call.trigger_id, view=log_modal(lang=call.person.lang, channel_id=call.channel_id)
        )
        return
    await log_follow_up(
        call.services,
        call.client,
        call.person,
        team_id=call.team_id,
        channel_id=call.channel_id,
        text=call.args,
    )


async def _link_channel(call: CommandCall) -> None:
    if not call.args:
        await call.reply(t(call.person.lang, "link.usage"))
        return
    now = call.services.clock.now()
    async with call.services.db.sessions.begin() as session:
        customer = await customers.find_or_create(session, call.team_id, plain_text(call.args), now)
        await customers.link_channel(
            session, call.team_id, call.channel_id, customer, call.person.user_id, now
        )
    await call.reply(t(call.person.lang, "link.done", customer=customer.name))


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
        await log_follow_up(
            services,
            client,
            person,
            team_id=body["team"]["id"],
            channel_id=json.loads(view.get("private_metadata") or "{}").get("channel_id", person.user_id),
            text=text,
            blocker=values.get(FIELD_BLOCKER),
        )
