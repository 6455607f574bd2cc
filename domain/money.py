"""Amounts as people type them: `12,000`, `1.2万`, `¥8000`; money is always `Decimal`, never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_TEN_THOUSAND = ("万", "w", "W")
_SYMBOLS = "¥￥$€£ "


def parse_amount(text: str) -> Decimal:
    """`80000`, `80,000`, `8万`, `¥80000.5` → a Decimal; raises ValueError for anything else."""
    cleaned = text.strip().strip(_SYMBOLS).replace(",", "").replace("，", "")
    multiplier = Decimal(10000) if cleaned.endswith(_TEN_THOUSAND) else Decimal(1)
    cleaned = cleaned.rstrip("".join(_TEN_THOUSAND)).strip()
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned) * multiplier
    except InvalidOperation:
        raise ValueError(text) from None


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, half up, as invoices round."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
