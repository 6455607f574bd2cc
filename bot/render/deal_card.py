"""A deal's card: what it is worth, where it stands, its quotes' progress, and the stage and Quote controls."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.i18n import t
from bot.render.contracts import card_lines, sign_button
from bot.render.dates import format_day, format_moment
from bot.render.money import format_money
from bot.render.quotes import total_of
from config.rules import Rules
from usecases.quote_views import DealView

ACTION_STAGE = "deal_stage"
ACTION_QUOTE = "deal_quote"


def stage_label(rules: Rules, stage_id: str, lang: str) -> str:
    stage = rules.deals.stage(stage_id)
    if stage is None:
        return stage_id
    return stage.zh if lang == "zh" else stage.en


def render_deal_card(view: DealView, rules: Rules, lang: str, tz: str) -> tuple[str, list[dict]]:
    """The card in the deal's channel; its thread is where the deal's records and quotes live."""
    deal = view.deal
    stage = stage_label(rules, deal.stage, lang)
    text = t(lang, "deal.card.text", title=deal.title, customer=view.customer)
    body = [
        t(lang, "deal.card.title", title=deal.title, customer=view.customer),
        t(
            lang,
            "deal.card.fields",
            stage=stage,
            value=format_money(deal.value, deal.currency, lang),
            close=format_day(deal.expected_close, lang)
            if deal.expected_close
            else t(lang, "deal.card.no_close"),
            owner=deal.owner_id,
        ),
    ]
    if view.quotes:
        body.append(t(lang, "deal.card.quotes"))
        body += [
            t(
                lang,
                "deal.card.quote_line",
                number=q.quote.number,
                version=q.version.version,
                total=total_of(q, lang),
                state=t(lang, f"quote.state.{q.version.state}"),
            )
            for q in view.quotes
        ]
    if view.contracts:
        body.append(t(lang, "contract.card.heading"))
        body += [line for contract in view.contracts for line in card_lines(contract, lang)]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join(body)))]
    # An approved version the customer has not signed yet: one click makes its contract.
    signable = [
        q.quote.number
        for q in view.quotes
        if q.quote.state == "approved" and view.contract_of(q.quote.id) is None
    ]
    if signable:
        blocks.append(
            ActionsBlock(
                block_id=f"deal-sign-{deal.id}", elements=[sign_button(n, lang) for n in signable[:5]]
            )
        )
    notes = [t(lang, "deal.card.from_lead", lead=deal.lead_id)] if deal.lead_id else []
    if deal.closed_at is not None:
        notes.append(t(lang, "deal.card.closed", when=format_moment(deal.closed_at, tz, lang)))
    else:
        notes.append(t(lang, "deal.card.hint", count=rules.deals.stale_days))
        blocks.append(
            ActionsBlock(
                block_id=f"deal-{deal.id}",
                elements=[
                    StaticSelectElement(
                        action_id=ACTION_STAGE,
                        placeholder=t(lang, "deal.button.stage"),
                        options=[
                            Option(text=stage_label(rules, s.id, lang), value=f"{deal.id}|{s.id}")
                            for s in rules.deals.stages
                            if s.id != deal.stage
                        ],
                    ),
                    ButtonElement(
                        text=t(lang, "deal.button.quote"), action_id=ACTION_QUOTE, value=str(deal.id)
                    ),
                ],
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=" · ".join(notes))]))
    return text, [block.to_dict() for block in blocks]
