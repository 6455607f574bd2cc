"""Dunning levels (催款): derived from an instalment's due date and today's date, never counted.

**yellow** from `yellow_before` days before the due date; **orange** from `orange_after` days after it;
**red** from `red_after` days after it while the rep has written no reason (a reason keeps it orange).
A level begins at `at` o'clock on its day in the customer's zone, so reminders arrive in working
hours. Because a level is a function of the date, a sweep that missed a day (or ran twice) still
lands on the right one; `next_change` says when to look again, so a sweep reads only the instalments
whose level is about to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.calendar import WorkCalendar


class Level(StrEnum):
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


@dataclass(frozen=True, slots=True)
class DunningRules:
    yellow_before: int = 7
    orange_after: int = 3
    red_after: int = 15
    at: time = time(9, 0)

    def __post_init__(self) -> None:
        if not self.orange_after < self.red_after:
            raise ValueError("red must come after orange")


def level_on(due_on: date, day: date, has_reason: bool, rules: DunningRules) -> Level | None:
    """The level of an instalment still unpaid on `day` (a whole day in the customer's zone)."""
    late = (day - due_on).days
    if late >= rules.red_after and not has_reason:
        return Level.RED
    if late >= rules.orange_after:
        return Level.ORANGE
    if late >= -rules.yellow_before:
        return Level.YELLOW
    return None


def dunning_day(now: datetime, tz: str, rules: DunningRules) -> date:
    """The day whose level applies at `now`: today once `at` has struck in `tz`, else yesterday."""
    local = now.astimezone(ZoneInfo(tz))
    return local.date() if local.time() >= rules.at else local.date() - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Standing:
    """An unpaid instalment's level now, and when it next changes (None: it never will by itself)."""

    level: Level | None
    next_change: datetime | None


def standing(due_on: date, now: datetime, tz: str, has_reason: bool, rules: DunningRules) -> Standing:
    """The level at `now` and the instant of the next change, in the customer's zone `tz`."""
    day = dunning_day(now, tz, rules)
    level = level_on(due_on, day, has_reason, rules)
    boundaries = [
        due_on - timedelta(days=rules.yellow_before),
        due_on + timedelta(days=rules.orange_after),
    ]
    if not has_reason:
        boundaries.append(due_on + timedelta(days=rules.red_after))
    later = [b for b in boundaries if b > day]
    if not later:
        return Standing(level, None)
    return Standing(level, datetime.combine(min(later), rules.at, ZoneInfo(tz)))


def unpaid_red_line(agreed_on: date, working_days: int, calendar: WorkCalendar) -> date:
    """domain.md: a signed contract with no payment `working_days` working days after the agreed date
    is a red line; this is the day it is crossed."""
    return calendar.add_working_days(agreed_on, working_days)
