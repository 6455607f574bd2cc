"""The lead card in the pool's channel, the reasons behind it, and the lead forms.

Reasons arrive as codes with figures (domain.leads.Reason) and become words here, in the reader's
language, so the same decision reads "2 open leads (cap 5)" or "2 条未联系（上限 5）". Ids (a lead's
source, a pool) are shown by their catalogue label, never as the id itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import CATALOGUE, humanise, label, t
from bot.render.dates import format_clock
from domain.leads import Reason

ACTION_CLAIM = "lead_claim"
ACTION_CONTACTED = "lead_contacted"
ACTION_RELEASE = "lead_release"
ACTION_REASSIGN = "lead_reassign"
ACTION_CONVERT = "lead_convert"


@dataclass(frozen=True)
class LeadCard:
    """What the lead card shows."""

    lead_id: int
    company: str
    contact: str
    region: str | None
    industry: str | None
    source: str | None
    budget_min: Decimal | None
    budget_max: Decimal | None
    grade: str
    score: int
    fired: Sequence[tuple[str, int]]  # (label, points), in rule order
    status: str
    owner_id: str | None
    why: Sequence[Reason]
    released_from: Sequence[str] = ()
    offered_first: Sequence[str] = ()
    offer_widens_at: datetime | None = None


# Reason parameters that hold an id, and the catalogue labels they are shown by.
_LABELLED_PARAMS = {"pool": "lead.pool"}


def reason_text(reason: Reason, lang: str) -> str:
    """One reason in words; an unknown code (from a newer version) shows as its code made readable."""
    key = f"reason.{reason.code}"
    if key not in CATALOGUE:
        return humanise(str(reason.code))
    params = {
        name: label(lang, _LABELLED_PARAMS[name], str(value)) if name in _LABELLED_PARAMS else value
        for name, value in reason.params.items()
    }
    return t(lang, key, **params)


def reasons_text(reasons: Sequence[Reason], lang: str) -> str:
    """Reasons joined into the one-line why."""
    separator = "，" if lang == "zh" else ", "
    return separator.join(reason_text(r, lang) for r in reasons)


def fired_label(fired: Mapping[str, Any], lang: str) -> str:
    """A fired scoring rule's label in `lang`, as stored on the lead (one text, or one per language)."""
    return fired.get("labels", {}).get(lang, fired["label"])


def fired_text(fired: Sequence[tuple[str, int]], lang: str) -> str:
    """Scoring rules that fired, `Asked for a trial +20, Website form +10`, biggest effect first."""
    separator = "，" if lang == "zh" else ", "
    return separator.join(f"{label} {points:+d}" for label, points in sorted(fired, key=lambda f: -abs(f[1])))


def budget_text(low: Decimal | None, high: Decimal | None, lang: str) -> str:
    """`50,000–80,000`, one figure, or a dash."""
    figures = [f"{value:,.0f}" for value in (low, high) if value is not None]
    return "–".join(dict.fromkeys(figures)) or t(lang, "lead.none")


def render_lead_card(card: LeadCard, lang: str, tz: str = "UTC") -> tuple[str, list[dict]]:
    """The card's notification text and blocks; times are shown in `tz`."""
    none = t(lang, "lead.none")
    why = reasons_text(card.why, lang)
    top_reasons = fired_text(sorted(card.fired, key=lambda f: -abs(f[1]))[:3], lang)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=t(
                    lang,
                    "lead.title",
                    id=card.lead_id,
                    company=card.company,
                    grade=card.grade,
                    score=card.score,
                )
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=t(
                        lang,
                        "lead.facts",
                        contact=card.contact or none,
                        region=card.region or none,
                        industry=card.industry or none,
                        source=label(lang, "lead.source", card.source) if card.source else none,
                        budget=budget_text(card.budget_min, card.budget_max, lang),
                    )
                ),
                MarkdownTextObject(text=t(lang, "lead.score_reasons", reasons=top_reasons or none)),
            ]
        ),
        SectionBlock(text=MarkdownTextObject(text=_status_line(card, why, lang, tz))),
    ]
    notes = []
    if card.released_from:
        owners = ", ".join(f"<@{user}>" for user in card.released_from)
        notes.append(t(lang, "lead.released_note", owners=owners))
    notes.append(t(lang, "lead.thread_hint"))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=n) for n in notes]))
    buttons = _buttons(card, lang)
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    text = t(lang, "lead.fallback", id=card.lead_id, company=card.company, grade=card.grade)
    return text, [block.to_dict() for block in blocks]


def _status_line(card: LeadCard, why: str, lang: str, tz: str) -> str:
    if card.status == "contacted" and card.owner_id:
        return t(lang, "lead.contacted", owner=card.owner_id)
    if card.owner_id:
        return t(lang, "lead.owner_why", owner=card.owner_id, why=why)
    if card.status == "offered":
        return f"{t(lang, 'lead.offered_why', why=why)}\n{offer_phase_text(card, lang, tz)}"
    return t(lang, "lead.public_why", why=why)


def offer_phase_text(card: LeadCard, lang: str, tz: str) -> str:
    """Who may claim an offered lead: the reps below their fair share until a time, or everyone."""
    if card.offered_first and card.offer_widens_at is not None:
        reps = ", ".join(f"<@{user}>" for user in card.offered_first)
        return t(lang, "lead.offer.first", reps=reps, until=format_clock(card.offer_widens_at, tz))
    return t(lang, "lead.offer.everyone")


def _buttons(card: LeadCard, lang: str) -> list[ButtonElement]:
    value = str(card.lead_id)

    def button(action_id: str, key: str, style: str | None = None) -> ButtonElement:
        return ButtonElement(text=t(lang, key), action_id=action_id, value=value, style=style)

    if card.owner_id is None:
        return [
            button(ACTION_CLAIM, "lead.button.claim", "primary"),
            button(ACTION_REASSIGN, "lead.button.reassign"),
        ]
    if card.status == "contacted":
        return [
            button(ACTION_CONVERT, "deal.button.convert", "primary"),
            button(ACTION_REASSIGN, "lead.button.reassign"),
        ]
    return [
        button(ACTION_CONTACTED, "lead.button.contacted", "primary"),
        button(ACTION_RELEASE, "lead.button.release"),
        button(ACTION_REASSIGN, "lead.button.reassign"),
        button(ACTION_CONVERT, "deal.button.convert"),
    ]
