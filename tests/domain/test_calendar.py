"""Tests for domain.calendar: the team's working days, weekends, holidays and make-up days."""

import dataclasses
from datetime import date, timedelta

import pytest

from domain.calendar import WorkCalendar

# A Golden Week shaped like China's: Thursday 1 to Wednesday 7 October 2026 off, with Sunday
# 20 September and Saturday 10 October worked to make up for it.
GOLDEN_WEEK = WorkCalendar(
    holidays=frozenset(date(2026, 10, day) for day in range(1, 8)),
    working_days=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
)
WEDNESDAY = date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
MONDAY = date(2026, 11, 30)


def test_the_default_week_is_monday_to_friday() -> None:
    week = [WEDNESDAY + timedelta(days=offset) for offset in range(7)]
    assert [WorkCalendar().is_working_day(day) for day in week] == [
        True,
        True,
        True,
        False,
        False,
        True,
        True,
    ]


def test_a_holiday_is_off_and_a_make_up_day_is_worked() -> None:
    assert not GOLDEN_WEEK.is_working_day(date(2026, 10, 1))  # a Thursday
    assert GOLDEN_WEEK.is_working_day(date(2026, 10, 10))  # a Saturday
    assert GOLDEN_WEEK.is_working_day(date(2026, 9, 20))  # a Sunday
    assert not GOLDEN_WEEK.is_working_day(date(2026, 10, 11))  # the Sunday after stays off


def test_another_weekend_can_be_chosen() -> None:
    friday_saturday = WorkCalendar(weekend=frozenset({4, 5}))
    assert friday_saturday.is_working_day(SUNDAY)
    assert not friday_saturday.is_working_day(FRIDAY)
    assert friday_saturday.add_working_days(date(2026, 11, 26), 1) == SUNDAY


@pytest.mark.parametrize(
    ("calendar", "day", "following"),
    [
        (WorkCalendar(), WEDNESDAY, date(2026, 11, 26)),
        (WorkCalendar(), FRIDAY, MONDAY),
        (WorkCalendar(), SATURDAY, MONDAY),
        (GOLDEN_WEEK, date(2026, 9, 30), date(2026, 10, 8)),
        (GOLDEN_WEEK, date(2026, 10, 9), date(2026, 10, 10)),
        (GOLDEN_WEEK, date(2026, 9, 19), date(2026, 9, 20)),
    ],
)
def test_the_next_working_day_is_strictly_after(calendar: WorkCalendar, day: date, following: date) -> None:
    assert calendar.next_working_day(day) == following


@pytest.mark.parametrize(
    ("calendar", "day", "n", "result"),
    [
        (WorkCalendar(), WEDNESDAY, 0, WEDNESDAY),
        (WorkCalendar(), SATURDAY, 0, MONDAY),
        (WorkCalendar(), SUNDAY, 0, MONDAY),
        (WorkCalendar(), WEDNESDAY, 1, date(2026, 11, 26)),
        (WorkCalendar(), WEDNESDAY, 3, MONDAY),
        (WorkCalendar(), FRIDAY, 1, MONDAY),
        (WorkCalendar(), SATURDAY, 1, MONDAY),
        (WorkCalendar(), SATURDAY, 3, date(2026, 12, 2)),
        (WorkCalendar(), WEDNESDAY, 10, date(2026, 12, 9)),
        (WorkCalendar(), date(2026, 12, 30), 3, date(2027, 1, 4)),
        (GOLDEN_WEEK, date(2026, 9, 30), 1, date(2026, 10, 8)),
        (GOLDEN_WEEK, date(2026, 9, 30), 3, date(2026, 10, 10)),
        (GOLDEN_WEEK, date(2026, 10, 3), 0, date(2026, 10, 8)),
        (GOLDEN_WEEK, date(2026, 10, 10), 0, date(2026, 10, 10)),
        (GOLDEN_WEEK, date(2026, 9, 18), 1, date(2026, 9, 20)),
    ],
)
def test_adding_working_days(calendar: WorkCalendar, day: date, n: int, result: date) -> None:
    assert calendar.add_working_days(day, n) == result


def test_working_days_cannot_be_added_backwards() -> None:
    with pytest.raises(ValueError, match="forward"):
        WorkCalendar().add_working_days(WEDNESDAY, -1)


@pytest.mark.parametrize("calendar", [WorkCalendar(), GOLDEN_WEEK, WorkCalendar(weekend=frozenset({4}))])
def test_counting_between_undoes_adding(calendar: WorkCalendar) -> None:
    for start in (date(2026, 9, 1) + timedelta(days=offset) for offset in range(45)):
        for n in range(1, 25):
            end = calendar.add_working_days(start, n)
            assert calendar.working_days_between(start, end) == n, (start, n)
            assert calendar.working_days_between(end, start) == -n


def test_counting_between_matches_a_day_by_day_count_over_years() -> None:
    start, end = date(2025, 12, 17), date(2028, 3, 2)
    by_hand = sum(
        1
        for offset in range(1, (end - start).days + 1)
        if GOLDEN_WEEK.is_working_day(start + timedelta(days=offset))
    )
    assert GOLDEN_WEEK.working_days_between(start, end) == by_hand
    assert GOLDEN_WEEK.working_days_between(start, start) == 0
    assert WorkCalendar().working_days_between(FRIDAY, MONDAY) == 1


def test_a_calendar_is_frozen_and_hashable() -> None:
    calendar = WorkCalendar(holidays={date(2026, 10, 1)})  # type: ignore[arg-type]
    assert calendar.holidays == frozenset({date(2026, 10, 1)})
    assert hash(calendar) == hash(WorkCalendar(holidays=frozenset({date(2026, 10, 1)})))
    with pytest.raises(dataclasses.FrozenInstanceError):
        calendar.weekend = frozenset()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({"weekend": frozenset(range(7))}, "whole week"),
        ({"weekend": frozenset({6, 7})}, "0 \\(Monday\\) to 6 \\(Sunday\\)"),
        (
            {"holidays": frozenset({date(2026, 10, 10)}), "working_days": frozenset({date(2026, 10, 10)})},
            "2026-10-10 cannot be both",
        ),
    ],
)
def test_a_calendar_that_cannot_count_is_refused(arguments: dict, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        WorkCalendar(**arguments)
