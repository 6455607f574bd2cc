"""The activity-record card posted in the thread, and its undone form.

Blocks are built with slack-sdk's models, so what Slack would reject fails here first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot.i18n import CATALOGUE, t
from bot.render.dates import format_moment

ACTION_EDIT = "activity_edit"
ACTION_UNDO = "activity_undo"
ACTION_PICK_CUSTOMER = "activity_pick_customer"
_SECTION_LIMIT = 3000


@dataclass(frozen=True)
class ActivityCard:
    """What the card shows, already resolved to names and the reader's zone."""

    activity_id: int
    author_id: str
    customer_name: str | None
    activity_type: str
    summary: str
    signal_labels: Sequence[str]
    next_action: str | None
    due_at: datetime | None
    blocker: str | None = None
    unreadable_due: str | None = None
    history_partial: bool = False
    customer_choices: Sequence[tuple[int, str]] = ()


def type_label(activity_type: str, lang: str) -> str:
    """An activity type's name; types an admin added in the rules show as written."""
    key = f"type.{activity_type}"
    return t(lang, key) if key in CATALOGUE else activity_type


def render_card(card: ActivityCard, lang: str, tz: str) -> tuple[str, list[dict]]:
    """The card's notification text and blocks."""
    none = t(lang, "word.none")
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=t(lang, "card.title", id=card.activity_id))),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=t(lang, "card.customer", value=card.customer_name or none)),
                MarkdownTextObject(text=t(lang, "card.type", value=type_label(card.activity_type, lang))),
                MarkdownTextObject(text=t(lang, "card.next", value=_clip(card.next_action or none, 1900))),
                MarkdownTextObject(
                    text=t(
                        lang, "card.due", value=format_moment(card.due_at, tz, lang) if card.due_at else none
                    )
                ),
            ]
        ),
        SectionBlock(
            text=MarkdownTextObject(text=t(lang, "card.summary", value=_quote(card.summary or none)))
        ),
    ]
    if card.blocker:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=t(lang, "card.blocker", value=_clip(card.blocker))))
        )
    blocks.extend(_customer_prompt(card, lang))
    notes = [t(lang, "card.by", user=card.author_id)]
    if card.signal_labels:
        notes.append(t(lang, "card.signals", value=", ".join(card.signal_labels)))
    if card.unreadable_due:
        notes.append(t(lang, "card.due_unreadable", text=_clip(card.unreadable_due, 200)))
    if card.history_partial:
        notes.append(t(lang, "card.history_partial"))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note) for note in notes]))
    blocks.append(_buttons(card.activity_id, lang))
    text = t(lang, "card.fallback", id=card.activity_id, customer=card.customer_name or none)
    return text, [block.to_dict() for block in blocks]


def render_undone(activity_id: int, user_id: str, lang: str) -> tuple[str, list[dict]]:
    """What the card becomes once its record is undone."""
    text = t(lang, "card.undone", id=activity_id, user=user_id)
    return text, [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]


def _customer_prompt(card: ActivityCard, lang: str) -> list[Block]:
    if card.customer_name:
        return []
    if not card.customer_choices:
        return [SectionBlock(text=MarkdownTextObject(text=t(lang, "card.no_customer_edit")))]
    picker = StaticSelectElement(
        action_id=ACTION_PICK_CUSTOMER,
        placeholder=PlainTextObject(text=t(lang, "card.pick_placeholder")),
        options=[
            Option(text=PlainTextObject(text=_clip(name, 75)), value=f"{card.activity_id}:{customer_id}")
            for customer_id, name in card.customer_choices[:100]
        ],
    )
    return [SectionBlock(text=MarkdownTextObject(text=t(lang, "card.no_customer_pick")), accessory=picker)]


def _buttons(activity_id: int, lang: str) -> ActionsBlock:
    confirm = ConfirmObject(
        title=t(lang, "card.undo_confirm_title"),
        text=t(lang, "card.undo_confirm_text"),
        confirm=t(lang, "card.undo_confirm_yes"),
        deny=t(lang, "modal.cancel"),
    )
    return ActionsBlock(
        elements=[
            ButtonElement(text=t(lang, "button.edit"), action_id=ACTION_EDIT, value=str(activity_id)),
            ButtonElement(
                text=t(lang, "button.undo"),
                action_id=ACTION_UNDO,
                value=str(activity_id),
                style="danger",
                confirm=confirm,
            ),
        ]
    )


def _quote(text: str) -> str:
    return "\n".join(f">{line}" for line in _clip(text, _SECTION_LIMIT - 200).splitlines())


def _clip(text: str, limit: int = _SECTION_LIMIT - 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
