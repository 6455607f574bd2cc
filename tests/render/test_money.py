"""Amounts as their reader writes them: currency sign or code, grouping, cents, rounding, sign."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.render.money import format_money


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "shown"),
    [
        ("12345.6", "CNY", "en", "CNY 12,345.60"),
        ("1200", "USD", "en", "USD 1,200.00"),
        ("12345.6", "CNY", "zh", "¥12,345.60"),
        ("1200", "USD", "zh", "US$1,200.00"),
        ("1234", "EUR", "zh", "EUR 1,234.00"),
        ("1234", "eur", "en", "EUR 1,234.00"),
        ("0", "CNY", "en", "CNY 0.00"),
        ("999.999", "CNY", "en", "CNY 1,000.00"),
        ("1234567.891", "CNY", "zh", "¥1,234,567.89"),
    ],
)
def test_amounts_show_in_the_readers_way(amount: str, currency: str, lang: str, shown: str) -> None:
    assert format_money(Decimal(amount), currency, lang) == shown


def test_half_a_cent_rounds_up_away_from_zero() -> None:
    assert format_money(Decimal("0.005"), "CNY", "en") == "CNY 0.01"
    assert format_money(Decimal("2.675"), "USD", "en") == "USD 2.68"  # a float would give 2.67
    assert format_money(Decimal("-0.005"), "CNY", "zh") == "-¥0.01"


def test_negative_amounts_put_the_sign_before_the_currency() -> None:
    assert format_money(Decimal("-1500"), "CNY", "en") == "-CNY 1,500.00"
    assert format_money(Decimal("-1500"), "USD", "zh") == "-US$1,500.00"


def test_an_amount_that_rounds_to_zero_has_no_sign() -> None:
    assert format_money(Decimal("-0.004"), "CNY", "en") == "CNY 0.00"
