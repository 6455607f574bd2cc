"""Contracts in Slack: their lines on the deal card, finance's invoice DMs, dunning DMs, and their forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import t
from bot.render.dates import format_day
from bot.render.modals import date_input, modal, text_input
from bot.render.money import format_money
from storage.models import Instalment
from usecases.contract_views import ContractView
from usecases.contracts import INVOICE_NOTE

ACTION_SIGNED = "contract_signed"
ACTION_DETAILS = "contract_details"
ACTION_LATE_REASON = "dunning_reason"
SIGN_CALLBACK = "contract_sign_modal"
DETAILS_CALLBACK = "contract_details_modal"
LATE_REASON_CALLBACK = "dunning_reason_modal"


def fields_text(fields: list[str], lang: str) -> str:
    """The missing fields as words: `tax ID, bank account` / `税号、开户行及账号`."""
    return ("、" if lang == "zh" else ", ").join(t(lang, f"contract.field.{name}") for name in fields)


def money(view: ContractView, amount: Decimal, lang: str) -> str:
    """An amount in the contract's currency."""
    return format_money(amount, view.contract.currency, lang)


def card_lines(view: ContractView, lang: str) -> list[str]:
    """A contract on its deal's card: total, paid, what is due next and how late; why the invoice waits."""
    contract = view.contract
    line = t(
        lang,
        "contract.card.line",
        contract=contract.number,
        number=view.quote_number,
        total=money(view, contract.total, lang),
        paid=money(view, contract.paid, lang),
    )
    nxt = view.next_unpaid
    if nxt is None:
        line += " — " + t(lang, "contract.card.paid")
    else:
        line += " — " + t(
            lang,
            "contract.card.next",
            amount=money(view, nxt.amount - nxt.paid, lang),
            day=format_day(nxt.due_on, lang),
        )
        if nxt.level:
            line += f" {t(lang, f'contract.level.{nxt.level}')}"
    lines = [line]
    if contract.missing:
        lines.append(t(lang, "contract.card.paused", fields=fields_text(contract.missing, lang)))
    return lines


def sign_button(number: str, lang: str) -> ButtonElement:
    return ButtonElement(
        text=t(lang, "contract.button.signed", number=number),
        action_id=ACTION_SIGNED,
        value=number,
        style="primary",
    )


def schedule_text(view: ContractView, lang: str) -> str:
    return "\n".join(
        t(
            lang,
            "contract.invoice.part",
            part=t(lang, f"contract.part.{i.part}"),
            amount=money(view, i.amount, lang),
            day=format_day(i.due_on, lang),
        )
        for i in view.instalments
    )


def render_contract_note(view: ContractView, note: str, lang: str) -> tuple[str, list[dict]]:
    """Finance's DM: the invoice request with what it needs, or which field is missing (with a button
    to add it; once added, the same DM says so)."""
    contract, customer = view.contract, view.customer
    total = money(view, contract.total, lang)
    if note == INVOICE_NOTE:
        text = t(
            lang,
            "contract.invoice.text",
            contract=contract.number,
            customer=customer.name,
            total=total,
            tax_id=customer.tax_id or "—",
            bank=customer.bank_account or "—",
            schedule=schedule_text(view, lang),
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]
    if not contract.missing:  # finance added what was missing since
        text = t(lang, "contract.missing.done", contract=contract.number, customer=customer.name)
        return text, [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]
    text = t(
        lang,
        "contract.missing.text",
        contract=contract.number,
        customer=customer.name,
        fields=fields_text(contract.missing, lang),
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=f"contract-{contract.id}",
            elements=[
                ButtonElement(
                    text=t(lang, "contract.button.details"),
                    action_id=ACTION_DETAILS,
                    value=str(contract.id),
                    style="primary",
                )
            ],
        ),
    ]
    return text, [block.to_dict() for block in blocks]


def render_dunning(
    view: ContractView, instalment: Instalment, level: str, role: str, lang: str, today: date
) -> tuple[str, list[dict]]:
    """A dunning DM: who owes what on which contract, how late, and (red, to the owner) a button for
    the reason. Shown again after a payment or a reason, it says so and loses its button."""
    contract = view.contract
    params = {
        "customer": view.customer.name,
        "amount": money(view, instalment.amount - instalment.paid, lang),
        "contract": contract.number,
        "day": format_day(instalment.due_on, lang),
        "owner": contract.owner_id,
        "count": max(0, (today - instalment.due_on).days),
    }
    text = t(lang, f"dunning.text.{level}", **params)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if instalment.paid >= instalment.amount:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(lang, "dunning.paid"))]))
    elif instalment.reason:
        note = t(lang, "dunning.reason_given", user=instalment.reason_by, reason=instalment.reason)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    elif level == "red" and role == "owner":
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t(lang, "dunning.ask_reason"))))
        blocks.append(
            ActionsBlock(
                block_id=f"dunning-{instalment.id}",
                elements=[reason_button(instalment.id, lang)],
            )
        )
    return text, [block.to_dict() for block in blocks]


def reason_button(instalment_id: int, lang: str) -> ButtonElement:
    """Give the reason, for the owner: in their red DM and on their list alike."""
    return ButtonElement(
        text=t(lang, "dunning.button.reason"),
        action_id=ACTION_LATE_REASON,
        value=str(instalment_id),
        style="danger",
    )


def sign_modal(*, lang: str, number: str, signed_on: date, delivery_on: date, channel_id: str) -> dict:
    """Customer signed: the signing day and the expected delivery, both prefilled."""
    intro = SectionBlock(text=MarkdownTextObject(text=t(lang, "contract.form.intro", number=number)))
    form = modal(
        SIGN_CALLBACK,
        t(lang, "contract.form.title"),
        lang,
        {"number": number, "channel_id": channel_id},
        [
            intro,
            date_input("signed_on", t(lang, "contract.form.signed_on"), signed_on),
            date_input("delivery_on", t(lang, "contract.form.delivery_on"), delivery_on),
        ],
    )
    form["submit"]["text"] = t(lang, "contract.form.submit")
    return form


def details_modal(*, lang: str, contract_id: int, missing: list[str]) -> dict:
    """Finance adds what the invoice needs: only the fields that are missing."""
    blocks = [
        text_input(name, t(lang, f"contract.details.{name}"), optional=False, max_length=200)
        for name in missing
    ]
    return modal(
        DETAILS_CALLBACK, t(lang, "contract.details.title"), lang, {"contract_id": contract_id}, blocks
    )


def late_reason_modal(*, lang: str, instalment_id: int) -> dict:
    """Red: why the money is late, in the rep's words."""
    form = modal(
        LATE_REASON_CALLBACK,
        t(lang, "dunning.form.title"),
        lang,
        {"instalment_id": instalment_id},
        [
            text_input(
                "reason", t(lang, "dunning.form.reason"), multiline=True, optional=False, max_length=1000
            )
        ],
    )
    form["submit"]["text"] = t(lang, "dunning.form.submit")
    return form
