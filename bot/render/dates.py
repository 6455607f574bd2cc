"""Show a moment the way a person reads it: in their zone and language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import t


def format_moment(moment: datetime, tz: str, lang: str) -> str:
    """`Fri 27 Nov 2026, 18:00` or `2026年11月27日 周五 18:00`, in the person's zone."""
    local = moment.astimezone(ZoneInfo(tz))
    return t(
        lang,
        "datetime.format",
        weekday=t(lang, f"weekday.{local.weekday()}"),
        day=local.day,
        month=t(lang, f"month.{local.month}"),
        year=local.year,
        time=local.strftime("%H:%M"),
    )


def format_clock(moment: datetime, tz: str) -> str:
    """`10:20`: the time of day in the zone, for moments within the next hours."""
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M")
