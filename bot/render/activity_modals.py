"""The Edit-record and Log-a-follow-up modals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.i18n import t
from bot.render.activity_card import type_label

EDIT_CALLBACK = "activity_edit_modal"
LOG_CALLBACK = "activity_log_modal"

# block_id / action_id pairs read back from `view.state.values`
FIELD_CUSTOMER = "customer"
FIELD_TYPE = "activity_type"
FIELD_SUMMARY = "summary"
FIELD_NEXT = "next_action"
FIELD_DUE = "due_date"
FIELD_BLOCKER = "blocker"
FIELD_STATUS = "status"


def text_input(
    field: str,
    label: str,
    *,
    initial: str | None = None,
    multiline: bool = False,
    optional: bool = True,
    hint: str | None = None,
    max_length: int = 3000,
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=PlainTextObject(text=label),
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
        element=PlainTextInputElement(
            action_id=field, multiline=multiline, initial_value=initial or None, max_length=max_length
        ),
    )


def edit_modal(
    *,
    activity_id: int,
    lang: str,
    tz: str,
    customer_name: str | None,
    activity_type: str,
    activity_types: Sequence[str],
    summary: str,
    next_action: str | None,
    due_at: datetime | None,
    blocker: str | None,
) -> dict:
    """A modal pre-filled with the record, every field editable."""
    options = [
        Option(text=PlainTextObject(text=type_label(name, lang)), value=name) for name in activity_types
    ]
    initial = next((o for o in options if o.value == activity_type), None)
    due_date = due_at.astimezone(ZoneInfo(tz)).date().isoformat() if due_at else None
    view = View(
        type="modal",
        callback_id=EDIT_CALLBACK,
        private_metadata=json.dumps({"activity_id": activity_id}),
        title=PlainTextObject(text=t(lang, "edit.title")),
        submit=PlainTextObject(text=t(lang, "modal.save")),
        close=PlainTextObject(text=t(lang, "modal.cancel")),
        blocks=[
            text_input(FIELD_CUSTOMER, t(lang, "edit.customer"), initial=customer_name, max_length=200),
            InputBlock(
                block_id=FIELD_TYPE,
                label=PlainTextObject(text=t(lang, "edit.type")),
                element=StaticSelectElement(action_id=FIELD_TYPE, options=options, initial_option=initial),
            ),
            text_input(
                FIELD_SUMMARY, t(lang, "edit.summary"), initial=summary, multiline=True, optional=False
            ),
            text_input(FIELD_NEXT, t(lang, "edit.next"), initial=next_action),
            InputBlock(
                block_id=FIELD_DUE,
                label=PlainTextObject(text=t(lang, "edit.due")),
                optional=True,
                element=DatePickerElement(action_id=FIELD_DUE, initial_date=due_date),
            ),
            text_input(FIELD_BLOCKER, t(lang, "edit.blocker"), initial=blocker),
        ],
    )
    return view.to_dict()


def log_modal(*, lang: str, channel_id: str) -> dict:
    """The three-field follow-up log: status today, next action with due date, what blocks it."""
    view = View(
        type="modal",
        callback_id=LOG_CALLBACK,
        private_metadata=json.dumps({"channel_id": channel_id}),
        title=PlainTextObject(text=t(lang, "log.title")),
        submit=PlainTextObject(text=t(lang, "modal.save")),
        close=PlainTextObject(text=t(lang, "modal.cancel")),
        blocks=[
            text_input(
                FIELD_STATUS,
                t(lang, "log.status"),
                multiline=True,
                optional=False,
                hint=t(lang, "log.status_hint"),
            ),
            text_input(FIELD_NEXT, t(lang, "log.next"), hint=t(lang, "log.next_hint")),
            text_input(FIELD_BLOCKER, t(lang, "log.blocker")),
        ],
    )
    return view.to_dict()


def submitted_values(view: dict) -> dict[str, str | None]:
    """The modal's fields as plain strings (None when left empty), whatever element each uses."""
    values: dict[str, str | None] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for state in actions.values():
            if state.get("type") == "static_select":
                selected = state.get("selected_option")
                values[block_id] = selected["value"] if selected else None
            elif state.get("type") == "datepicker":
                values[block_id] = state.get("selected_date")
            else:
                raw = state.get("value")
                values[block_id] = raw.strip() if raw and raw.strip() else None
    return values
