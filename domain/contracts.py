"""A contract's money: its payment schedule from the quote's terms, how a payment fills it, and the
customer-success dates once it is paid.

Pure functions of dates and `Decimal` amounts. Dates are the customer's calendar days (the use case
turns instants into days in the customer's zone); amounts are rounded to the cent and a schedule's
instalments always add up to the contract's total exactly.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.money import cents
from domain.quotes import HUNDRED, PaymentTerms, Remainder

PREPAYMENT, REMAINDER, FULL = "prepayment", "remainder", "full"


@dataclass(frozen=True, slots=True)
class ScheduledInstalment:
    """One part of the price: what it is (`prepayment`, `remainder` or `full`), how much, and when."""

    seq: int
    part: str
    amount: Decimal
    due_on: date


def schedule(
    total: Decimal, terms: PaymentTerms, signed_on: date, delivery_on: date
) -> tuple[ScheduledInstalment, ...]:
    """The instalments of a contract for `total` on `terms`, signed on `signed_on`.

    The prepayment share is due on signing; the rest is due `net_days` after signing (the invoice is
    requested on signing) or, cash on delivery, on the delivery day. A 0 % or 100 % prepayment is one
    instalment. The remainder takes the rounding, so the parts add up to the total to the cent.
    """
    total = cents(total)
    rest_due = (
        delivery_on
        if terms.remainder is Remainder.ON_DELIVERY
        else signed_on + timedelta(days=terms.net_days)
    )
    share = max(Decimal(0), min(HUNDRED, terms.prepayment_pct))
    upfront = cents(total * share / HUNDRED)
    if upfront <= 0:
        return (ScheduledInstalment(1, FULL, total, rest_due),)
    if upfront >= total:
        return (ScheduledInstalment(1, FULL, total, signed_on),)
    return (
        ScheduledInstalment(1, PREPAYMENT, upfront, signed_on),
        ScheduledInstalment(2, REMAINDER, total - upfront, rest_due),
    )


@dataclass(frozen=True, slots=True)
class Owed:
    """What is still owed on one instalment, as a payment sees it."""

    instalment_id: int
    outstanding: Decimal


class Overpayment(ValueError):
    """A payment larger than everything still owed on the contract."""

    def __init__(self, outstanding: Decimal):
        super().__init__(f"more than the {outstanding} still owed")
        self.outstanding = outstanding


def allocate(amount: Decimal, owed: Sequence[Owed]) -> list[tuple[int, Decimal]]:
    """How a payment of `amount` fills the instalments `owed`, oldest first: (instalment id, applied).

    A partial payment fills what it can and leaves the rest owed; a payment above the total owed is
    refused whole (`Overpayment`), so a typo never leaves money that belongs nowhere.
    """
    amount = cents(amount)
    if amount <= 0:
        raise ValueError("a payment must be more than zero")
    outstanding = sum((o.outstanding for o in owed), Decimal(0))
    if amount > outstanding:
        raise Overpayment(outstanding)
    applied = []
    for item in owed:
        if amount <= 0:
            break
        part = min(amount, item.outstanding)
        if part > 0:
            applied.append((item.instalment_id, part))
            amount -= part
    return applied


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st of a shorter month becomes its last day (Jan 31 + 1 = Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class SuccessRules:
    """Days before or after which each customer-success task falls due."""

    satisfaction_after: int = 7
    usage_before: int = 5
    renewal_before: int = 45


SATISFACTION, USAGE_CHECK, RENEWAL = "cs_satisfaction", "cs_usage", "cs_renewal"
SUCCESS_KINDS = (SATISFACTION, USAGE_CHECK, RENEWAL)  # done asks: did it solve the customer's problem?


def success_dates(
    *, delivery_on: date, term_ends_on: date, contract_ends_on: date, paid_on: date, rules: SuccessRules
) -> dict[str, date]:
    """When each customer-success task is due, for a contract paid on `paid_on`.

    A satisfaction call `satisfaction_after` days after delivery; a usage check `usage_before` days
    before the payment term ends (the last instalment's due date); a renewal talk `renewal_before`
    days before the contract ends. A date already past when the money arrived is due that day: the
    task is new, not late.
    """
    dates = {
        SATISFACTION: delivery_on + timedelta(days=rules.satisfaction_after),
        USAGE_CHECK: term_ends_on - timedelta(days=rules.usage_before),
        RENEWAL: contract_ends_on - timedelta(days=rules.renewal_before),
    }
    return {kind: max(day, paid_on) for kind, day in dates.items()}
