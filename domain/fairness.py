"""Report how fairly leads were shared among reps over a period, flagging each rep red/yellow/green.

The flag rule, so a manager can predict it:

* A rep's fair share of the period's leads is their weight × days available, over the team's total of
  the same. Days away therefore shrink the fair share instead of showing up as unfairness.
* Deviation = (|leads received − fair share × team leads| − 1) / (fair share × team leads), floored at
  0. The one-lead slack is there because nobody can receive half a lead.
* Deviation above 50 % is red, above 25 % yellow, otherwise green. Too many leads is flagged as much
  as too few: both are the imbalance the surveys found.
* A rep who was new at any point in the period is owed their part of the new-rep share of S/A leads
  (the group share split by weight × days available). Falling more than one lead short of it makes
  the flag at least yellow.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from domain.leads import Grade, Reason, Rep, newcomer_cutoff

# Leads come in whole numbers; a gap of one lead is rounding, not unfairness.
ROUNDING_SLACK = 1.0

SHARE_DEVIATION = "share_deviation"
NEW_REP_SHARE_SHORT = "new_rep_share_short"


class Flag(StrEnum):
    """How balanced a rep's lead flow was: green fine, yellow worth a look, red act now."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True, slots=True)
class AssignmentFact:
    """One lead given to one rep, and when (if ever) they first contacted it."""

    user_id: str
    grade: Grade
    assigned_at: datetime
    first_contact_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Period:
    """The report's time span: from `start` (inclusive) to `end` (exclusive)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a report period must end after it starts ({self.start} to {self.end})")

    @property
    def days(self) -> float:
        """Length in days, the default availability of a rep who took no time off."""
        return (self.end - self.start) / timedelta(days=1)


@dataclass(frozen=True, slots=True)
class FairnessPolicy:
    """The thresholds of the flag rule; the new-rep figures match the routing rules."""

    yellow_deviation: float = 0.25
    red_deviation: float = 0.5
    new_rep_share: float = 0.2
    new_rep_days: int = 90


@dataclass(frozen=True, slots=True)
class RepFairness:
    """One rep's line in the report; `reasons` explains any flag that is not green."""

    user_id: str
    received: int
    by_grade: Mapping[Grade, int]
    share: float
    fair_share: float
    median_first_contact: timedelta | None
    flag: Flag
    reasons: tuple[Reason, ...]


def fairness_report(
    facts: Iterable[AssignmentFact],
    reps: Sequence[Rep],
    period: Period,
    days_available: Mapping[str, float] | None = None,
    policy: FairnessPolicy = FairnessPolicy(),
) -> tuple[RepFairness, ...]:
    """One line per rep, in roster order, over the roster's leads assigned within the period.

    `days_available` gives each rep's days at work in the period (missing reps count the whole period),
    so time off lowers what they were due. Leads given to people off the roster, such as a pool's
    fallback manager, are left out of the team total.
    """
    received: dict[str, list[AssignmentFact]] = {rep.user_id: [] for rep in reps}
    for fact in facts:
        if fact.user_id in received and period.start <= fact.assigned_at < period.end:
            received[fact.user_id].append(fact)
    team_total = sum(len(own) for own in received.values())
    premium_total = sum(1 for own in received.values() for f in own if f.grade.is_premium)
    availability = {
        rep.user_id: rep.weight * (days_available or {}).get(rep.user_id, period.days) for rep in reps
    }
    team_availability = sum(availability.values())
    cutoff = newcomer_cutoff(period.start.date(), policy.new_rep_days)
    new_reps = {rep.user_id for rep in reps if rep.is_new(cutoff)}
    new_rep_availability = sum(availability[user_id] for user_id in new_reps)

    lines = []
    for rep in reps:
        own = received[rep.user_id]
        fair_share = availability[rep.user_id] / team_availability if team_availability else 0.0
        flag, reasons = _share_flag(len(own), fair_share * team_total, policy)
        if rep.user_id in new_reps and new_rep_availability:
            owed = policy.new_rep_share * premium_total * availability[rep.user_id] / new_rep_availability
            premium_received = sum(1 for f in own if f.grade.is_premium)
            if premium_received < owed - ROUNDING_SLACK:
                params = {"received": premium_received, "owed": round(owed, 1)}
                reasons.append(Reason(NEW_REP_SHARE_SHORT, params))
                flag = Flag.RED if flag is Flag.RED else Flag.YELLOW
        grades = Counter(f.grade for f in own)
        lines.append(
            RepFairness(
                user_id=rep.user_id,
                received=len(own),
                by_grade=MappingProxyType({grade: grades[grade] for grade in Grade}),
                share=len(own) / team_total if team_total else 0.0,
                fair_share=fair_share,
                median_first_contact=_median_first_contact(own),
                flag=flag,
                reasons=tuple(reasons),
            )
        )
    return tuple(lines)


def _share_flag(received: int, expected: float, policy: FairnessPolicy) -> tuple[Flag, list[Reason]]:
    """The flag from share deviation alone, with its reason unless green."""
    gap = max(abs(received - expected) - ROUNDING_SLACK, 0.0)
    # A rep with no time available who still received leads is as unbalanced as it gets.
    deviation = gap / expected if expected else (float("inf") if gap else 0.0)
    if deviation <= policy.yellow_deviation:
        return Flag.GREEN, []
    flag = Flag.RED if deviation > policy.red_deviation else Flag.YELLOW
    params = {"received": received, "expected": round(expected, 1), "deviation": round(deviation, 2)}
    return flag, [Reason(SHARE_DEVIATION, params)]


def _median_first_contact(facts: list[AssignmentFact]) -> timedelta | None:
    waits = [f.first_contact_at - f.assigned_at for f in facts if f.first_contact_at is not None]
    return statistics.median(waits) if waits else None
