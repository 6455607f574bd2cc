"""Where "now" comes from: the system clock in production, a movable one in the console.

Everything below the edge takes `now` as a parameter; the edge asks a `Clock`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """The system clock."""

    def now(self) -> datetime:
        """The current moment, timezone-aware in UTC."""
        return datetime.now(UTC)


class SimulatedClock(Clock):
    """A clock that stands still until moved, so a console session can jump ahead a day."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by `delta`; the past cannot be revisited."""
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> datetime:
        """Jump to `moment`, which must not be in the simulated past."""
        return self.advance(moment.astimezone(UTC) - self._now)


class StartedClock(Clock):
    """A clock that starts at a given instant and runs at the real pace (`closeloop tick --at`).

    The jobs see exactly `start`; the sends they queue are due then, and a retry one second later is
    due one real second later.
    """

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware start")
        self._start = start.astimezone(UTC)
        self._started = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._started)
