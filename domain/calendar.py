"""The team's working days: which dates count when someone promises "3 business days" or 3个工作日.

A plain Monday-to-Friday week is wrong for a Chinese team twice a year: public holidays fall on
weekdays, and the State Council moves some of the lost days onto weekends (调休), so a Saturday can be
a working day.  A calendar is therefore a weekly pattern plus two lists of dated exceptions, all plain
data, so that the same rules file gives the same deadlines on every machine and in every test.

Weekdays are numbered as `date.weekday()` numbers them: Monday 0 to Sunday 6.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class WorkCalendar:
    """Which dates a team works.

    `weekend` holds the weekdays off every week; `holidays` the dates off although their weekday is
    worked; `working_days` the dates worked although their weekday is off (make-up days, 调休).  A date
    may not be both a holiday and a working day: the calendar would have to guess which one was meant.
    Any iterable is accepted and kept as a frozenset, so a calendar is hashable and cannot change under
    the code that counts with it.
    """

    weekend: frozenset[int] = field(default_factory=lambda: frozenset({SATURDAY, SUNDAY}))
    holidays: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekend", frozenset(self.weekend))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        strangers = sorted(day for day in self.weekend if day not in range(7))
        if strangers:
            raise ValueError(f"weekend days are numbered 0 (Monday) to 6 (Sunday), not {strangers}")
        if len(self.weekend) == 7:
            # Counting forward would never end once the dated working days run out.
            raise ValueError("the weekend cannot be the whole week: keep at least one working weekday")
        both = sorted(self.holidays & self.working_days)
        if both:
            listed = ", ".join(day.isoformat() for day in both)
            raise ValueError(f"{listed} cannot be both a holiday and a working day")

    def is_working_day(self, day: date) -> bool:
        """Whether the team works on `day`: a dated exception wins over the weekly pattern."""
        if day in self.working_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() not in self.weekend

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`, as "the next Friday" is never today."""
        following = day + timedelta(days=1)
        while not self.is_working_day(following):
            following += timedelta(days=1)
        return following

    def add_working_days(self, day: date, n: int) -> date:
        """The `n`th working day after `day`; with n = 0, `day` itself or, if it is off, the next working day.

        Working days are counted strictly after `day`, the way a person counts "3 working days" on a
        Saturday: Monday, Tuesday, Wednesday.  Adding 0 answers "which working day is this?", so a day
        off moves on to the day work resumes.
        """
        if n < 0:
            raise ValueError(f"can only add working days forward, not {n}")
        if n == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days fall after `start` up to and including `end`; negative if end is earlier.

        Counting after `start` makes this undo `add_working_days`: for n > 0,
        `working_days_between(d, add_working_days(d, n)) == n`.  Whole weeks are counted by arithmetic so
        that a span of years costs no more than a span of days.
        """
        if end < start:
            return -self.working_days_between(end, start)
        span = (end - start).days
        weeks, rest = divmod(span, 7)
        count = weeks * (7 - len(self.weekend))
        count += sum(
            1
            for offset in range(1, rest + 1)
            if (start + timedelta(days=offset)).weekday() not in self.weekend
        )
        count -= _count_within(self.holidays, start, end, lambda day: day.weekday() not in self.weekend)
        count += _count_within(self.working_days, start, end, lambda day: day.weekday() in self.weekend)
        return count


def _count_within(days: Iterable[date], start: date, end: date, counts: Callable[[date], bool]) -> int:
    """How many of `days` fall after `start` up to `end` and pass `counts`: the exceptions that matter."""
    return sum(1 for day in days if start < day <= end and counts(day))
