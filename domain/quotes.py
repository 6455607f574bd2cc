"""A quote's content: lines or a lump sum, discount, payment terms, validity; and what changed.

Pure values: the quote desk stores each version as `as_json` gives it and rebuilds it with
`from_json`, so an approval is always for the content it was shown. Money is `Decimal` to the cent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from domain.money import cents, parse_amount

HUNDRED = Decimal(100)
# "Pump A × 10 @ 1200", "泵 x10 @ 1,200", "Pump A, 10, 1200": product, quantity, unit price.
_LINE = re.compile(
    r"^(?P<product>.+?)\s*(?:[×xX*]\s*|,\s*|，\s*)(?P<qty>[\d.,]+)\s*(?:@|,|，)\s*(?P<price>.+)$"
)


class Remainder(StrEnum):
    """How what is left after the prepayment is paid."""

    NET = "net"  # within `net_days` of delivery/invoice
    ON_DELIVERY = "cash_on_delivery"  # 货到付款


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """Prepayment share, then the rest on delivery or net N days; `special` is anything non-standard."""

    prepayment_pct: Decimal = Decimal(0)
    remainder: Remainder = Remainder.NET
    net_days: int = 30
    special: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "prepayment_pct": str(self.prepayment_pct),
            "remainder": self.remainder.value,
            "net_days": self.net_days,
            "special": self.special,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PaymentTerms:
        return cls(
            Decimal(str(data.get("prepayment_pct", "0"))),
            Remainder(data.get("remainder", Remainder.NET.value)),
            int(data.get("net_days", 30)),
            str(data.get("special", "")),
        )


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One priced line: `quantity` of `product` at `unit_price`."""

    product: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class QuoteContent:
    """What one version of a quote offers. With no lines, `lump_sum` is the price before discount."""

    currency: str
    lines: tuple[QuoteLine, ...] = ()
    lump_sum: Decimal | None = None
    discount_pct: Decimal = Decimal(0)
    terms: PaymentTerms = field(default_factory=PaymentTerms)
    valid_until: date | None = None

    @property
    def subtotal(self) -> Decimal:
        """The price before discount."""
        if self.lines:
            return cents(sum((line.amount for line in self.lines), Decimal(0)))
        return cents(self.lump_sum or Decimal(0))

    @property
    def total(self) -> Decimal:
        """What the customer pays: the subtotal less the discount."""
        return cents(self.subtotal * (HUNDRED - self.discount_pct) / HUNDRED)

    def as_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "lines": [
                {"product": line.product, "quantity": str(line.quantity), "unit_price": str(line.unit_price)}
                for line in self.lines
            ],
            "lump_sum": None if self.lump_sum is None else str(self.lump_sum),
            "discount_pct": str(self.discount_pct),
            "terms": self.terms.as_json(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QuoteContent:
        return cls(
            currency=str(data["currency"]),
            lines=tuple(
                QuoteLine(line["product"], Decimal(line["quantity"]), Decimal(line["unit_price"]))
                for line in data.get("lines", [])
            ),
            lump_sum=None if data.get("lump_sum") is None else Decimal(data["lump_sum"]),
            discount_pct=Decimal(str(data.get("discount_pct", "0"))),
            terms=PaymentTerms.from_json(data.get("terms", {})),
            valid_until=date.fromisoformat(data["valid_until"]) if data.get("valid_until") else None,
        )


@dataclass(frozen=True, slots=True)
class LineProblem:
    """A line of the lines box that could not be read (`number` counts from 1)."""

    number: int
    text: str


def parse_lines(text: str) -> tuple[tuple[QuoteLine, ...], tuple[LineProblem, ...]]:
    """The lines box, one product per line: `Pump A × 10 @ 1200` (× or x or a comma between)."""
    lines: list[QuoteLine] = []
    problems: list[LineProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        row = raw.strip()
        if not row:
            continue
        match = _LINE.match(row)
        try:
            if match is None:
                raise ValueError(row)
            quantity = parse_amount(match["qty"])
            price = parse_amount(match["price"])
            if quantity <= 0 or price < 0:
                raise ValueError(row)
        except ValueError:
            problems.append(LineProblem(number, row))
            continue
        lines.append(QuoteLine(match["product"].strip(), quantity, price))
    return tuple(lines), tuple(problems)


def lines_text(lines: tuple[QuoteLine, ...]) -> str:
    """Lines as the form's box shows them, so an edit starts from what was offered."""
    return "\n".join(
        f"{line.product} × {line.quantity.normalize():f} @ {line.unit_price:f}" for line in lines
    )


@dataclass(frozen=True, slots=True)
class Change:
    """One thing that differs between two versions: `what` names it, before and after as shown values."""

    what: str
    before: str
    after: str


def changes(old: QuoteContent, new: QuoteContent) -> tuple[Change, ...]:
    """What an approver should look at again: price, discount, terms, validity and the lines."""
    found: list[Change] = []

    def compare(what: str, before: object, after: object) -> None:
        if before != after:
            found.append(Change(what, _shown(before), _shown(after)))

    compare("total", old.total, new.total)
    compare("currency", old.currency, new.currency)
    compare("discount", old.discount_pct, new.discount_pct)
    compare("prepayment", old.terms.prepayment_pct, new.terms.prepayment_pct)
    compare("remainder", old.terms.remainder.value, new.terms.remainder.value)
    if new.terms.remainder is Remainder.NET:
        compare("net_days", old.terms.net_days, new.terms.net_days)
    compare("special", old.terms.special, new.terms.special)
    compare("valid_until", old.valid_until, new.valid_until)
    compare("lines", lines_text(old.lines), lines_text(new.lines))
    return tuple(found)


def _shown(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)
