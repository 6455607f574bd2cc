"""The Edit-record and Log-a-follow-up modals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextObject,
    StaticSelectElement,
)

from bot.i18n import t
from bot.render.activity_card import type_label
from bot.render.modals import modal, text_input

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
    return modal(
        EDIT_CALLBACK,
        t(lang, "edit.title"),
        lang,
        {"activity_id": activity_id},
        [
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
            # Plain words, as in a thread (下周三, Friday, 3个工作日内) or a date: one reader for both.
            text_input(
                FIELD_DUE,
                t(lang, "edit.due"),
                initial=due_date,
                hint=t(lang, "edit.due_hint"),
                max_length=100,
            ),
            text_input(FIELD_BLOCKER, t(lang, "edit.blocker"), initial=blocker),
        ],
    )


def log_modal(
    *,
    lang: str,
    channel_id: str,
    status: str | None = None,
    next_action: str | None = None,
    task_id: int | None = None,
) -> dict:
    """The three-field follow-up log: status today, next action with due date, what blocks it.

    Opened from a to-do item, it starts filled in with the item, and saving it closes the item.
    """
    metadata: dict[str, object] = {"channel_id": channel_id}
    if task_id is not None:
        metadata["task_id"] = task_id
    return modal(
        LOG_CALLBACK,
        t(lang, "log.title"),
        lang,
        metadata,
        [
            text_input(
                FIELD_STATUS,
                t(lang, "log.status"),
                initial=status,
                multiline=True,
                optional=False,
                hint=t(lang, "log.status_hint"),
            ),
            text_input(FIELD_NEXT, t(lang, "log.next"), initial=next_action, hint=t(lang, "log.next_hint")),
            text_input(FIELD_BLOCKER, t(lang, "log.blocker")),
        ],
    )
