"""A handover in Slack: the manager's preview with Hand over / Cancel, and the new owner's DM with
Confirm until they confirm, then who confirmed when."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import t
from bot.render.dates import format_moment
from storage.models import Handover
from usecases.handover import KINDS, Preview

ACTION_CARRY_OUT = "handover_carry_out"
ACTION_CANCEL = "handover_cancel"
ACTION_CONFIRM = "handover_confirm"
NAMES_SHOWN = 10  # a long list of names is cut: the counts say how many there are


def carry_out_value(from_id: str, to_id: str, by: str) -> str:
    """What the preview's Hand over button carries: who leaves, who receives, which manager asked."""
    return json.dumps({"from": from_id, "to": to_id, "by": by})


def read_carry_out_value(value: str) -> tuple[str, str, str]:
    """(from, to, by) back from a Hand over button."""
    data = json.loads(value)
    return data["from"], data["to"], data["by"]


def _lines(counts: dict[str, int], names: dict[str, list[str]], lang: str) -> list[str]:
    """One line per kind that moves: how many, and which by name where things have one."""
    lines = []
    for kind in KINDS:
        if not counts.get(kind):
            continue
        what = t(lang, f"handover.kind.{kind}", count=counts[kind])
        shown = names.get(kind, [])[:NAMES_SHOWN]
        if shown:
            more = "…" if counts[kind] > len(shown) else ""
            lines.append(t(lang, "handover.line.named", what=what, names=", ".join(shown) + more))
        else:
            lines.append(t(lang, "handover.line", what=what))
    return lines


def render_preview(from_id: str, preview: Preview, by: str, lang: str) -> tuple[str, list[dict]]:
    """The manager's private preview: what would move to whom, and the buttons to go on or not."""
    text = t(lang, "handover.preview", from_user=from_id, to_user=preview.to_id)
    lines = [text]
    if preview.fallback:
        lines.append(t(lang, "handover.preview.fallback", from_user=from_id, to_user=preview.to_id))
    lines += _lines(preview.counts, {}, lang)
    buttons = [
        ButtonElement(
            text=t(lang, "handover.button.carry_out"),
            action_id=ACTION_CARRY_OUT,
            value=carry_out_value(from_id, preview.to_id, by),
            style="danger",
        ),
        ButtonElement(text=t(lang, "handover.button.cancel"), action_id=ACTION_CANCEL, value=from_id),
    ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ActionsBlock(block_id="handover-preview", elements=buttons),
    ]
    return text, [block.to_dict() for block in blocks]


def render_handover(handover: Handover, lang: str, tz: str) -> tuple[str, list[dict]]:
    """The new owner's DM: whose work, what came, and Confirm, or who confirmed it and when."""
    text = t(lang, "handover.dm.text", by=handover.by_id, from_user=handover.from_id)
    moved = handover.moved
    counts = {kind: len(moved.get(kind, [])) for kind in KINDS}
    names = {kind: [item["name"] for item in moved.get(kind, []) if "name" in item] for kind in KINDS}
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="\n".join([text, *_lines(counts, names, lang)])))
    ]
    if handover.confirmed_at is not None:
        when = format_moment(handover.confirmed_at, tz, lang)
        note = t(lang, "handover.dm.confirmed", user=handover.to_id, when=when)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    else:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(lang, "handover.dm.ask"))]))
        blocks.append(
            ActionsBlock(block_id=f"handover-{handover.id}", elements=[confirm_button(handover.id, lang)])
        )
    return text, [block.to_dict() for block in blocks]


def confirm_button(handover_id: int, lang: str) -> ButtonElement:
    """Confirm, for the new owner: in their DM and on their list alike."""
    return ButtonElement(
        text=t(lang, "handover.button.confirm"),
        action_id=ACTION_CONFIRM,
        value=str(handover_id),
        style="primary",
    )
