"""Pieces every modal shares: the frame (title, Save, Cancel, private metadata), text inputs, and
reading the submitted values back.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
    PlainTextObject,
)
from slack_sdk.models.views import View

from bot.i18n import t


def modal(callback_id: str, title: str, lang: str, metadata: dict[str, Any], blocks: list[Block]) -> dict:
    """A modal with Save and Cancel in `lang`; `metadata` comes back with the submission."""
    return View(
        type="modal",
        callback_id=callback_id,
        private_metadata=json.dumps(metadata),
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=t(lang, "modal.save")),
        close=PlainTextObject(text=t(lang, "modal.cancel")),
        blocks=blocks,
    ).to_dict()


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
    """A text field whose block and action share the field's name, so submissions read back simply."""
    return InputBlock(
        block_id=field,
        label=PlainTextObject(text=label),
        optional=optional,
        hint=PlainTextObject(text=hint) if hint else None,
        element=PlainTextInputElement(
            action_id=field, multiline=multiline, initial_value=initial or None, max_length=max_length
        ),
    )


def date_input(field: str, label: str, initial: date | None, *, optional: bool = False) -> InputBlock:
    """A date picker whose block and action share the field's name, like `text_input`."""
    return InputBlock(
        block_id=field,
        label=PlainTextObject(text=label),
        optional=optional,
        element=DatePickerElement(action_id=field, initial_date=initial.isoformat() if initial else None),
    )


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
            elif state.get("type") == "users_select":
                values[block_id] = state.get("selected_user")
            else:
                raw = state.get("value")
                values[block_id] = raw.strip() if raw and raw.strip() else None
    return values
