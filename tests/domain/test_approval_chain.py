"""Which approvals a quote needs, and why: the default chain of the rules file, as plain functions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from config.rules import load_rules
from domain.approvals import (
    acting_for,
    choose_chain,
    delegation_loops,
    facts_of,
    risk_reasons,
    step_outcome,
)
from domain.quotes import PaymentTerms, QuoteContent, QuoteLine, Remainder

RULES = load_rules(None)


def chain_for(content: QuoteContent) -> dict[str, tuple[bool, list[str]]]:
    approvals, deals = RULES.approvals, RULES.deals
    facts = facts_of(content, deals.currency, deals.rates, approvals.standard_net_days)
    return {
        step.id: (step.needed, [r.code + (f":{r.test['fact']}" if r.test else "") for r in step.reasons])
        for step in choose_chain(facts, approvals.chain_rules)
    }


def quote(
    total: str = "100000",
    discount: str = "0",
    prepayment: str = "30",
    remainder: Remainder = Remainder.NET,
    net_days: int = 30,
    special: str = "",
    currency: str = "CNY",
) -> QuoteContent:
    return QuoteContent(
        currency=currency,
        lump_sum=Decimal(total),
        discount_pct=Decimal(discount),
        terms=PaymentTerms(Decimal(prepayment), remainder, net_days, special),
    )


def test_a_small_standard_quote_needs_only_the_manager() -> None:
    assert chain_for(quote()) == {
        "manager": (True, ["always"]),
        "finance": (False, ["nothing_fired"]),
        "legal": (False, ["nothing_fired"]),
    }


def test_a_discount_over_ten_percent_brings_in_finance() -> None:
    assert chain_for(quote(discount="15"))["finance"] == (True, ["fired:discount"])
    assert chain_for(quote(discount="10"))["finance"][0] is False  # "exceeds 10 %": 10 itself does not


def test_a_large_amount_brings_in_finance_after_the_discount() -> None:
    # 600,000 less 20 % is 480,000: under the limit; the discount alone fires.
    assert chain_for(quote(total="600000", discount="20"))["finance"] == (True, ["fired:discount"])
    assert chain_for(quote(total="600000"))["finance"] == (True, ["fired:amount"])


def test_high_prepayment_or_special_terms_go_to_legal() -> None:
    assert chain_for(quote(prepayment="60"))["legal"] == (True, ["fired:prepayment"])
    assert chain_for(quote(special="penalty clause 5 %/day"))["legal"] == (True, ["fired:terms"])
    assert chain_for(quote(net_days=90))["legal"] == (True, ["fired:terms"])  # beyond the standard 60


def test_cash_on_delivery_skips_legal_and_says_why() -> None:
    found = chain_for(quote(prepayment="60", remainder=Remainder.ON_DELIVERY))
    assert found["legal"] == (False, ["skipped_by:terms"])


def test_other_currencies_compare_through_the_rate_and_unknown_ones_ask_finance() -> None:
    assert chain_for(quote(total="80000", currency="USD"))["finance"] == (True, ["fired:amount"])  # ×7.1
    assert chain_for(quote(total="60000", currency="USD"))["finance"][0] is False
    assert chain_for(quote(total="10", currency="JPY"))["finance"] == (True, ["fired:amount"])


def test_risk_reasons_list_each_fired_test_once_with_the_quotes_figure() -> None:
    approvals, deals = RULES.approvals, RULES.deals
    facts = facts_of(quote(discount="15", prepayment="60"), deals.currency, deals.rates, 60)
    reasons = risk_reasons(choose_chain(facts, approvals.chain_rules))
    assert [(r.test["fact"], r.test.get("actual")) for r in reasons if r.test] == [
        ("discount", "15"),
        ("prepayment", "60"),
    ]


def test_lines_total_and_discount_are_exact_to_the_cent() -> None:
    half_cent = QuoteLine("阀", Decimal("0.5"), Decimal("0.01"))
    assert half_cent.amount == Decimal("0.01")  # 0.005 rounds half up
    content = QuoteContent(
        currency="CNY", lines=(QuoteLine("泵", Decimal(3), Decimal("333.33")),), discount_pct=Decimal("12.5")
    )
    assert content.subtotal == Decimal("999.99")
    assert content.total == Decimal("874.99")  # 874.99125


@pytest.mark.parametrize(
    ("decisions", "members", "everyone", "outcome"),
    [
        ([], 2, False, None),
        (["approve"], 2, False, "approve"),
        (["approve"], 2, True, None),
        (["approve", "approve"], 2, True, "approve"),
        (["approve", "reject"], 2, True, "reject"),
        (["changes"], 3, True, "changes"),
    ],
)
def test_a_group_step_needs_one_member_or_all(decisions, members, everyone, outcome) -> None:
    assert step_outcome(decisions, members, everyone) == outcome


def test_delegations_follow_chains_and_refuse_loops() -> None:
    running = {"alice": "bob", "bob": "carol"}
    assert acting_for(running, "alice") == "carol"
    assert acting_for(running, "dave") == "dave"
    assert delegation_loops(running, "carol", "alice")  # carol → alice → bob → carol
    assert not delegation_loops(running, "dave", "alice")
    assert delegation_loops({}, "alice", "alice")
