"""The record card's buttons (Edit, Undo, pick a customer) and the Edit form's submission.

Each works only for the record's author; anyone else gets a private refusal and nothing changes.
"""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.people import Person
from bot.render.activity_card import ACTION_EDIT, ACTION_PICK_CUSTOMER, ACTION_UNDO, render_undone
from bot.render.activity_modals import (
    EDIT_CALLBACK,
    FIELD_BLOCKER,
    FIELD_CUSTOMER,
    FIELD_DUE,
    FIELD_NEXT,
    FIELD_SUMMARY,
    FIELD_TYPE,
    edit_modal,
)
from bot.render.modals import submitted_values
from bot.services import Services
from domain.dates import find_due
from handlers.interactions import actor, tell_privately
from handlers.records import show_record
from storage import activities, customers, threads
from storage.models import Activity

_END_OF_DAY = time(18, 0)


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the card's buttons and the Edit form."""

    async def authorised(
        body: dict[str, Any], client: AsyncWebClient, activity_id: int
    ) -> tuple[Person, Activity | None]:
        """The clicking person, and the record if they may act on it (else they have been told why)."""
        person = await actor(services, client, body)
        async with services.db.sessions() as session:
            activity = await activities.get(session, activity_id)
        refusal = None
        if activity is None:
            refusal = t(person.lang, "error.gone")
        elif activity.author_id != person.user_id:
            refusal = t(person.lang, "error.not_yours", owner=activity.author_id)
        if refusal is not None:
            await tell_privately(client, body, person, refusal)
            return person, None
        return person, activity

    @app.action(ACTION_EDIT)
    async def on_edit(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person, activity = await authorised(body, client, int(action["value"]))
        if activity is None:
            return
        async with services.db.sessions() as session:
            customer = await customers.get(session, activity.customer_id) if activity.customer_id else None
        await client.views_open(
            trigger_id=body["trigger_id"],
            view=edit_modal(
                activity_id=activity.id,
                lang=person.lang,
                tz=person.tz,
                customer_name=customer.name if customer else None,
                activity_type=activity.activity_type,
                activity_types=[*services.rules.archive.activity_types, "note"],
                summary=activity.summary,
                next_action=activity.next_action,
                due_at=activity.due_at,
                blocker=activity.blocker,
            ),
        )

    @app.action(ACTION_UNDO)
    async def on_undo(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person, activity = await authorised(body, client, int(action["value"]))
        if activity is None:
            return
        async with services.db.sessions.begin() as session:
            stored = await activities.get(session, activity.id)
            if stored is None:
                return
            if stored.thread_ts:
                await threads.mark_archived(session, stored.channel_id, stored.thread_ts, archived=False)
            await activities.delete(session, stored)
        if activity.card_channel and activity.card_ts:
            text, blocks = render_undone(activity.id, person.user_id, person.lang)
            await client.chat_update(
                channel=activity.card_channel, ts=activity.card_ts, text=text, blocks=blocks
            )

    @app.action(ACTION_PICK_CUSTOMER)
    async def on_pick(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        activity_id, _, customer_id = action["selected_option"]["value"].partition(":")
        person, activity = await authorised(body, client, int(activity_id))
        if activity is None:
            return
        now = services.clock.now()
        async with services.db.sessions.begin() as session:
            customer = await customers.get(session, int(customer_id))
            stored = await activities.get(session, activity.id)
            if customer is None or stored is None or customer.team_id != stored.team_id:
                return
            activity = await activities.update_fields(session, stored, now, customer_id=customer.id)
        await show_record(services, client, activity, person)

    @app.view(EDIT_CALLBACK)
    async def on_edit_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        activity_id = int(json.loads(view.get("private_metadata") or "{}").get("activity_id", 0))
        person = await actor(services, client, body)
        values = submitted_values(view)
        now = services.clock.now()
        async with services.db.sessions.begin() as session:
            stored = await activities.get(session, activity_id)
            problem = None
            if stored is None:
                problem = t(person.lang, "error.gone")
            elif stored.author_id != person.user_id:
                problem = t(person.lang, "error.not_yours", owner=stored.author_id)
            if problem is not None or stored is None:
                await ack(response_action="errors", errors={FIELD_SUMMARY: problem})
                return
            name = values.get(FIELD_CUSTOMER)
            customer = await customers.find_or_create(session, stored.team_id, name, now) if name else None
            next_action = values.get(FIELD_NEXT)
            activity = await activities.update_fields(
                session,
                stored,
                now,
                customer_id=customer.id if customer else None,
                activity_type=values.get(FIELD_TYPE) or stored.activity_type,
                summary=values.get(FIELD_SUMMARY) or stored.summary,
                next_action=next_action,
                due_at=_due_from_form(values.get(FIELD_DUE), next_action, stored.due_at, person.tz, now),
                blocker=values.get(FIELD_BLOCKER),
            )
        await ack()
        await show_record(services, client, activity, person)


def _due_from_form(
    picked: str | None, next_action: str | None, previous: datetime | None, tz: str, now: datetime
) -> datetime | None:
    """The date picked (keeping the earlier time of day), else a date written in the next action."""
    zone = ZoneInfo(tz)
    if picked:
        time_of_day = previous.astimezone(zone).timetz().replace(tzinfo=None) if previous else _END_OF_DAY
        return datetime.combine(datetime.fromisoformat(picked).date(), time_of_day, zone)
    if next_action:
        found = find_due(next_action, now, tz)
        return found.due if found else None
    return None
