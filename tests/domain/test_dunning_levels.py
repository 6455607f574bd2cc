"""Tests for domain.dunning: the level an unpaid instalment has on a day, the instant each level begins in
the customer's zone (across time zones and daylight-saving changes), when a sweep must look again,
and the unpaid red line counted in working days."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkCalendar
from domain.dunning import DunningRules, Level, Standing, dunning_day, level_on, standing, unpaid_red_line

RULES = DunningRules()  # domain.md: yellow 7 days before, orange 3 after, red 15 after, at 09:00
SHANGHAI, LOS_ANGELES, NEW_YORK = "Asia/Shanghai", "America/Los_Angeles", "America/New_York"
DUE = date(2026, 3, 20)  # yellow from Mar 13, orange from Mar 23, red from Apr 4


def at(day: date, hour: int, minute: int, tz: str) -> datetime:
    """A wall-clock time on `day` in `tz`."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(tz))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- the level on a day -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "has_reason", "level"),
    [
        (date(2026, 3, 1), False, None),
        (date(2026, 3, 12), False, None),  # 8 days before
        (date(2026, 3, 13), False, Level.YELLOW),  # exactly 7 days before
        (date(2026, 3, 20), False, Level.YELLOW),  # the due day
        (date(2026, 3, 22), False, Level.YELLOW),  # 2 days late
        (date(2026, 3, 23), False, Level.ORANGE),  # exactly 3 days late
        (date(2026, 4, 3), False, Level.ORANGE),  # 14 days late
        (date(2026, 4, 4), False, Level.RED),  # exactly 15 days late
        (date(2027, 1, 1), False, Level.RED),
        (date(2026, 3, 12), True, None),
        (date(2026, 3, 13), True, Level.YELLOW),
        (date(2026, 3, 23), True, Level.ORANGE),
        (date(2026, 4, 4), True, Level.ORANGE),  # a written reason keeps it orange
        (date(2027, 1, 1), True, Level.ORANGE),
    ],
)
def test_level_on_each_side_of_each_boundary(day: date, has_reason: bool, level: Level | None) -> None:
    assert level_on(DUE, day, has_reason, RULES) == level


def test_levels_follow_the_rules_given() -> None:
    rules = DunningRules(yellow_before=0, orange_after=1, red_after=2)
    assert [level_on(DUE, DUE + timedelta(days=d), False, rules) for d in (-1, 0, 1, 2)] == [
        None,
        Level.YELLOW,
        Level.ORANGE,
        Level.RED,
    ]


@pytest.mark.parametrize(("orange_after", "red_after"), [(15, 15), (16, 15)])
def test_red_must_come_after_orange(orange_after: int, red_after: int) -> None:
    with pytest.raises(ValueError, match="red must come after orange"):
        DunningRules(orange_after=orange_after, red_after=red_after)


# --- the instant a level begins ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (at(date(2026, 3, 13), 8, 59, SHANGHAI), date(2026, 3, 12)),  # before 09:00: still yesterday's
        (at(date(2026, 3, 13), 9, 0, SHANGHAI), date(2026, 3, 13)),
        (at(date(2026, 3, 13), 23, 59, SHANGHAI), date(2026, 3, 13)),
        (at(date(2026, 3, 14), 0, 0, SHANGHAI), date(2026, 3, 13)),  # midnight is not 09:00
        (utc(2026, 3, 13, 0, 59), date(2026, 3, 12)),  # 08:59 in Shanghai, given in UTC
        (utc(2026, 3, 13, 1, 0), date(2026, 3, 13)),  # 09:00 in Shanghai
    ],
)
def test_the_day_turns_at_nine_local(now: datetime, day: date) -> None:
    assert dunning_day(now, SHANGHAI, RULES) == day


@pytest.mark.parametrize(
    ("now", "level"),
    [
        (at(date(2026, 3, 13), 8, 59, SHANGHAI), None),
        (at(date(2026, 3, 13), 9, 0, SHANGHAI), Level.YELLOW),
        (at(date(2026, 3, 23), 8, 59, SHANGHAI), Level.YELLOW),
        (at(date(2026, 3, 23), 9, 0, SHANGHAI), Level.ORANGE),
        (at(date(2026, 4, 4), 8, 59, SHANGHAI), Level.ORANGE),
        (at(date(2026, 4, 4), 9, 0, SHANGHAI), Level.RED),
    ],
)
def test_each_level_begins_at_nine_not_a_minute_before(now: datetime, level: Level | None) -> None:
    assert standing(DUE, now, SHANGHAI, False, RULES).level == level


