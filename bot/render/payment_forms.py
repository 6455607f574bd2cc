"""Money received in words and forms: the pay form, the answers to whoever records, the owner's note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextObject,
    StaticSelectElement,
)

from bot.i18n import t
from bot.render.modals import date_input, modal, text_input
from bot.render.money import format_money
from usecases.payment_views import OwedContract, PaymentNote

PAY_CALLBACK = "payment_modal"
MAX_OPTIONS = 100  # a static select holds no more


def note_text(note: PaymentNote, lang: str) -> str:
    """`ACME paid CNY 30,000.00 on C-2026-0001 (ref BANK-1); CNY 70,000.00 still owed`."""
    return t(
        lang,
        "payment.note" if note.outstanding > 0 else "payment.note_paid",
        customer=note.customer,
        amount=format_money(note.amount, note.currency, lang),
        contract=note.contract,
        reference=note.reference,
        outstanding=format_money(note.outstanding, note.currency, lang),
    )


def recorded_text(note: PaymentNote, *, duplicate: bool, lang: str) -> str:
    """The private answer to whoever recorded a payment, or sent a reference already recorded."""
    return t(
        lang,
        "payment.already" if duplicate else "payment.recorded",
        amount=format_money(note.amount, note.currency, lang),
        contract=note.contract,
        reference=note.reference,
        outstanding=format_money(note.outstanding, note.currency, lang),
    )


def contract_label(contract: OwedContract, lang: str) -> str:
    """`C-2026-0001 — ACME — CNY 70,000.00 owed`: what a person picks a contract by."""
    return t(
        lang,
        "payment.form.option",
        number=contract.number,
        customer=contract.customer,
        outstanding=format_money(contract.outstanding, contract.currency, lang),
    )


def pay_modal(*, lang: str, contracts: Sequence[OwedContract], today: date, channel_id: str) -> dict:
    """`/closeloop pay`: which contract, how much, the bank's transaction id, the day it arrived."""
    choices = [
        Option(text=PlainTextObject(text=contract_label(c, lang)[:75]), value=c.number)
        for c in contracts[:MAX_OPTIONS]
    ]
    blocks = [
        InputBlock(
            block_id="contract",
            label=PlainTextObject(text=t(lang, "payment.form.contract")),
            element=StaticSelectElement(
                action_id="contract",
                options=choices,
                initial_option=choices[0] if len(choices) == 1 else None,
            ),
        ),
        text_input("amount", t(lang, "payment.form.amount"), optional=False, max_length=30),
        text_input("reference", t(lang, "payment.form.reference"), optional=False, max_length=128),
        date_input("paid_at", t(lang, "payment.form.paid_at"), today),
    ]
    form = modal(PAY_CALLBACK, t(lang, "payment.form.title"), lang, {"channel_id": channel_id}, blocks)
    form["submit"]["text"] = t(lang, "payment.form.submit")
    return form
