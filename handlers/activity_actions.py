"""The record card's buttons (Edit, Undo, pick a customer) and the Edit form's submission.

Each works only for the record's author; anyone else gets a private refusal and nothing changes.
Buttons ack at once; the card's new state reaches Slack through the outbox.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.render.activity_card import ACTION_EDIT, ACTION_PICK_CUSTOMER, ACTION_UNDO
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
from domain.dates import parse_due
from handlers.interactions import actor, open_form, tell_privately
from usecases.activities import ActivityError, RecordEdit


def refusal(error: ActivityError, lang: str) -> str:
    """A refused change in words."""
    return t(lang, f"error.{error.code}", **error.params)


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the card's buttons and the Edit form."""
    desk = services.activities

    @app.action(ACTION_EDIT)
    async def on_edit(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        try:
            shown = await desk.for_edit(int(action["value"]), person.user_id)
        except ActivityError as error:
            await tell_privately(client, body, person, refusal(error, person.lang))
            return
        activity = shown.activity
        # The form must open within the trigger's 3 seconds: it is the one call made from here.
        await open_form(
            client,
            body["trigger_id"],
            edit_modal(
                activity_id=activity.id,
                lang=person.lang,
                tz=person.tz,
                customer_name=shown.customer_name,
                activity_type=activity.activity_type,
                activity_types=[*services.rules.archive.activity_types, "note"],
                summary=activity.summary,
                next_action=activity.next_action,
                due_at=activity.due_at,
                blocker=activity.blocker,
            ),
            "edit",
        )

    @app.action(ACTION_UNDO)
    async def on_undo(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        try:
            await desk.undo(int(action["value"]), person.user_id, services.clock.now())
        except ActivityError as error:
            await tell_privately(client, body, person, refusal(error, person.lang))

    @app.action(ACTION_PICK_CUSTOMER)
    async def on_pick(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        activity_id, _, customer_id = action["selected_option"]["value"].partition(":")
        person = await actor(services, client, body)
        try:
            await desk.pick_customer(int(activity_id), int(customer_id), person.user_id, services.clock.now())
        except ActivityError as error:
            await tell_privately(client, body, person, refusal(error, person.lang))

    @app.view(EDIT_CALLBACK)
    async def on_edit_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        activity_id = int(json.loads(view.get("private_metadata") or "{}").get("activity_id", 0))
        person = await actor(services, client, body)
        values = submitted_values(view)
        due_text = values.get(FIELD_DUE)
        now = services.clock.now()
        if due_text and parse_due(due_text, now, person.tz, calendar=services.rules.calendar) is None:
            await ack(
                response_action="errors",
                errors={FIELD_DUE: t(person.lang, "edit.due_unreadable", text=due_text[:100])},
            )
            return
        changes = RecordEdit(
            customer=values.get(FIELD_CUSTOMER),
            activity_type=values.get(FIELD_TYPE),
            summary=values.get(FIELD_SUMMARY),
            next_action=values.get(FIELD_NEXT),
            due_date=values.get(FIELD_DUE),
            blocker=values.get(FIELD_BLOCKER),
        )
        try:
            await desk.edit(activity_id, person.user_id, changes, person.tz, now)
        except ActivityError as error:
            await ack(response_action="errors", errors={FIELD_SUMMARY: refusal(error, person.lang)})
            return
        await ack()
