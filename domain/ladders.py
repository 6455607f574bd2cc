"""Escalation ladders: who is told about a late item, and when.

A ladder is a list of steps, each an offset from the item's anchor (a lead's assignment, a follow-up's
due time) and a rung to tell (the owner, their manager, the director). A running ladder keeps its own
copy of the steps it started with, so editing the rules file changes only ladders that start later.
Steps land in the recipient's working hours: a step due at night, on a weekend or on a holiday waits
for the next working morning in the recipient's own time zone, rather than being dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.cadence import local_instant
from domain.calendar import WorkCalendar

RUNGS = ("owner", "manager", "director")


@dataclass(frozen=True, slots=True)
class Step:
    """One step: `hours` after the anchor, or `working_days` after it (same time of day), tell `rung`."""

    rung: str
    hours: float = 0.0
    working_days: int = 0

    def due(self, anchor: datetime, calendar: WorkCalendar, tz: str) -> datetime:
        """When this step is due for an item anchored at `anchor` (working days counted in `tz`)."""
        if not self.working_days:
            return anchor + timedelta(hours=self.hours)
        zone = ZoneInfo(tz)
        local = anchor.astimezone(zone)
        day = calendar.add_working_days(local.date(), self.working_days)
        return local_instant(datetime.combine(day, local.time().replace(tzinfo=None)), zone) + timedelta(
            hours=self.hours
        )

    def as_json(self) -> dict[str, object]:
        """The step as a running ladder stores it."""
        return {"rung": self.rung, "hours": self.hours, "working_days": self.working_days}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Step:
        return cls(str(data["rung"]), float(data.get("hours", 0) or 0), int(data.get("working_days", 0) or 0))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """When people may be told something that can wait: from `start` to `end` on working days."""

    start: time = time(9, 0)
    end: time = time(20, 0)

    def next_open(self, at: datetime, tz: str, calendar: WorkCalendar) -> datetime:
        """`at` itself when it falls in the recipient's working hours, else the next working morning."""
        zone = ZoneInfo(tz)
        local = at.astimezone(zone)
        day: date = local.date()
        if calendar.is_working_day(day) and self.start <= local.time() < self.end:
            return at
        if not calendar.is_working_day(day) or local.time() >= self.end:
            day = calendar.next_working_day(day)
        return local_instant(datetime.combine(day, self.start), zone)

    def next_morning(self, at: datetime, tz: str, calendar: WorkCalendar) -> datetime:
        """The start of the next working day after `at`'s day, where the person is ("tomorrow morning")."""
        zone = ZoneInfo(tz)
        day = calendar.next_working_day(at.astimezone(zone).date())
        return local_instant(datetime.combine(day, self.start), zone)


def ladder_from_json(steps: list[dict[str, object]]) -> tuple[Step, ...]:
    """A running ladder's stored steps."""
    return tuple(Step.from_json(step) for step in steps)
