"""Score a lead against the rules file's point rules and grade it S/A/B/C.

A score keeps every rule that fired and how many points it added, so a rep or manager can always see
why a lead got its grade.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal

from domain.leads import Grade, Lead


class Comparison(StrEnum):
    """The numeric comparisons a rule may apply to a budget or a lead attribute."""

    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    EQ = "eq"

    def holds(self, actual: Decimal | float, expected: Decimal | float) -> bool:
        """Compare a lead's figure (left) with the rule's figure (right)."""
        return _OPERATORS[self](actual, expected)


_OPERATORS: dict[Comparison, Callable[[Any, Any], bool]] = {
    Comparison.GT: operator.gt,
    Comparison.GTE: operator.ge,
    Comparison.LT: operator.lt,
    Comparison.LTE: operator.le,
    Comparison.EQ: operator.eq,
}

LeadFact = Literal["source", "region", "industry", "urgency"]


@dataclass(frozen=True, slots=True)
class FactIn:
    """Matches when one of the lead's text facts is among the listed values."""

    fact: LeadFact
    values: frozenset[str]

    def matches(self, lead: Lead) -> bool:
        """A lead missing the fact never matches."""
        return getattr(lead, self.fact) in self.values


@dataclass(frozen=True, slots=True)
class HasSignal:
    """Matches when the lead showed a behaviour signal, e.g. `trial_request`."""

    signal: str

    def matches(self, lead: Lead) -> bool:
        """Signals are a set, so a repeated behaviour counts once."""
        return self.signal in lead.signals


@dataclass(frozen=True, slots=True)
class BudgetIs:
    """Matches when the lead's budget (its top figure) compares as stated with an amount."""

    comparison: Comparison
    amount: Decimal

    def matches(self, lead: Lead) -> bool:
        """A lead that gave no budget never matches, in either direction."""
        budget = lead.budget
        return budget is not None and self.comparison.holds(budget, self.amount)


@dataclass(frozen=True, slots=True)
class AttributeIs:
    """Matches when a numeric or text attribute (e.g. `page_dwell_seconds`) compares as stated."""

    name: str
    comparison: Comparison
    value: float | str

    def matches(self, lead: Lead) -> bool:
        """Missing attributes and text-versus-number mismatches never match rather than fail intake."""
        actual = lead.attributes.get(self.name)
        if actual is None:
            return False
        if isinstance(actual, str) or isinstance(self.value, str):
            return self.comparison is Comparison.EQ and actual == self.value
        return self.comparison.holds(actual, self.value)


Condition = FactIn | HasSignal | BudgetIs | AttributeIs


@dataclass(frozen=True, slots=True)
class RuleLabel:
    """A rule's name as people see it: one text for everyone, or one per language (`en`, `zh`)."""

    text: str
    by_lang: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_lang", MappingProxyType(dict(self.by_lang)))

    def in_lang(self, lang: str) -> str:
        """The name in `lang`, else the one text."""
        return self.by_lang.get(lang, self.text)


@dataclass(frozen=True, slots=True)
class ScoringRule:
    """Points a lead earns (or loses, when negative) when the condition holds."""

    id: str
    label: RuleLabel
    points: int
    condition: Condition


@dataclass(frozen=True, slots=True)
class GradeThresholds:
    """Minimum points for each grade; anything below B is C."""

    s: int = 60
    a: int = 40
    b: int = 20

    def __post_init__(self) -> None:
        if not self.s > self.a > self.b:
            raise ValueError(f"grade thresholds must fall S > A > B, got S={self.s} A={self.a} B={self.b}")

    def grade_for(self, points: int) -> Grade:
        """Map a point total to its grade."""
        if points >= self.s:
            return Grade.S
        if points >= self.a:
            return Grade.A
        if points >= self.b:
            return Grade.B
        return Grade.C


@dataclass(frozen=True, slots=True)
class FiredRule:
    """One rule that applied to a lead and what it added to the score."""

    rule_id: str
    label: RuleLabel
    points: int


@dataclass(frozen=True, slots=True)
class Score:
    """A lead's total, its grade, and the rules that produced it, in rules-file order."""

    points: int
    grade: Grade
    fired: tuple[FiredRule, ...]


@dataclass(frozen=True, slots=True)
class ScoreCard:
    """The scoring half of the rules file: point rules plus grade thresholds."""

    rules: tuple[ScoringRule, ...]
    thresholds: GradeThresholds = GradeThresholds()


def score_lead(lead: Lead, card: ScoreCard) -> Score:
    """Add up the points of every rule the lead meets and grade the total.

    Every rule is checked independently, so the fired list is the complete explanation of the score.
    """
    fired = tuple(
        FiredRule(rule.id, rule.label, rule.points) for rule in card.rules if rule.condition.matches(lead)
    )
    points = sum(rule.points for rule in fired)
    return Score(points, card.thresholds.grade_for(points), fired)
