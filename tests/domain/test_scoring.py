"""Lead scoring: which rules fire, what each adds, and the grade the total earns."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.leads import Grade, Lead, Urgency
from domain.scoring import (
    AttributeIs,
    BudgetIs,
    Comparison,
    Condition,
    FactIn,
    FiredRule,
    GradeThresholds,
    HasSignal,
    RuleLabel,
    ScoreCard,
    ScoringRule,
    score_lead,
)

CREATED = datetime(2024, 6, 3, 9, tzinfo=UTC)

CARD = ScoreCard(
    (
        ScoringRule("website_form", RuleLabel("Website form"), 10, HasSignal("website_form")),
        ScoringRule("wechat_contact", RuleLabel("WeChat contact"), 10, HasSignal("wechat_contact")),
        ScoringRule("phone_inquiry", RuleLabel("Phone inquiry"), 15, HasSignal("phone_inquiry")),
        ScoringRule(
            "page_dwell", RuleLabel("Long visit"), 5, AttributeIs("page_dwell_seconds", Comparison.GT, 120)
        ),
        ScoringRule("trial_request", RuleLabel("Trial"), 20, HasSignal("trial_request")),
        ScoringRule("competitor", RuleLabel("Competitor employee"), -30, HasSignal("competitor_employee")),
    )
)


def lead(source: str = "web", **facts: Any) -> Lead:
    return Lead(id="L1", source=source, created_at=CREATED, **facts)


def test_score_lists_every_fired_rule_with_its_points_in_rule_order() -> None:
    score = score_lead(lead(signals=frozenset({"trial_request", "website_form"})), CARD)

    assert score.fired == (
        FiredRule("website_form", RuleLabel("Website form"), 10),
        FiredRule("trial_request", RuleLabel("Trial"), 20),
    )
    assert score.points == 30
    assert score.grade is Grade.B


def test_a_lead_showing_every_positive_signal_is_grade_s() -> None:
    signals = frozenset({"website_form", "wechat_contact", "phone_inquiry", "trial_request"})
    score = score_lead(lead(signals=signals, attributes={"page_dwell_seconds": 180.0}), CARD)

    assert score.points == 60
    assert score.grade is Grade.S


def test_negative_rule_pulls_the_grade_down() -> None:
    signals = frozenset({"trial_request", "phone_inquiry", "wechat_contact", "competitor_employee"})
    score = score_lead(lead(signals=signals), CARD)

    assert score.points == 15
    assert score.grade is Grade.C
    assert FiredRule("competitor", RuleLabel("Competitor employee"), -30) in score.fired


def test_a_lead_with_no_signals_scores_zero_and_is_grade_c() -> None:
    score = score_lead(lead(), CARD)

    assert (score.points, score.grade, score.fired) == (0, Grade.C, ())


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        (60, Grade.S),
        (59, Grade.A),
        (40, Grade.A),
        (39, Grade.B),
        (20, Grade.B),
        (19, Grade.C),
        (-30, Grade.C),
    ],
)
def test_grade_thresholds_are_minimums(points: int, grade: Grade) -> None:
    assert GradeThresholds().grade_for(points) is grade


def test_grade_thresholds_must_fall_from_s_to_b() -> None:
    with pytest.raises(ValueError, match="S > A > B"):
        GradeThresholds(s=40, a=40, b=20)


def test_page_dwell_must_exceed_120_seconds() -> None:
    at_limit = score_lead(lead(attributes={"page_dwell_seconds": 120.0}), CARD)
    over = score_lead(lead(attributes={"page_dwell_seconds": 121.0}), CARD)

    assert at_limit.fired == ()
    assert [rule.rule_id for rule in over.fired] == ["page_dwell"]


@pytest.mark.parametrize(
    ("condition", "facts", "matches"),
    [
        (FactIn("source", frozenset({"expo", "referral"})), {"source": "expo"}, True),
        (FactIn("source", frozenset({"expo"})), {"source": "web"}, False),
        (FactIn("region", frozenset({"East"})), {"region": "East"}, True),
        (FactIn("region", frozenset({"East"})), {}, False),
        (FactIn("industry", frozenset({"food"})), {"industry": "food"}, True),
        (FactIn("urgency", frozenset({"red"})), {"urgency": Urgency.RED}, True),
        (FactIn("urgency", frozenset({"red"})), {"urgency": Urgency.GREEN}, False),
        (BudgetIs(Comparison.GTE, Decimal(500_000)), {"budget_max": Decimal(500_000)}, True),
        (BudgetIs(Comparison.GTE, Decimal(500_000)), {"budget_min": Decimal(600_000)}, True),
        (BudgetIs(Comparison.LT, Decimal(50_000)), {}, False),
        (
            BudgetIs(Comparison.GTE, Decimal(500_000)),
            {"budget_min": Decimal(600_000), "budget_max": Decimal(400_000)},
            False,
        ),
        (AttributeIs("employees", Comparison.LTE, 50), {"attributes": {"employees": 50.0}}, True),
        (AttributeIs("employees", Comparison.LT, 50), {"attributes": {"employees": 50.0}}, False),
        (AttributeIs("employees", Comparison.EQ, 50), {"attributes": {"employees": 50.0}}, True),
        (AttributeIs("plan", Comparison.EQ, "pro"), {"attributes": {"plan": "pro"}}, True),
        (AttributeIs("plan", Comparison.EQ, "pro"), {"attributes": {"plan": "free"}}, False),
        (AttributeIs("plan", Comparison.GT, 3), {"attributes": {"plan": "pro"}}, False),
        (AttributeIs("employees", Comparison.GT, 3), {}, False),
    ],
)
def test_conditions_on_each_lead_fact(condition: Condition, facts: dict[str, Any], matches: bool) -> None:
    card = ScoreCard((ScoringRule("rule", RuleLabel("Rule"), 7, condition),))

    assert score_lead(lead(**facts), card).points == (7 if matches else 0)


@given(
    rules=st.lists(st.tuples(st.integers(min_value=-50, max_value=50), st.sampled_from("abcde")), max_size=6),
    signals=st.frozensets(st.sampled_from("abcde")),
)
def test_score_is_the_sum_of_fired_rules_and_grade_follows_the_total(
    rules: list[tuple[int, str]], signals: frozenset[str]
) -> None:
    card = ScoreCard(
        tuple(
            ScoringRule(f"r{i}", RuleLabel(f"Rule {i}"), points, HasSignal(name))
            for i, (points, name) in enumerate(rules)
        )
    )

    score = score_lead(lead(signals=signals), card)

    assert [rule.rule_id for rule in score.fired] == [
        f"r{i}" for i, (_, name) in enumerate(rules) if name in signals
    ]
    assert score.points == sum(rule.points for rule in score.fired)
    assert score.grade is card.thresholds.grade_for(score.points)
    assert score_lead(lead(signals=signals), card) == score
