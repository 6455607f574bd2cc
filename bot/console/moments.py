"""Read the times typed at the console: `/clock +1d`, `/clock 2026-12-01 09:00`, `--now ISO-8601`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
_STEPS = re.compile(r"\+((?:\d+[wdhm])+)", re.IGNORECASE)
_STEP = re.compile(r"(\d+)([wdhm])", re.IGNORECASE)


def parse_moment(text: str, tz: str) -> datetime:
    """An ISO-8601 moment (`2026-11-25T10:00:00+08:00`, `2026-12-01 09:00`); without an offset, in `tz`.

    Raises ValueError when `text` is not one.
    """
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def parse_clock_target(text: str, now: datetime, tz: str) -> datetime:
    """Where `/clock TEXT` moves the clock: `+1d`, `+3h`, `+1d2h`, `+30m`, `+2w`, or a moment in `tz`.

    Raises ValueError when `text` is neither.
    """
    compact = "".join(text.split())
    steps = _STEPS.fullmatch(compact)
    if steps:
        return now + sum(
            (int(count) * _UNITS[unit.lower()] for count, unit in _STEP.findall(steps.group(1))),
            timedelta(),
        )
    return parse_moment(text, tz)
