"""Reading the quote form's lines box and telling approvers what changed between versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.money import parse_amount
from domain.quotes import PaymentTerms, QuoteContent, QuoteLine, changes, lines_text, parse_lines


def test_lines_are_read_in_the_ways_people_type_them() -> None:
    lines, problems = parse_lines("Pump A × 10 @ 1,200\n泵 x2 @ ¥3.5万\nValve, 3, 99.5\n\n")
    assert problems == ()
    assert lines == (
        QuoteLine("Pump A", Decimal(10), Decimal(1200)),
        QuoteLine("泵", Decimal(2), Decimal(35000)),
        QuoteLine("Valve", Decimal(3), Decimal("99.5")),
    )


def test_unreadable_lines_are_named_by_their_number() -> None:
    lines, problems = parse_lines("Pump A × 10 @ 1200\njust some words\nValve × 0 @ 5")
    assert len(lines) == 1
    assert [(p.number, p.text) for p in problems] == [(2, "just some words"), (3, "Valve × 0 @ 5")]


def test_lines_round_trip_through_the_form() -> None:
    lines, _ = parse_lines("Pump A × 10 @ 1200.50\n泵 × 1.5 @ 8")
    assert parse_lines(lines_text(lines))[0] == lines


def test_changes_name_what_moved() -> None:
    old = QuoteContent("CNY", lump_sum=Decimal(100000), discount_pct=Decimal(5), valid_until=date(2027, 1, 1))
    new = QuoteContent(
        "CNY",
        lump_sum=Decimal(100000),
        discount_pct=Decimal(12),
        terms=PaymentTerms(prepayment_pct=Decimal(50)),
        valid_until=date(2027, 1, 1),
    )
    assert [(c.what, c.before, c.after) for c in changes(old, new)] == [
        ("total", "95000", "88000"),
        ("discount", "5", "12"),
        ("prepayment", "0", "50"),
    ]


def test_content_survives_storage() -> None:
    content = QuoteContent(
        "USD", lines=(QuoteLine("A", Decimal(2), Decimal("1.10")),), discount_pct=Decimal("2.5")
    )
    assert QuoteContent.from_json(content.as_json()) == content


def test_amounts_accept_ten_thousands_and_symbols() -> None:
    assert parse_amount("¥8万") == Decimal(80000)
    assert parse_amount("1,234.50") == Decimal("1234.50")
