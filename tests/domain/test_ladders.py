"""Ladder steps and working hours in each recipient's own zone, across daylight saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from domain.calendar import WorkCalendar
from domain.ladders import Step, WorkingHours, ladder_from_json

CALENDAR = WorkCalendar(weekend=frozenset({5, 6}), holidays=frozenset({date(2026, 10, 1)}))
HOURS = WorkingHours(time(9, 0), time(20, 0))
NEW_YORK, SHANGHAI, BERLIN = "America/New_York", "Asia/Shanghai", "Europe/Berlin"


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def test_hour_steps_count_from_the_anchor() -> None:
    anchor = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert Step("owner", hours=36).due(anchor, CALENDAR, SHANGHAI) == datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


def test_working_day_steps_skip_the_weekend_and_keep_the_time_of_day() -> None:
    friday_3pm = datetime(2026, 12, 11, 15, 0, tzinfo=ZoneInfo(SHANGHAI))
    due = Step("manager", working_days=1).due(friday_3pm, CALENDAR, SHANGHAI)
    assert local(due, SHANGHAI) == datetime(2026, 12, 14, 15, 0, tzinfo=ZoneInfo(SHANGHAI))  # Monday


def test_working_day_steps_skip_holidays() -> None:
    before_holiday = datetime(2026, 9, 30, 10, 0, tzinfo=ZoneInfo(SHANGHAI))
    due = Step("director", working_days=1).due(before_holiday, CALENDAR, SHANGHAI)
    assert local(due, SHANGHAI).date() == date(2026, 10, 2)


def test_a_step_across_the_end_of_daylight_saving_keeps_the_local_hour() -> None:
    # New York leaves daylight saving on Sunday 1 Nov 2026: Friday 10:00 EDT + 1 working day = Monday 10:00 EST.
    friday = datetime(2026, 10, 30, 10, 0, tzinfo=ZoneInfo(NEW_YORK))
    due = Step("manager", working_days=1).due(friday, CALENDAR, NEW_YORK)
    assert local(due, NEW_YORK).hour == 10 and local(due, NEW_YORK).date() == date(2026, 11, 2)
    assert due - friday.astimezone(UTC) == datetime(2026, 11, 2, 15, tzinfo=UTC) - datetime(
        2026, 10, 30, 14, tzinfo=UTC
    )


def test_quiet_hours_hold_a_step_until_the_next_working_morning_where_the_reader_is() -> None:
    # 23:00 UTC on a Thursday is 07:00 Friday in Shanghai (before hours) and 00:00 Friday in Berlin (night).
    moment = datetime(2026, 12, 10, 23, 0, tzinfo=UTC)
    assert local(HOURS.next_open(moment, SHANGHAI, CALENDAR), SHANGHAI) == datetime(
        2026, 12, 11, 9, 0, tzinfo=ZoneInfo(SHANGHAI)
    )
    assert local(HOURS.next_open(moment, BERLIN, CALENDAR), BERLIN) == datetime(
        2026, 12, 11, 9, 0, tzinfo=ZoneInfo(BERLIN)
    )


def test_a_step_due_on_friday_evening_waits_for_monday_morning() -> None:
    friday_night = datetime(2026, 12, 11, 21, 0, tzinfo=ZoneInfo(SHANGHAI))
    held = HOURS.next_open(friday_night, SHANGHAI, CALENDAR)
    assert local(held, SHANGHAI) == datetime(2026, 12, 14, 9, 0, tzinfo=ZoneInfo(SHANGHAI))


def test_within_working_hours_a_step_is_not_held() -> None:
    tuesday_noon = datetime(2026, 12, 8, 12, 0, tzinfo=ZoneInfo(BERLIN))
    assert HOURS.next_open(tuesday_noon, BERLIN, CALENDAR) == tuesday_noon


def test_the_morning_after_the_start_of_daylight_saving_is_nine_local() -> None:
    # New York springs forward on Sunday 8 Mar 2026; Friday's "next morning" is Monday 09:00 EDT (13:00 UTC).
    friday = datetime(2026, 3, 6, 18, 0, tzinfo=ZoneInfo(NEW_YORK))
    morning = HOURS.next_morning(friday, NEW_YORK, CALENDAR)
    assert morning == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def test_a_running_ladder_keeps_its_copy_of_the_steps() -> None:
    steps = (Step("owner", hours=24), Step("manager", working_days=1))
    assert ladder_from_json([step.as_json() for step in steps]) == steps
