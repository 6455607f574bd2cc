"""A time of day as the rules file writes it: "09:00" (or a bare TOML local time)."""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any

from pydantic import BeforeValidator


def _clock_time(value: Any) -> time:
    """A time of day written "09:00" (or a TOML local time)."""
    if isinstance(value, time):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hours, minutes = (int(part) for part in value.strip().split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise ValueError(f'{value!r} is not a time of day; write it as HH:MM, e.g. "09:00"')


ClockTime = Annotated[time, BeforeValidator(_clock_time)]
