"""When a scheduled job is due: its slots, as pure functions of `now`.

A slot is the instant a run was due. Jobs are claimed by (job, slot), so the same slot computed by
two replicas, or again after a restart, is run once; after downtime only the latest missed slot is
due, so a job runs once, late, instead of once per slot it missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Every:
    """Every `interval`, on slots aligned to the epoch (so every replica computes the same ones)."""

    interval: timedelta

    def latest_slot(self, now: datetime, tz: str) -> datetime:
        """The most recent slot at or before `now`."""
        elapsed = (now - _EPOCH) // self.interval
        return _EPOCH + elapsed * self.interval


@dataclass(frozen=True)
class DailyAt:
    """Once a day at a local time of day, in the zone given when asked (a person's, or the team's)."""

    at: time

    def latest_slot(self, now: datetime, tz: str) -> datetime:
        """Today's local time if it has passed, else yesterday's, as a UTC instant."""
        zone = ZoneInfo(tz)
        today = now.astimezone(zone).date()
        for day in (today, today - timedelta(days=1)):
            slot = local_instant(datetime.combine(day, self.at), zone)
            if slot <= now:
                return slot
        return local_instant(datetime.combine(today - timedelta(days=2), self.at), zone)


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in `zone`, for every day of the year.

    On the night clocks go forward the time may not exist (02:30 in New York): it is read with the
    offset before the change, which lands it as much later as the gap (03:30). On the night they go
    back it exists twice: the first is taken. Either way the day has exactly one slot.
    """
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
