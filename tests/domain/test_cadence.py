"""Job slots: every replica computes the same ones, daily slots follow each person's clock through DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.cadence import DailyAt, Every

NEW_YORK, SHANGHAI, BERLIN = "America/New_York", "Asia/Shanghai", "Europe/Berlin"
NINE = DailyAt(time(9, 0))


def local(year: int, month: int, day: int, hour: int, minute: int, tz: str) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def test_interval_slots_are_aligned_so_every_replica_agrees() -> None:
    every = Every(timedelta(minutes=15))
    moment = datetime(2026, 12, 1, 9, 7, 31, tzinfo=UTC)
    assert every.latest_slot(moment, SHANGHAI) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert every.latest_slot(moment + timedelta(minutes=8), SHANGHAI) == datetime(
        2026, 12, 1, 9, 15, tzinfo=UTC
    )
    assert every.latest_slot(datetime(2026, 12, 1, 9, 15, tzinfo=UTC), SHANGHAI) == datetime(
        2026, 12, 1, 9, 15, tzinfo=UTC
    )


def test_a_daily_slot_is_today_once_its_time_has_passed_else_yesterday() -> None:
    assert NINE.latest_slot(local(2026, 12, 1, 8, 59, SHANGHAI), SHANGHAI) == local(
        2026, 11, 30, 9, 0, SHANGHAI
    )
    assert NINE.latest_slot(local(2026, 12, 1, 9, 0, SHANGHAI), SHANGHAI) == local(
        2026, 12, 1, 9, 0, SHANGHAI
    )
    assert NINE.latest_slot(local(2026, 12, 1, 23, 0, SHANGHAI), SHANGHAI) == local(
        2026, 12, 1, 9, 0, SHANGHAI
    )


def test_two_people_in_two_zones_have_their_own_nine_oclock() -> None:
    moment = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai, 08:00 in Berlin
    assert NINE.latest_slot(moment, SHANGHAI) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert NINE.latest_slot(moment, BERLIN) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def daily_slots(cadence: DailyAt, tz: str, start: datetime, days: int) -> list[datetime]:
    """Every distinct slot a tick every 15 minutes would see over `days`."""
    seen: list[datetime] = []
    moment = start
    while moment < start + timedelta(days=days):
        slot = cadence.latest_slot(moment, tz)
        if not seen or seen[-1] != slot:
            seen.append(slot)
        moment += timedelta(minutes=15)
    return seen


@pytest.mark.parametrize(
    ("start", "change"),
    [
        (datetime(2026, 3, 6, tzinfo=UTC), "clocks go forward on 8 March"),
        (datetime(2026, 10, 30, tzinfo=UTC), "clocks go back on 1 November"),
    ],
)
def test_around_daylight_saving_changes_each_day_has_one_nine_oclock(start: datetime, change: str) -> None:
    slots = daily_slots(NINE, NEW_YORK, start, days=5)
    local_times = [slot.astimezone(ZoneInfo(NEW_YORK)) for slot in slots]
    assert all((t.hour, t.minute) == (9, 0) for t in local_times), change
    assert len({t.date() for t in local_times}) == len(local_times), change  # one a day


def test_a_time_the_spring_change_skips_still_runs_that_day_once() -> None:
    half_past_two = DailyAt(time(2, 30))  # 02:30 does not exist in New York on 8 March 2026
    slots = daily_slots(half_past_two, NEW_YORK, datetime(2026, 3, 7, 12, tzinfo=UTC), days=2)
    days = [slot.astimezone(ZoneInfo(NEW_YORK)).date().isoformat() for slot in slots]
    assert days.count("2026-03-08") == 1
    [skipped_day] = [s for s in slots if s.astimezone(ZoneInfo(NEW_YORK)).date().isoformat() == "2026-03-08"]
    assert skipped_day.astimezone(ZoneInfo(NEW_YORK)).hour == 3  # as late as the gap, once


def test_a_time_the_autumn_change_repeats_runs_once_on_its_first_occurrence() -> None:
    half_past_one = DailyAt(time(1, 30))  # 01:30 happens twice in New York on 1 November 2026
    slots = daily_slots(half_past_one, NEW_YORK, datetime(2026, 10, 31, 12, tzinfo=UTC), days=2)
    on_the_day = [s for s in slots if s.astimezone(ZoneInfo(NEW_YORK)).date().isoformat() == "2026-11-01"]
    assert on_the_day == [datetime(2026, 11, 1, 5, 30, tzinfo=UTC)]  # 01:30 EDT, not 01:30 EST
