"""The deal form, the quote form (new or a new version), and the approver's reason form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextObject,
    StaticSelectElement,
    UserSelectElement,
)

from bot.i18n import t
from bot.render.modals import date_input, modal, text_input
from domain.quotes import QuoteContent, Remainder, lines_text

DEAL_CALLBACK = "deal_modal"
QUOTE_CALLBACK = "quote_modal"
REASON_CALLBACK = "approval_reason_modal"
DELEGATE_CALLBACK = "delegate_modal"
CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "GBP")


def _select(
    field: str,
    label: str,
    options: Sequence[tuple[str, str]],
    *,
    initial: str | None = None,
    optional: bool = False,
) -> InputBlock:
    choices = [Option(text=PlainTextObject(text=text[:75]), value=value) for value, text in options[:100]]
    chosen = next((c for c in choices if c.value == initial), None)
    return InputBlock(
        block_id=field,
        label=PlainTextObject(text=label),
        optional=optional,
        element=StaticSelectElement(action_id=field, options=choices, initial_option=chosen),
    )


def _currencies(default: str) -> list[tuple[str, str]]:
    return [(code, code) for code in dict.fromkeys((default, *CURRENCIES))]


def deal_modal(
    *,
    lang: str,
    channel_id: str,
    stages: Sequence[tuple[str, str]],
    currency: str,
    customer: str = "",
    title: str = "",
    value: Decimal | None = None,
    stage: str | None = None,
    lead_id: int | None = None,
) -> dict:
    """`/closeloop deal` and a lead's **Convert to deal**: customer, title, value, stage, close date."""
    form = modal(
        DEAL_CALLBACK,
        t(lang, "deal.form.title"),
        lang,
        {"channel_id": channel_id, "lead_id": lead_id},
        [
            text_input(
                "customer", t(lang, "deal.form.customer"), initial=customer, optional=False, max_length=200
            ),
            text_input("title", t(lang, "deal.form.name"), initial=title, optional=False, max_length=200),
            text_input(
                "value",
                t(lang, "deal.form.value"),
                initial=f"{value:f}" if value else None,
                optional=False,
                max_length=30,
            ),
            _select("currency", t(lang, "deal.form.currency"), _currencies(currency), initial=currency),
            _select("stage", t(lang, "deal.form.stage"), stages, initial=stage or stages[0][0]),
            date_input("close", t(lang, "deal.form.close"), None, optional=True),
        ],
    )
    form["submit"]["text"] = t(lang, "deal.form.submit")
    return form


def quote_modal(
    *,
    lang: str,
    deals: Sequence[tuple[int, str]],
    deal_id: int | None,
    currency: str,
    valid_until: date,
    content: QuoteContent | None = None,
    number: str | None = None,
) -> dict:
    """The quote form; with `number` and `content`, a new version starting from the current one."""
    remainders = [(r.value, t(lang, f"quote.form.remainder.{r.value}")) for r in Remainder]
    terms = content.terms if content else None
    blocks = []
    if number is None:
        blocks.append(
            _select(
                "deal",
                t(lang, "quote.form.deal"),
                [(str(i), name) for i, name in deals],
                initial=str(deal_id) if deal_id else None,
            )
        )
    blocks += [
        text_input(
            "lines",
            t(lang, "quote.form.lines"),
            initial=lines_text(content.lines) if content else None,
            multiline=True,
            hint=t(lang, "quote.form.lines_hint"),
        ),
        text_input(
            "total",
            t(lang, "quote.form.total"),
            initial=f"{content.lump_sum:f}" if content and content.lump_sum is not None else None,
            max_length=30,
        ),
        _select(
            "currency",
            t(lang, "quote.form.currency"),
            _currencies(content.currency if content else currency),
            initial=content.currency if content else currency,
        ),
        text_input(
            "discount",
            t(lang, "quote.form.discount"),
            initial=f"{content.discount_pct.normalize():f}" if content else "0",
            max_length=10,
        ),
        text_input(
            "prepayment",
            t(lang, "quote.form.prepayment"),
            initial=f"{terms.prepayment_pct.normalize():f}" if terms else "30",
            max_length=10,
        ),
        _select(
            "remainder",
            t(lang, "quote.form.remainder"),
            remainders,
            initial=terms.remainder.value if terms else Remainder.NET.value,
        ),
        text_input(
            "net_days",
            t(lang, "quote.form.net_days"),
            initial=str(terms.net_days) if terms else "30",
            max_length=5,
        ),
        text_input(
            "special",
            t(lang, "quote.form.special"),
            initial=terms.special if terms else None,
            multiline=True,
            max_length=1000,
        ),
        date_input(
            "valid_until",
            t(lang, "quote.form.valid_until"),
            content.valid_until if content and content.valid_until else valid_until,
        ),
    ]
    title = t(lang, "quote.form.title_edit", number=number) if number else t(lang, "quote.form.title")
    form = modal(QUOTE_CALLBACK, title[:24], lang, {"number": number}, blocks)
    form["submit"]["text"] = t(lang, "quote.form.submit")[:24]
    return form


def reason_modal(*, lang: str, request_id: int, decision: str, number: str, version: int) -> dict:
    """Reject or Request changes: the reason is required, the requester reads it."""
    label = t(lang, f"approval.reason_form.label_{decision}")
    form = modal(
        REASON_CALLBACK,
        t(lang, f"approval.reason_form.{decision}", number=number, version=version)[:24],
        lang,
        {"request_id": request_id, "decision": decision},
        [text_input("reason", label, multiline=True, optional=False, max_length=2000)],
    )
    form["submit"]["text"] = t(lang, "approval.reason_form.submit")
    return form


def delegate_modal(*, lang: str, until: date) -> dict:
    """From App Home: who decides your approvals, until which day."""
    who = InputBlock(
        block_id="delegate",
        label=PlainTextObject(text=t(lang, "delegate.form.who")),
        element=UserSelectElement(action_id="delegate"),
    )
    form = modal(
        DELEGATE_CALLBACK,
        t(lang, "delegate.form.title"),
        lang,
        {},
        [who, date_input("until", t(lang, "delegate.form.until"), until)],
    )
    return form
