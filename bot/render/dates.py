"""Show a moment the way a person reads it: in their zone and language."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import t


def format_moment(moment: datetime, tz: str, lang: str) -> str:
    """`Fri 27 Nov 2026, 18:00` or `2026年11月27日 周五 18:00`, in the person's zone."""
    local = moment.astimezone(ZoneInfo(tz))
    return t(lang, "datetime.format", **_calendar_parts(local, lang), time=local.strftime("%H:%M"))


def format_day(day: date, lang: str) -> str:
    """`Mon 7 Dec 2026` or `2026年12月7日 周一`."""
    return t(lang, "date.format", **_calendar_parts(day, lang))


def _calendar_parts(day: date, lang: str) -> dict[str, object]:
    return {
        "weekday": t(lang, f"weekday.{day.weekday()}"),
        "day": day.day,
        "month": t(lang, f"month.{day.month}"),
        "year": day.year,
    }


def format_clock(moment: datetime, tz: str) -> str:
    """`10:20`: the time of day in the zone, for moments within the next hours."""
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M")
