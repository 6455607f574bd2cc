"""The lead intake form and the reassign form."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import InputBlock, Option, PlainTextObject, StaticSelectElement

from bot.i18n import t
from bot.render.modals import modal, text_input

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
    return modal(
        INTAKE_CALLBACK,
        t(lang, "lead.form.title"),
        lang,
        {"channel_id": channel_id},
        [
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


def reassign_modal(*, lang: str, lead_id: int, company: str, reps: Sequence[tuple[str, str]]) -> dict:
    """A manager picks the lead's new owner from the roster."""
    label = f"{t(lang, 'lead.reassign.to')} · {company}"[:2000]
    return modal(
        REASSIGN_CALLBACK,
        t(lang, "lead.reassign.title"),
        lang,
        {"lead_id": lead_id},
        [_select(FIELD_NEW_OWNER, label, reps[:100], optional=False)],
    )
