"""Show an amount of money the way its reader writes it: currency, grouping and two decimals.

English readers see the ISO code before the figure (`CNY 12,345.60`), as contracts and invoices in
English do. Chinese readers see the sign they know for yuan and dollars (`¥12,345.60`, `US$1,200.00`)
and the ISO code for any other currency, where a sign would be ambiguous (`¥` is also the yen).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZH_SIGNS = {"CNY": "¥", "USD": "US$"}


def format_money(amount: Decimal, currency: str, lang: str) -> str:
    """`amount` rounded half up to cents, grouped by thousands, with its currency for `lang`."""
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    figure = f"{abs(cents):,.2f}"
    sign = "-" if cents < 0 else ""
    code = currency.upper()
    if lang == "zh" and code in ZH_SIGNS:
        return f"{sign}{ZH_SIGNS[code]}{figure}"
    return f"{sign}{code} {figure}"