def test_the_same_instant_is_a_different_day_in_shanghai_and_los_angeles() -> None:
    # 01:30 UTC on Mar 13 is 09:30 on Mar 13 in Shanghai but 18:30 on Mar 12 in Los Angeles (PDT).
    now = utc(2026, 3, 13, 1, 30)
    assert dunning_day(now, SHANGHAI, RULES) == date(2026, 3, 13)
    assert dunning_day(now, LOS_ANGELES, RULES) == date(2026, 3, 12)
    assert standing(DUE, now, SHANGHAI, False, RULES) == Standing(
        Level.YELLOW, at(date(2026, 3, 23), 9, 0, SHANGHAI)
    )
    assert standing(DUE, now, LOS_ANGELES, False, RULES) == Standing(None, utc(2026, 3, 13, 16, 0))


@pytest.mark.parametrize(
    ("due_on", "before", "begins"),
    [
        # DST starts Sun Mar 8 2026 in New York: yellow (due Mar 15) begins at 09:00 EDT, 13:00 UTC.
        (date(2026, 3, 15), utc(2026, 3, 7, 15, 0), utc(2026, 3, 8, 13, 0)),
        # The day before the change, 09:00 was still EST, 14:00 UTC.
        (date(2026, 3, 14), utc(2026, 3, 6, 15, 0), utc(2026, 3, 7, 14, 0)),
        # DST ends Sun Nov 1 2026: yellow (due Nov 8) begins at 09:00 EST, 14:00 UTC.
        (date(2026, 11, 8), utc(2026, 10, 31, 14, 0), utc(2026, 11, 1, 14, 0)),
        (date(2026, 11, 7), utc(2026, 10, 30, 14, 0), utc(2026, 10, 31, 13, 0)),
    ],
)
def test_a_level_begins_at_nine_local_across_daylight_saving_changes(
    due_on: date, before: datetime, begins: datetime
) -> None:
    found = standing(due_on, before, NEW_YORK, False, RULES)
    assert found == Standing(None, begins)
    assert found.next_change is not None
    assert found.next_change.astimezone(ZoneInfo(NEW_YORK)).time() == time(9, 0)
    assert standing(due_on, begins - timedelta(minutes=1), NEW_YORK, False, RULES).level is None
    assert standing(due_on, begins, NEW_YORK, False, RULES).level is Level.YELLOW


def test_nine_in_summer_is_not_nine_in_winter() -> None:
    # 13:30 UTC on Mar 8 is 09:30 EDT: yellow. On EST it would have been 08:30, still nothing.
    assert standing(date(2026, 3, 15), utc(2026, 3, 8, 13, 30), NEW_YORK, False, RULES).level is Level.YELLOW


# --- when to look again -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "has_reason", "expected"),
    [
        (utc(2026, 3, 1, 2, 0), False, Standing(None, utc(2026, 3, 13, 1, 0))),
        (utc(2026, 3, 13, 0, 59), False, Standing(None, utc(2026, 3, 13, 1, 0))),
        (utc(2026, 3, 13, 1, 0), False, Standing(Level.YELLOW, utc(2026, 3, 23, 1, 0))),
        (utc(2026, 3, 23, 0, 59), False, Standing(Level.YELLOW, utc(2026, 3, 23, 1, 0))),
        (utc(2026, 3, 23, 1, 0), False, Standing(Level.ORANGE, utc(2026, 4, 4, 1, 0))),
        (utc(2026, 4, 4, 0, 59), False, Standing(Level.ORANGE, utc(2026, 4, 4, 1, 0))),
        (utc(2026, 4, 4, 1, 0), False, Standing(Level.RED, None)),  # red never changes by itself
        (utc(2027, 1, 1, 1, 0), False, Standing(Level.RED, None)),
        (utc(2026, 3, 1, 2, 0), True, Standing(None, utc(2026, 3, 13, 1, 0))),
        (utc(2026, 3, 13, 1, 0), True, Standing(Level.YELLOW, utc(2026, 3, 23, 1, 0))),
        (utc(2026, 3, 23, 1, 0), True, Standing(Level.ORANGE, None)),  # a reason: no red to come
        (utc(2026, 4, 4, 1, 0), True, Standing(Level.ORANGE, None)),
    ],
)
def test_next_change_is_the_next_boundary_at_nine_local(
    now: datetime, has_reason: bool, expected: Standing
) -> None:
    assert standing(DUE, now, SHANGHAI, has_reason, RULES) == expected


