"""Digest arithmetic: periods in the team's zone, the 24-hour contact share, week-over-week change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.digest import (
    Change,
    ContactTally,
    Figures,
    Handoff,
    contact_tally,
    grades_in_order,
    latest_weekly_slot,
    percent,
    share,
    share_change,
    week_before,
    week_over_week,
)

SHANGHAI = "Asia/Shanghai"
ZONE = ZoneInfo(SHANGHAI)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZONE)


def test_the_share_is_none_with_nothing_to_divide_and_rounds_half_up() -> None:
    assert share(0, 0) is None and percent(None) is None
    assert percent(share(2, 3)) == 67 and percent(share(1, 8)) == 13 and percent(share(3, 3)) == 100


def test_each_handoff_counts_once_on_the_day_its_24_hours_are_settled() -> None:
    day_start, day_end = local(2026, 12, 7, 0), local(2026, 12, 8, 0)
    handoffs = [
        Handoff(local(2026, 12, 7, 9), local(2026, 12, 7, 10)),  # contacted in time today: a hit
        Handoff(local(2026, 12, 6, 9), None),  # its window closed today uncontacted: a miss
        Handoff(local(2026, 12, 6, 9), local(2026, 12, 7, 12)),  # contacted, but 27 h late: a miss
        Handoff(local(2026, 12, 7, 17), None),  # still within its 24 h: not judged yet
        Handoff(local(2026, 12, 6, 20), local(2026, 12, 6, 21)),  # a hit, but yesterday's
    ]
    tally = contact_tally(handoffs, day_start, day_end)
    assert tally == ContactTally(in_time=1, settled=3)
    assert percent(tally.share) == 33
    # The next day judges the 17:00 hand-off and nothing counted today.
    assert contact_tally(handoffs, day_end, day_end + timedelta(days=1)) == ContactTally(0, 1)


def test_the_weekly_slot_is_the_latest_monday_at_its_time_in_the_team_zone() -> None:
    at = time(10, 0)
    monday_ten = local(2026, 12, 7, 10)
    assert latest_weekly_slot(monday_ten, SHANGHAI, at) == monday_ten.astimezone(UTC)
    assert latest_weekly_slot(local(2026, 12, 7, 9, 59), SHANGHAI, at) == local(2026, 11, 30, 10)
    assert latest_weekly_slot(local(2026, 12, 13, 23), SHANGHAI, at) == monday_ten


def test_a_monday_report_covers_the_iso_week_before_and_compares_with_the_one_before_that() -> None:
    week = week_before(local(2026, 12, 7, 10), SHANGHAI)
    assert (week.first_day, week.last_day) == (date(2026, 11, 30), date(2026, 12, 6))
    assert week.start == local(2026, 11, 30, 0) and week.end == local(2026, 12, 7, 0)
    earlier = week.before()
    assert earlier.first_day == date(2026, 11, 23) and earlier.end == week.start


def test_week_over_week_gives_each_figure_and_the_share_in_points() -> None:
    this = Figures(new_leads={"A": 2, "C": 3}, assigned=4, contacted_in_time=3, contact_settled=4, records=9)
    last = Figures(new_leads={"B": 1}, assigned=4, contacted_in_time=1, contact_settled=2, records=12)
    changes = week_over_week(this, last)
    assert changes["new_leads"] == Change(5, 1) and changes["new_leads"].delta == 4
    assert changes["assigned"].delta == 0 and changes["records"].delta == -3
    assert share_change(this.contact, last.contact) == 25  # 75 % against 50 %
    assert share_change(this.contact, Figures().contact) is None


def test_a_day_with_nothing_done_is_quiet_even_if_a_window_closed() -> None:
    assert Figures().quiet
    assert Figures(contact_settled=1).quiet
    assert not Figures(records=1).quiet and not Figures(breaches=1).quiet
    assert not Figures(new_leads={"B": 1}).quiet


def test_figures_survive_a_payload_and_grades_read_best_first() -> None:
    figures = Figures(new_leads={"C": 1, "S": 2, "X": 1}, releases=1)
    assert Figures.from_json(figures.to_json()) == figures
    assert grades_in_order(figures.new_leads) == [("S", 2), ("C", 1), ("X", 1)]
