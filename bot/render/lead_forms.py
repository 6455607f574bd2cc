"""The lead intake form and the reassign form."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import InputBlock, Option, PlainTextObject, StaticSelectElement
from slack_sdk.models.views import View

from bot.i18n import t
from bot.render.activity_modals import text_input

INTAKE_CALLBACK = "lead_intake_modal"
REASSIGN_CALLBACK = "lead_reassign_modal"
SOURCES = ("trade_show", "wechat", "referral", "website_form", "phone_inquiry")
URGENCIES = ("red", "yellow", "green")
FIELD_NEW_OWNER = "new_owner"
TEXT_FIELDS = ("company", "contact", "phone", "email", "region", "industry", "budget", "notes")


def _select(
    field: str, label: str, options: Sequence[tuple[str, str]], *, optional: bool = True
) -> InputBlock:
    return InputBlock(
        block_id=field,
        label=PlainTextObject(text=label),
        optional=optional,
        element=StaticSelectElement(
            action_id=field,
            options=[Option(text=PlainTextObject(text=text), value=value) for value, text in options],
        ),
    )


def intake_modal(*, lang: str, channel_id: str) -> dict:
    """The form behind `/closeloop lead`: where the lead came from and who they are."""
    sources = [(s, t(lang, f"lead.source.{s}")) for s in SOURCES]
    urgencies = [(u, t(lang, f"lead.urgency.{u}")) for u in URGENCIES]
    view = View(
        type="modal",
        callback_id=INTAKE_CALLBACK,
        private_metadata=json.dumps({"channel_id": channel_id}),
        title=PlainTextObject(text=t(lang, "lead.form.title")),
        submit=PlainTextObject(text=t(lang, "modal.save")),
        close=PlainTextObject(text=t(lang, "modal.cancel")),
        blocks=[
            _select("source", t(lang, "lead.form.source"), sources),
            text_input("company", t(lang, "lead.form.company"), optional=False, max_length=200),
            text_input("contact", t(lang, "lead.form.contact"), max_length=200),
            text_input("phone", t(lang, "lead.form.phone"), max_length=40),
            text_input("email", t(lang, "lead.form.email"), max_length=200),
            text_input("region", t(lang, "lead.form.region"), max_length=100),
            text_input("industry", t(lang, "lead.form.industry"), max_length=100),
            text_input("budget", t(lang, "lead.form.budget"), max_length=60),
            _select("urgency", t(lang, "lead.form.urgency"), urgencies),
            text_input("notes", t(lang, "lead.form.notes"), multiline=True, max_length=3000),
        ],
    )
    return view.to_dict()


def reassign_modal(*, lang: str, lead_id: int, company: str, reps: Sequence[tuple[str, str]]) -> dict:
    """A manager picks the lead's new owner from the roster."""
    view = View(
        type="modal",
        callback_id=REASSIGN_CALLBACK,
        private_metadata=json.dumps({"lead_id": lead_id}),
        title=PlainTextObject(text=t(lang, "lead.reassign.title")),
        submit=PlainTextObject(text=t(lang, "modal.save")),
        close=PlainTextObject(text=t(lang, "modal.cancel")),
        blocks=[
            _select(
                FIELD_NEW_OWNER,
                f"{t(lang, 'lead.reassign.to')} · {company}"[:2000],
                reps[:100],
                optional=False,
            )
        ],
    )
    return view.to_dict()