@pytest.mark.parametrize("tz", [SHANGHAI, LOS_ANGELES, NEW_YORK])
@pytest.mark.parametrize("has_reason", [False, True])
def test_following_next_change_visits_every_level_once(tz: str, has_reason: bool) -> None:
    """A sweep that looks only at `next_change` sees each level begin, in order, at 09:00 local."""
    now = at(date(2026, 1, 1), 12, 0, tz)
    seen: list[tuple[Level | None, datetime]] = []
    found = standing(DUE, now, tz, has_reason, RULES)
    while found.next_change is not None:
        assert found.next_change > now
        assert standing(DUE, found.next_change - timedelta(minutes=1), tz, has_reason, RULES) == found
        now = found.next_change
        found = standing(DUE, now, tz, has_reason, RULES)
        seen.append((found.level, now.astimezone(ZoneInfo(tz)).replace(tzinfo=None)))
    expected = [
        (Level.YELLOW, datetime(2026, 3, 13, 9, 0)),
        (Level.ORANGE, datetime(2026, 3, 23, 9, 0)),
    ]
    if not has_reason:
        expected.append((Level.RED, datetime(2026, 4, 4, 9, 0)))
    assert seen == expected


def test_next_change_uses_the_hour_the_rules_give() -> None:
    rules = DunningRules(at=time(14, 30))
    assert standing(DUE, at(date(2026, 3, 13), 14, 29, SHANGHAI), SHANGHAI, False, rules) == Standing(
        None, at(date(2026, 3, 13), 14, 30, SHANGHAI)
    )
    assert standing(DUE, at(date(2026, 3, 13), 14, 30, SHANGHAI), SHANGHAI, False, rules) == Standing(
        Level.YELLOW, at(date(2026, 3, 23), 14, 30, SHANGHAI)
    )


# --- the unpaid red line ----------------------------------------------------------------------------

# 2026: Mar 6 is a Friday; Oct 1-7 is China's National Day week, Sat Oct 10 a make-up working day.
NATIONAL_DAY = frozenset(date(2026, 10, d) for d in range(1, 8))


@pytest.mark.parametrize(
    ("agreed_on", "calendar", "red_line"),
    [
        pytest.param(date(2026, 3, 3), WorkCalendar(), date(2026, 3, 6), id="Tuesday: Friday"),
        pytest.param(date(2026, 3, 6), WorkCalendar(), date(2026, 3, 11), id="Friday: over the weekend"),
        pytest.param(date(2026, 3, 7), WorkCalendar(), date(2026, 3, 11), id="Saturday: Mon Tue Wed"),
        pytest.param(
            date(2026, 12, 31),
            WorkCalendar(holidays={date(2027, 1, 1)}),
            date(2027, 1, 6),
            id="New Year's Day and a weekend",
        ),
        pytest.param(
            date(2026, 9, 30),
            WorkCalendar(holidays=NATIONAL_DAY),
            date(2026, 10, 12),
            id="a holiday week",
        ),
        pytest.param(
            date(2026, 9, 30),
            WorkCalendar(holidays=NATIONAL_DAY, working_days={date(2026, 10, 10)}),
            date(2026, 10, 10),
            id="a holiday week with a make-up Saturday",
        ),
    ],
)
def test_unpaid_red_line_counts_working_days(agreed_on: date, calendar: WorkCalendar, red_line: date) -> None:
    assert unpaid_red_line(agreed_on, 3, calendar) == red_line
