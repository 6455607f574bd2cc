"""Tests for domain.contracts: schedules from a quote's terms, month ends, how payments fill a schedule,
and the customer-success dates once the money is in."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from domain.contracts import (
    FULL,
    PREPAYMENT,
    REMAINDER,
    RENEWAL,
    SATISFACTION,
    USAGE_CHECK,
    Overpayment,
    Owed,
    ScheduledInstalment,
    SuccessRules,
    add_months,
    allocate,
    schedule,
    success_dates,
)
from domain.quotes import PaymentTerms, Remainder

SIGNED = date(2026, 3, 2)
DELIVERY = date(2026, 4, 15)
COD = Remainder.ON_DELIVERY


def terms(pct: str, remainder: Remainder = Remainder.NET, net_days: int = 30) -> PaymentTerms:
    return PaymentTerms(prepayment_pct=Decimal(pct), remainder=remainder, net_days=net_days)


def parts(found: tuple[ScheduledInstalment, ...]) -> list[tuple[int, str, str, date]]:
    """A schedule as a reader checks it: sequence, part, amount to the cent, due day."""
    return [(p.seq, p.part, str(p.amount), p.due_on) for p in found]


# --- schedules from the quote's terms -------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "quote_terms", "expected"),
    [
        pytest.param(
            "100000",
            terms("30"),
            [(1, PREPAYMENT, "30000.00", SIGNED), (2, REMAINDER, "70000.00", date(2026, 4, 1))],
            id="30% on signing, 70% net 30",
        ),
        pytest.param("5000", terms("0"), [(1, FULL, "5000.00", date(2026, 4, 1))], id="no prepayment"),
        pytest.param("5000", terms("100"), [(1, FULL, "5000.00", SIGNED)], id="all up front"),
        pytest.param("5000", terms("0", COD), [(1, FULL, "5000.00", DELIVERY)], id="cash on delivery"),
        pytest.param(
            "5000",
            terms("30", COD),
            [(1, PREPAYMENT, "1500.00", SIGNED), (2, REMAINDER, "3500.00", DELIVERY)],
            id="30% on signing, rest on delivery",
        ),
        pytest.param("5000", terms("100", COD), [(1, FULL, "5000.00", SIGNED)], id="all up front, COD"),
        pytest.param(
            "8000",
            terms("50", net_days=0),
            [(1, PREPAYMENT, "4000.00", SIGNED), (2, REMAINDER, "4000.00", SIGNED)],
            id="net 0",
        ),
        pytest.param(
            "8000",
            terms("20", net_days=60),
            [(1, PREPAYMENT, "1600.00", SIGNED), (2, REMAINDER, "6400.00", date(2026, 5, 1))],
            id="net 60",
        ),
        # A share outside 0-100 % is held to the range rather than inventing a negative instalment.
        pytest.param("5000", terms("120"), [(1, FULL, "5000.00", SIGNED)], id="over 100% is all up front"),
        pytest.param("5000", terms("-10"), [(1, FULL, "5000.00", date(2026, 4, 1))], id="below 0% is none"),
    ],
)
def test_schedule_follows_the_quote_terms(total: str, quote_terms: PaymentTerms, expected: list) -> None:
    assert parts(schedule(Decimal(total), quote_terms, SIGNED, DELIVERY)) == expected


@pytest.mark.parametrize(
    ("total", "pct", "upfront", "rest"),
    [
        ("100.01", "33.33", "33.33", "66.68"),  # 33.333333 → 33.33, the remainder takes the odd cent
        ("999.99", "33.33", "333.30", "666.69"),  # 333.296667 → 333.30
        ("12345.67", "33.33", "4114.81", "8230.86"),  # 4114.811811 → 4114.81
        ("0.05", "50", "0.03", "0.02"),  # 0.025 rounds half up, as invoices do
        ("100.005", "30", "30.00", "70.01"),  # the total itself is rounded to the cent first
        ("1000", "33.333", "333.33", "666.67"),
    ],
)
def test_rounding_to_the_cent_still_adds_up_to_the_total(
    total: str, pct: str, upfront: str, rest: str
) -> None:
    found = schedule(Decimal(total), terms(pct), SIGNED, DELIVERY)
    assert [str(p.amount) for p in found] == [upfront, rest]
    assert sum(p.amount for p in found) == Decimal(total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_a_prepayment_that_rounds_to_nothing_leaves_one_instalment() -> None:
    # 30 % of one cent is 0.003: no customer is invoiced 0.00 on signing.
    assert parts(schedule(Decimal("0.01"), terms("30"), SIGNED, DELIVERY)) == [
        (1, FULL, "0.01", date(2026, 4, 1))
    ]


def test_a_prepayment_that_rounds_to_the_whole_is_one_instalment_on_signing() -> None:
    # 99.99 % of 1.00 is 0.9999, which rounds to 1.00: nothing is left for a remainder.
    assert parts(schedule(Decimal("1.00"), terms("99.99"), SIGNED, DELIVERY)) == [(1, FULL, "1.00", SIGNED)]


@pytest.mark.parametrize(
    ("signed_on", "net_days", "due_on"),
    [
        (date(2026, 1, 31), 30, date(2026, 3, 2)),  # February has 28 days in 2026
        (date(2028, 1, 31), 30, date(2028, 3, 1)),  # and 29 in 2028
        (date(2026, 12, 15), 30, date(2027, 1, 14)),  # into the next year
        (date(2026, 2, 28), 1, date(2026, 3, 1)),
    ],
)
def test_net_days_are_counted_in_calendar_days_over_month_ends(
    signed_on: date, net_days: int, due_on: date
) -> None:
    found = schedule(Decimal("1000"), terms("30", net_days=net_days), signed_on, DELIVERY)
    assert [p.due_on for p in found] == [signed_on, due_on]


# --- adding months ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 29), 1, date(2026, 2, 28)),
        (date(2028, 1, 29), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # December → January, the year changes
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 1, 31), 12, date(2027, 1, 31)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # a leap day's anniversary
        (date(2026, 1, 31), 24, date(2028, 1, 31)),
        (date(2026, 8, 31), 0, date(2026, 8, 31)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


# --- payments filling the schedule ------------------------------------------------------------------

OWED = [Owed(11, Decimal("300.00")), Owed(12, Decimal("700.00"))]


@pytest.mark.parametrize(
    ("amount", "applied"),
    [
        ("200", [(11, "200.00")]),  # a partial payment fills the oldest instalment first
        ("300", [(11, "300.00")]),  # exactly the first instalment
        ("300.01", [(11, "300.00"), (12, "0.01")]),
        ("500", [(11, "300.00"), (12, "200.00")]),  # the rest spills into the next one
        ("1000", [(11, "300.00"), (12, "700.00")]),  # exactly everything owed
        ("0.005", [(11, "0.01")]),  # rounded to the cent, half up
    ],
)
def test_a_payment_fills_the_oldest_instalments_first(amount: str, applied: list) -> None:
    found = allocate(Decimal(amount), OWED)
    assert [(instalment, str(part)) for instalment, part in found] == applied


def test_a_paid_instalment_takes_nothing_more() -> None:
    owed = [Owed(11, Decimal("0.00")), Owed(12, Decimal("500.00")), Owed(13, Decimal("500.00"))]
    assert allocate(Decimal("600"), owed) == [(12, Decimal("500.00")), (13, Decimal("100.00"))]


@pytest.mark.parametrize(
    ("amount", "owed", "outstanding"),
    [
        ("1000.01", OWED, "1000.00"),
        ("5000", OWED, "1000.00"),
        ("1", [], "0"),  # nothing owed at all
        ("1", [Owed(11, Decimal("0.00"))], "0.00"),
    ],
)
def test_an_overpayment_is_refused_whole_with_what_is_owed(amount: str, owed: list, outstanding: str) -> None:
    with pytest.raises(Overpayment) as refused:
        allocate(Decimal(amount), owed)
    assert str(refused.value.outstanding) == outstanding
    assert str(refused.value) == f"more than the {outstanding} still owed"


@pytest.mark.parametrize("amount", ["0", "0.00", "0.004", "-1", "-300.00"])
def test_a_payment_of_nothing_or_less_is_refused(amount: str) -> None:
    with pytest.raises(ValueError, match="a payment must be more than zero") as refused:
        allocate(Decimal(amount), OWED)
    assert not isinstance(refused.value, Overpayment)


# --- customer-success dates -------------------------------------------------------------------------

DELIVERED = date(2026, 4, 1)
TERM_ENDS = date(2026, 5, 1)
CONTRACT_ENDS = date(2027, 3, 2)


@pytest.mark.parametrize(
    ("paid_on", "expected"),
    [
        pytest.param(
            date(2026, 3, 20),
            {SATISFACTION: date(2026, 4, 8), USAGE_CHECK: date(2026, 4, 26), RENEWAL: date(2027, 1, 16)},
            id="paid early: every date as the rules give it",
        ),
        pytest.param(
            date(2026, 4, 8),
            {SATISFACTION: date(2026, 4, 8), USAGE_CHECK: date(2026, 4, 26), RENEWAL: date(2027, 1, 16)},
            id="paid on the satisfaction day",
        ),
        pytest.param(
            date(2026, 4, 30),
            {SATISFACTION: date(2026, 4, 30), USAGE_CHECK: date(2026, 4, 30), RENEWAL: date(2027, 1, 16)},
            id="paid late: past dates fall on the paid day",
        ),
        pytest.param(
            date(2027, 2, 1),
            {SATISFACTION: date(2027, 2, 1), USAGE_CHECK: date(2027, 2, 1), RENEWAL: date(2027, 2, 1)},
            id="paid very late: everything is due that day",
        ),
    ],
)
def test_success_dates_never_fall_before_the_money_arrived(paid_on: date, expected: dict) -> None:
    found = success_dates(
        delivery_on=DELIVERED,
        term_ends_on=TERM_ENDS,
        contract_ends_on=CONTRACT_ENDS,
        paid_on=paid_on,
        rules=SuccessRules(),
    )
    assert found == expected


def test_success_dates_follow_the_rules_given() -> None:
    rules = SuccessRules(satisfaction_after=14, usage_before=10, renewal_before=60)
    found = success_dates(
        delivery_on=DELIVERED,
        term_ends_on=TERM_ENDS,
        contract_ends_on=CONTRACT_ENDS,
        paid_on=date(2026, 3, 1),
        rules=rules,
    )
    assert found == {
        SATISFACTION: date(2026, 4, 15),
        USAGE_CHECK: date(2026, 4, 21),
        RENEWAL: date(2027, 1, 1),
    }
