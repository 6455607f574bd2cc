"""Collection figures (回款): due against collected in the team's currency, by level, per rep."""

from decimal import Decimal

from domain.collection import Collection, Receivable, Received, collection

RATES = {"USD": Decimal("7.1")}


def due(
    owner: str, amount: str, currency: str = "CNY", *, level: str | None = None, counted: bool = True
) -> Receivable:
    return Receivable(owner, currency, Decimal(amount), Decimal(0), True, level, counted)


def test_other_currencies_count_at_their_rate_and_unknown_ones_not_at_all() -> None:
    money = collection(
        [due("A", "1000"), due("A", "100", "USD"), due("B", "500", "JPY")],
        [Received("A", "CNY", Decimal("855")), Received("B", "JPY", Decimal("500"))],
        "CNY",
        RATES,
    )
    assert (money.due, money.collected, money.rate) == (Decimal("1710.00"), Decimal("855.00"), 50)
    assert [(r.owner, r.collected, r.due, r.rate) for r in money.reps] == [
        ("A", Decimal("855.00"), Decimal("1710.00"), 50)
    ]


def test_unpaid_levels_are_counted_and_a_handover_waiting_for_confirmation_counts_for_nobody() -> None:
    paid_off = Receivable("A", "CNY", Decimal(10), Decimal(10), False, "red")
    money = collection(
        [
            due("A", "10", level="orange"),
            due("A", "10", level="red"),
            paid_off,
            due("C", "99", level="red", counted=False),
        ],
        [Received("C", "CNY", Decimal("99"), counted=False)],
        "CNY",
        RATES,
    )
    assert money.overdue == {"orange": 1, "red": 1} and money.due == Decimal("20.00")
    assert [r.owner for r in money.reps] == ["A"] and money.collected == 0 and money.rate == 0


def test_nothing_due_has_no_rate_and_the_figures_survive_a_payload() -> None:
    money = collection([], [Received("A", "CNY", Decimal("5"))], "CNY", RATES)
    assert money.rate is None and not money.empty
    assert Collection.from_json(money.to_json()) == money
    assert collection([], [], "CNY", RATES).empty
