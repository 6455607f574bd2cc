"""The arithmetic of digests: periods in the team's zone, the 24-hour contact share, week-over-week change.

A digest covers a local day (or an ISO week) of the team's time zone. First contact is judged once per
hand-off, on the day its outcome is settled: contacted within 24 h (a hit, that day), or 24 h passed
without contact (a miss, the day the window closed). So consecutive digests never count a hand-off
twice, and a lead handed over at 17:00 is not called late at 18:00.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.cadence import DailyAt, local_instant
from domain.calendar import WorkCalendar

CONTACT_WINDOW = timedelta(hours=24)
GRADES = ("S", "A", "B", "C")


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the local day or ISO week it stands for."""

    start: datetime
    end: datetime
    first_day: date
    days: int
    tz: str

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=self.days - 1)

    def before(self) -> Period:
        """The period of the same length just before this one (last week, for a weekly report)."""
        return period_of(self.first_day - timedelta(days=self.days), self.days, self.tz)


def period_of(first_day: date, days: int, tz: str) -> Period:
    """`days` local days from `first_day`, midnight to midnight in `tz`."""
    zone = ZoneInfo(tz)
    start = local_instant(datetime.combine(first_day, time()), zone)
    end = local_instant(datetime.combine(first_day + timedelta(days=days), time()), zone)
    return Period(start, end, first_day, days, tz)


def day_of(moment: datetime, tz: str) -> Period:
    """The local day `moment` falls on."""
    return period_of(moment.astimezone(ZoneInfo(tz)).date(), 1, tz)


def week_before(moment: datetime, tz: str) -> Period:
    """The ISO week (Monday to Sunday) before the one `moment` falls in: what a Monday report covers."""
    today = moment.astimezone(ZoneInfo(tz)).date()
    this_monday = today - timedelta(days=today.weekday())
    return period_of(this_monday - timedelta(days=7), 7, tz)


def latest_weekly_slot(now: datetime, tz: str, at: time, weekday: int = 0) -> datetime:
    """The latest `weekday` (0 = Monday) at local `at` that is not after `now`, as a UTC instant."""
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    back = (today.weekday() - weekday) % 7
    slot = local_instant(datetime.combine(today - timedelta(days=back), at), zone)
    if slot > now:
        slot = local_instant(datetime.combine(today - timedelta(days=back + 7), at), zone)
    return slot


def latest_daily_slot(now: datetime, tz: str, at: time) -> datetime:
    """The latest local `at` that is not after `now` (the day a digest is due for)."""
    return DailyAt(at).latest_slot(now, tz)


@dataclass(frozen=True)
class Handoff:
    """A lead handed to a rep at `assigned_at`, first contacted at `contacted_at` (None: not by them)."""

    assigned_at: datetime
    contacted_at: datetime | None


@dataclass(frozen=True)
class ContactTally:
    """Hand-offs whose 24-hour window was settled in a period, and how many were contacted in time."""

    in_time: int = 0
    settled: int = 0

    @property
    def share(self) -> float | None:
        """The share contacted in time (0–1), None when no window was settled."""
        return share(self.in_time, self.settled)


def contact_tally(handoffs: Iterable[Handoff], start: datetime, end: datetime) -> ContactTally:
    """Count each hand-off whose outcome is settled in [start, end): contacted in time, or window closed."""
    in_time = settled = 0
    for handoff in handoffs:
        deadline = handoff.assigned_at + CONTACT_WINDOW
        contacted = handoff.contacted_at
        if contacted is not None and handoff.assigned_at <= contacted <= deadline:
            if start <= contacted < end:
                in_time += 1
                settled += 1
        elif start <= deadline < end:
            settled += 1
    return ContactTally(in_time, settled)


def share(part: int, whole: int) -> float | None:
    """part / whole, None when there is nothing to divide."""
    return part / whole if whole else None


def percent(value: float | None) -> int | None:
    """A share as a whole percentage, rounded half up (2 of 3 is 67 %)."""
    return None if value is None else int(value * 100 + 0.5)


@dataclass(frozen=True)
class Figures:
    """What a digest counts for one channel's scope over one period."""

    new_leads: Mapping[str, int] = field(default_factory=dict)  # by grade
    assigned: int = 0
    contacted_in_time: int = 0
    contact_settled: int = 0
    breaches: int = 0
    releases: int = 0
    records: int = 0
    chains_settled: int = 0  # quote approval chains that ended (approved, rejected, sent back)
    chains_on_time: int = 0  # …of them within `[approvals] chain_working_days`
    payments: int = 0  # payments received (回款)

    @property
    def new_total(self) -> int:
        return sum(self.new_leads.values())

    @property
    def contact(self) -> ContactTally:
        return ContactTally(self.contacted_in_time, self.contact_settled)

    @property
    def quiet(self) -> bool:
        """Nothing happened: no digest is posted for such a day. A 24-hour window that merely closed
        on a lead handed over the day before is no activity of this day."""
        return not (
            self.new_total
            or self.assigned
            or self.contacted_in_time
            or self.breaches
            or self.releases
            or self.records
            or self.chains_settled
            or self.payments
        )

    def to_json(self) -> dict[str, object]:
        """The figures as stored in an outbox row's payload."""
        data: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["new_leads"] = dict(self.new_leads)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Figures:
        """Figures read back from a payload (keys it does not know are left out)."""
        known = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in known})  # type: ignore[arg-type]


def finished_within(
    submitted: datetime, decided: datetime, working_days: int, calendar: WorkCalendar, tz: str
) -> bool:
    """Whether a chain submitted at `submitted` ended by the same time `working_days` working days later."""
    zone = ZoneInfo(tz)
    local = submitted.astimezone(zone)
    day = calendar.add_working_days(local.date(), working_days)
    return decided <= local_instant(datetime.combine(day, local.time().replace(tzinfo=None)), zone)


def grades_in_order(by_grade: Mapping[str, int]) -> list[tuple[str, int]]:
    """(grade, count) for the grades present, best first, unknown grades after."""
    known = [(grade, by_grade[grade]) for grade in GRADES if by_grade.get(grade)]
    return known + sorted((g, n) for g, n in by_grade.items() if g not in GRADES and n)


@dataclass(frozen=True)
class Change:
    """A figure this week against last week."""

    now: int
    before: int

    @property
    def delta(self) -> int:
        return self.now - self.before


def week_over_week(current: Figures, previous: Figures) -> dict[str, Change]:
    """Each counted figure's change from `previous` to `current` (the contact share is compared apart)."""
    return {
        "new_leads": Change(current.new_total, previous.new_total),
        "assigned": Change(current.assigned, previous.assigned),
        "breaches": Change(current.breaches, previous.breaches),
        "releases": Change(current.releases, previous.releases),
        "records": Change(current.records, previous.records),
    }


def share_change(current: ContactTally, previous: ContactTally) -> int | None:
    """The contact share's change in percentage points; None unless both weeks settled a window."""
    now, before = percent(current.share), percent(previous.share)
    return None if now is None or before is None else now - before
