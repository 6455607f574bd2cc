"""Read the due date a person typed into free text, in English or Chinese.

dateparser alone misses much everyday Chinese (下周三, 周五前, 明天下午3点) and finds "dates" in
ordinary words ("may", "second"), so this module never hands it a whole sentence.  Our own patterns
find the date phrase inside the text; dateparser only reads English month-name phrases ("Dec 5",
"5th of December") that a pattern has already cut out.

Readings chosen where the words are ambiguous:

- A date without a time is due at 18:00 local time, the end of the business day.
- A bare weekday ("Friday", "next Friday", 周五) is the next such day strictly after today.
- "this Friday", 本周五 and 这周五 are that day of the current Monday-based week, even when it has passed.
- 下周X is that day of next calendar week; 下周, 下个星期 and "next week" alone are next week's Monday.
- 下个月, 下月 and "next month" alone are the 1st of next month; 下个月5号 is the 5th of next month.
- "end of week"/"EOW" is this week's Friday, or next week's once this Friday has passed.
- M月D日, M/D and "Dec 5" without a year are the next such date: today counts, a past date rolls to next
  year.  Slashed dates are month/day.
- A clock hour from 1 to 6 with no am/pm or 上午/下午 is read as afternoon (明天3点 = 15:00): nobody books
  a client for 3 a.m.  A written marker ("3am", 凌晨3点) is obeyed.
- A time alone is the next time that clock shows: today if it is still ahead, else tomorrow.  A time is
  only read alone when it cannot be anything else: 3点 (also "3 points") and "at 10" need a date beside them.
- When the text names several dates, the first one is the due date.
- Phrases about the past (上周三, "last Friday") are read only so that their weekday is not taken for a
  future one; they never give a due date.
- Abbreviated weekdays (mon, tue, wed, thu, fri) count in any case, but "Sat" only capitalised, since
  "sat" is a verb, and "Sun" not at all, since it is a common surname.
- "3 business days", "within 3 working days", "2 workdays", 3个工作日 and 3个工作日内 count that many
  working days after today on the team's calendar (Monday to Friday when none is given): from a
  Thursday, 2 working days is Monday.  A bare count needs a working-day word beside it ("2 weeks" alone
  is not a date, "2 workdays" is), and "a business day" only counts after in, within or after.
- A leading "by", "before", "until", "till", "on", "due" or "at", and a trailing 前, 之前 or 以前, belong
  to the phrase's span, so a caller can cut the whole phrase out of the sentence.
"""

import re
from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

import dateparser

from domain.calendar import WorkCalendar

END_OF_BUSINESS = time(18, 0)


@dataclass(frozen=True)
class DueMatch:
    """A due date read from text, with the span of the phrase that gave it."""

    due: datetime
    start: int
    end: int
    has_time: bool


# --- numbers -------------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_EN_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
# Chinese numerals from 零 to 九十九: 五, 十, 十五, 二十, 三十一.
_CN_NUMBER = r"(?:[一二两三四五六七八九]?十[一二三四五六七八九]?|[零〇一二两三四五六七八九])"
_SMALL_NUMBER = rf"(?:\d{{1,2}}|{_CN_NUMBER})"  # a month, a day of the month, an hour, a minute
_CN_COUNT = rf"(?:\d{{1,3}}|{_CN_NUMBER})"
_EN_COUNT = r"(?:\d{1,3}|" + "|".join(_EN_COUNTS) + ")"


def _read_number(token: str) -> int:
    """The value of a number in Arabic digits, Chinese numerals or English words, as the patterns allow."""
    if token.isdigit():
        return int(token)
    if token.lower() in _EN_COUNTS:
        return _EN_COUNTS[token.lower()]
    tens, ten_sign, ones = token.partition("十")
    if not ten_sign:
        return _CN_DIGITS[token]
    return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)


# --- calendar arithmetic -------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, moved back to the month's last day when that month is shorter."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def _weekday_date(today: date, weekday: int, weeks_ahead: int | None) -> date:
    """No week given: the next such weekday strictly after today; else that day `weeks_ahead` weeks on."""
    if weeks_ahead is None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=weeks_ahead, days=weekday)


def _calendar_date(today: date, year: int | None, month: int, day: int) -> date | None:
    """A written year is kept; without one, a date already past this year means next year's."""
    for candidate_year in [year] if year is not None else [today.year, today.year + 1]:
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if year is not None or candidate >= today:
            return candidate
    return None


def _day_of_month(month_start: date, day: int) -> date | None:
    try:
        return month_start.replace(day=day)
    except ValueError:
        return None


# --- scanning ------------------------------------------------------------------------------------

_Value = TypeVar("_Value")


@dataclass(frozen=True)
class _Rule(Generic[_Value]):
    """A pattern for one kind of phrase and the reader that turns its match into a value."""

    pattern: re.Pattern[str]
    read: Callable[[re.Match[str]], _Value | None]
    standalone: bool = True  # whether the phrase means a time even with no date beside it


@dataclass(frozen=True)
class _Found(Generic[_Value]):
    """A phrase found in the text and what it was read as."""

    start: int
    end: int
    value: _Value
    standalone: bool


def _scan(text: str, rules: Iterable[_Rule[_Value]]) -> list[_Found[_Value]]:
    found = []
    for rule in rules:
        for match in rule.pattern.finditer(text):
            value = rule.read(match)
            if value is not None:
                found.append(_Found(match.start(), match.end(), value, rule.standalone))
    return found


def _first(found: Iterable[_Found[_Value]]) -> _Found[_Value] | None:
    """The phrase that starts first, the longest of those: 下周三 rather than the 周三 inside it."""
    return min(found, key=lambda item: (item.start, -item.end), default=None)


# --- days ----------------------------------------------------------------------------------------

_DAY_WORD_OFFSETS = {
    "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3,
    "today": 0, "tomorrow": 1, "day after tomorrow": 2, "the day after tomorrow": 2,
}  # fmt: skip


def _word_pattern(word: str) -> str:
    """English words must stand whole and may be spaced freely; Chinese has no spaces to respect."""
    if not word.isascii():
        return word
    return r"\b" + r"\s+".join(word.split()) + r"\b"


_DAY_WORDS = re.compile(
    "|".join(_word_pattern(word) for word in sorted(_DAY_WORD_OFFSETS, key=len, reverse=True)),
    re.IGNORECASE,
)


def _read_day_word(match: re.Match[str], today: date) -> date:
    return today + timedelta(days=_DAY_WORD_OFFSETS[" ".join(match.group().lower().split())])


_UNIT_STEPS = {  # (days, months) that one unit moves
    "天": (1, 0), "日": (1, 0), "周": (7, 0), "星期": (7, 0), "礼拜": (7, 0), "月": (0, 1),
    "day": (1, 0), "week": (7, 0), "month": (0, 1),
}  # fmt: skip
_CN_OFFSET = re.compile(
    rf"(?<!\d)(?P<count>{_CN_COUNT})\s*(?P<unit>天|日|周|个?星期|个?礼拜|个月)(?:以后|之后|后|以内|之内|内)"
)
_EN_OFFSET_AHEAD = re.compile(
    rf"\b(?:in|within|after)\s+(?P<count>{_EN_COUNT})\s+(?P<unit>day|week|month)s?\b", re.IGNORECASE
)
_EN_OFFSET_BEHIND = re.compile(
    rf"\b(?P<count>{_EN_COUNT})\s+(?P<unit>day|week|month)s?\s+(?:later|from\s+now)\b", re.IGNORECASE
)


def _read_offset(match: re.Match[str], today: date) -> date:
    count = _read_number(match["count"])
    days, months = _UNIT_STEPS[match["unit"].lower().lstrip("个")]
    return _add_months(today, months * count) + timedelta(days=days * count)


# Working days are counted on the team's calendar, so these readers also take it (see _day_rules).
_CN_WORKING_DAYS = re.compile(
    rf"(?<!\d)(?P<count>{_CN_COUNT})\s*个?\s*工作日(?:以后|之后|后|以内|之内|内|(?!之前|以前|前))"
)
_EN_WORKING_DAY_WORD = r"(?:business|working|work)[\s-]*days?"
_EN_WORKING_DAYS_AHEAD = re.compile(
    rf"\b(?:in|within|after)\s+(?P<count>{_EN_COUNT})\s+{_EN_WORKING_DAY_WORD}\b(?:\s+from\s+now\b)?",
    re.IGNORECASE,
)
# Without "in": "2 workdays", "3 business days from now"; "a business day" alone is not a deadline,
# and "3 business days ago" (3个工作日前) is in the past.
_EN_WORKING_DAYS_BARE = re.compile(
    rf"\b(?P<count>(?!an?\b){_EN_COUNT})\s+{_EN_WORKING_DAY_WORD}\b(?:\s+(?:later|from\s+now)\b|(?!\s+ago\b))",
    re.IGNORECASE,
)


def _read_working_days(match: re.Match[str], today: date, work_calendar: WorkCalendar) -> date:
    return work_calendar.add_working_days(today, _read_number(match["count"]))


_WEEKDAY_INDEX = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6,
}  # fmt: skip
# Which week a prefix points at; None is "the next such day".  上 and "last" are missing on purpose.
_WEEKS_AHEAD: dict[str, int | None] = {
    "": None,
    "next": None,
    "this": 0,
    "本": 0,
    "这": 0,
    "下": 1,
    "下下": 2,
}
_CN_WEEKDAY = re.compile(r"(?P<which>下下|下|上|本|这)?个?(?:周|星期|礼拜)(?P<day>[一二三四五六日天])?")
_EN_WEEKDAY = re.compile(
    r"\b(?:(?P<which>(?i:next|this|last))\s+)?"
    r"(?P<day>(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri)|Sat)\b"
)


def _read_weekday(match: re.Match[str], today: date) -> date | None:
    which = (match["which"] or "").lower()
    if which not in _WEEKS_AHEAD:
        return None  # a past week: matched only so its weekday is not read as a coming one
    weeks_ahead = _WEEKS_AHEAD[which]
    if match["day"] is None:  # 下周 alone: that week's Monday; 本周 or a bare 周 names no day
        return _weekday_date(today, 0, weeks_ahead) if weeks_ahead else None
    return _weekday_date(today, _WEEKDAY_INDEX[match["day"].lower()], weeks_ahead)


_EN_NEXT_PERIOD = re.compile(r"\bnext\s+(?P<unit>week|month)\b", re.IGNORECASE)


def _read_next_period(match: re.Match[str], today: date) -> date:
    if match["unit"].lower() == "week":
        return _weekday_date(today, 0, 1)
    return _add_months(today.replace(day=1), 1)


_EN_PERIOD_END = re.compile(
    r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<unit>week|month)|EO(?P<initial>[WM]))\b", re.IGNORECASE
)


def _read_period_end(match: re.Match[str], today: date) -> date:
    if (match["unit"] or match["initial"]).lower().startswith("m"):
        return _month_end(today)
    friday = _weekday_date(today, 4, 0)
    return friday if friday >= today else friday + timedelta(weeks=1)


# 月底, 12月底, 下个月底, 本月5号, 下个月; a bare 月 (as in 12月5日 or 3个月) is left to other rules.
_CN_MONTH = re.compile(
    rf"(?:(?<!\d)(?P<month>{_SMALL_NUMBER})|(?P<which>下个?|本|这个?))?月"
    rf"(?:(?P<end>底|末)|(?P<day>{_SMALL_NUMBER})\s*[日号])?"
)


def _month_start(match: re.Match[str], today: date) -> date | None:
    """The 1st of the month a _CN_MONTH match names: a numbered month is the next one to come."""
    if match["month"]:
        month = _read_number(match["month"])
        if not 1 <= month <= 12:
            return None
        return date(today.year if month >= today.month else today.year + 1, month, 1)
    months_ahead = 1 if (match["which"] or "").startswith("下") else 0
    return _add_months(today.replace(day=1), months_ahead)


def _read_cn_month(match: re.Match[str], today: date) -> date | None:
    month_start = _month_start(match, today)
    if month_start is None:
        return None
    if match["end"]:
        return _month_end(month_start)
    if match["which"] and match["day"]:
        return _day_of_month(month_start, _read_number(match["day"]))
    if (match["which"] or "").startswith("下"):
        return month_start
    return None


_CN_DATE = re.compile(
    rf"(?:(?P<year>\d{{4}})\s*年\s*)?(?<!\d)(?P<month>{_SMALL_NUMBER})\s*月\s*(?P<day>{_SMALL_NUMBER})\s*[日号]"
)
_ISO_DATE = re.compile(
    r"(?<![\d/.-])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?!\d|[-/.]\d)"
)
_SLASH_DATE = re.compile(r"(?<![\d/.-])(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<year>\d{4}))?(?!\d|/\d|%)")


def _read_numeric_date(match: re.Match[str], today: date) -> date | None:
    year = int(match["year"]) if match["year"] else None
    return _calendar_date(today, year, _read_number(match["month"]), _read_number(match["day"]))


_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORDINAL_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR_TAIL = r"(?:,?\s+(?P<year>\d{4}))?"
# A month name counts only with a day number beside it, so "we may call" and "march on" stay words.
_MONTH_DAY = re.compile(rf"\b{_MONTH_NAME}\.?\s+{_ORDINAL_DAY}\b{_YEAR_TAIL}(?![\d%])", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"\b{_ORDINAL_DAY}\s+(?:of\s+)?{_MONTH_NAME}\b\.?{_YEAR_TAIL}", re.IGNORECASE)


def _read_month_name_date(match: re.Match[str], today: date) -> date | None:
    parsed = dateparser.parse(
        match.group(),
        languages=["en"],
        settings={
            "RELATIVE_BASE": datetime.combine(today, time()),
            "PREFER_DATES_FROM": "future",
            "REQUIRE_PARTS": ["day", "month"],
        },
    )
    if parsed is None:
        return None
    # The year rule is ours, as for 12月5日 and 12/5: dateparser's "future" skips today's date.
    year = parsed.year if match["year"] else None
    return _calendar_date(today, year, parsed.month, parsed.day)


_DAY_READERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], date], date | None]], ...] = (
    (_DAY_WORDS, _read_day_word),
    (_CN_OFFSET, _read_offset),
    (_EN_OFFSET_AHEAD, _read_offset),
    (_EN_OFFSET_BEHIND, _read_offset),
    (_CN_WEEKDAY, _read_weekday),
    (_EN_WEEKDAY, _read_weekday),
    (_EN_NEXT_PERIOD, _read_next_period),
    (_EN_PERIOD_END, _read_period_end),
    (_CN_MONTH, _read_cn_month),
    (_CN_DATE, _read_numeric_date),
    (_ISO_DATE, _read_numeric_date),
    (_SLASH_DATE, _read_numeric_date),
    (_MONTH_DAY, _read_month_name_date),
    (_DAY_MONTH, _read_month_name_date),
)


def _day_rules(today: date, work_calendar: WorkCalendar) -> list[_Rule[date]]:
    working_days = partial(_read_working_days, today=today, work_calendar=work_calendar)
    return [_Rule(pattern, partial(read, today=today)) for pattern, read in _DAY_READERS] + [
        _Rule(pattern, working_days)
        for pattern in (_CN_WORKING_DAYS, _EN_WORKING_DAYS_AHEAD, _EN_WORKING_DAYS_BARE)
    ]


# --- times ---------------------------------------------------------------------------------------

_MERIDIEMS = {
    "a": "am", "上午": "am", "早上": "am", "早晨": "am", "凌晨": "am",
    "p": "pm", "下午": "pm", "傍晚": "pm", "晚上": "pm", "中午": "noon",
}  # fmt: skip
_CN_PERIOD = r"(?P<period>上午|早上|早晨|凌晨|中午|下午|傍晚|晚上)"
_CN_HOUR = rf"(?<!\d)(?P<hour>{_SMALL_NUMBER})点钟?(?:(?P<half>半)|(?P<minute>{_SMALL_NUMBER})分?)?"


def _clock_time(hour: int, minute: int, period: str | None) -> time | None:
    """Hour and minute on a 24-hour clock, after an am/pm or 上午/下午 marker; None if no such time."""
    meridiem = _MERIDIEMS[period.lower()] if period else None
    if meridiem in ("am", "pm") and hour > 12:
        return None
    if (meridiem == "pm" and hour < 12) or (meridiem == "noon" and hour < 11):
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    elif meridiem is None and 1 <= hour <= 6:
        hour += 12  # no one books a client for 3 a.m.: a bare 3 is mid-afternoon
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _read_clock(match: re.Match[str]) -> time | None:
    groups = match.groupdict()
    minute = 30 if groups.get("half") else _read_number(groups.get("minute") or "0")
    return _clock_time(_read_number(groups["hour"]), minute, groups.get("period"))


def _read_noon(_match: re.Match[str]) -> time:
    return time(12, 0)


_CLOCK_RULES: tuple[_Rule[time], ...] = (
    _Rule(  # 3pm, 3:30 pm, 10 a.m.
        re.compile(
            r"(?<![\d:])(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<period>[ap])(?:m|\.m\.)(?![a-z])",
            re.IGNORECASE,
        ),
        _read_clock,
    ),
    _Rule(  # 15:00, 下午3:30
        re.compile(rf"(?:{_CN_PERIOD}\s*)?(?<![\d:])(?P<hour>\d{{1,2}})[:：](?P<minute>\d{{2}})(?![\d:])"),
        _read_clock,
    ),
    _Rule(re.compile(rf"{_CN_PERIOD}\s*{_CN_HOUR}"), _read_clock),  # 下午3点半
    _Rule(re.compile(_CN_HOUR), _read_clock, standalone=False),  # 3点: also "3 points"
    _Rule(  # at 10, unless it goes on as "at 10am"
        re.compile(r"\bat\s+(?P<hour>\d{1,2})(?![\d:]|\s*[ap]\.?m)", re.IGNORECASE),
        _read_clock,
        standalone=False,
    ),
    _Rule(re.compile(r"中午|\b(?:noon|midday)\b", re.IGNORECASE), _read_noon),
)

# --- putting a date and a time together ----------------------------------------------------------

# What may stand between a date and its time: "Friday at 10am", "3pm on Friday", "明天的下午3点".
_JOINER = re.compile(r"[\s,，]*(?:(?:at|on|@|的)[\s,，]*)?", re.IGNORECASE)
_LEADING_CUE = re.compile(r"\b(?:(?:due|by|before|until|till|on|at)\s+)+$", re.IGNORECASE)
# 前 means "before" after a date, but not in 前往 (go to), 前来 (come) or 前后 (around).
_TRAILING_BEFORE = re.compile(r"之前|以前|前(?![往进去来后])")


def _clock_beside(text: str, day: _Found[date], clocks: list[_Found[time]]) -> _Found[time] | None:
    """The time written right after the date, or else right before it."""
    after = [
        clock for clock in clocks if clock.start >= day.end and _JOINER.fullmatch(text, day.end, clock.start)
    ]
    if after:
        return _first(after)
    before = [
        clock for clock in clocks if clock.end <= day.start and _JOINER.fullmatch(text, clock.end, day.start)
    ]
    return max(before, key=lambda clock: (clock.end, -clock.start), default=None)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in a leading "by"/"before" and a trailing 前/之前, which say the same date."""
    cue = _LEADING_CUE.search(text, 0, start)
    trailing = _TRAILING_BEFORE.match(text, end)
    return (cue.start() if cue else start, trailing.end() if trailing else end)


def _due_match(text: str, due: datetime, start: int, end: int, has_time: bool) -> DueMatch:
    start, end = _widen(text, start, end)
    return DueMatch(due=due, start=start, end=end, has_time=has_time)


def _time_only(text: str, clocks: list[_Found[time]], local_now: datetime) -> DueMatch | None:
    """A time with no date: the next time the clock shows it."""
    clock = _first(clock for clock in clocks if clock.standalone)
    if clock is None:
        return None
    due = datetime.combine(local_now.date(), clock.value, tzinfo=local_now.tzinfo)
    if due <= local_now:
        due = datetime.combine(local_now.date() + timedelta(days=1), clock.value, tzinfo=local_now.tzinfo)
    return _due_match(text, due, clock.start, clock.end, has_time=True)


# --- public --------------------------------------------------------------------------------------


def find_due(text: str, now: datetime, tz: str, *, calendar: WorkCalendar | None = None) -> DueMatch | None:
    """Find the due date in `text` and where it was written, so callers can show what they read.

    `now` (timezone-aware, any zone) is the moment relative words count from; it is a parameter so
    that reading stays pure and testable.  The words are meant in the IANA zone `tz`, and the due date
    comes back in it.  `calendar` is the team's working days, for phrases such as 3个工作日内; without
    one, Monday to Friday are worked.  Returns None when the text names no date or time.
    """
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    clocks = _scan(text, _CLOCK_RULES)
    day = _first(_scan(text, _day_rules(local_now.date(), calendar or WorkCalendar())))
    if day is None:
        return _time_only(text, clocks, local_now)
    clock = _clock_beside(text, day, clocks)
    if clock is None:
        due = datetime.combine(day.value, END_OF_BUSINESS, tzinfo=zone)
        return _due_match(text, due, day.start, day.end, has_time=False)
    due = datetime.combine(day.value, clock.value, tzinfo=zone)
    return _due_match(text, due, min(day.start, clock.start), max(day.end, clock.end), has_time=True)


def parse_due(text: str, now: datetime, tz: str, *, calendar: WorkCalendar | None = None) -> datetime | None:
    """The due date a person typed (e.g. "send the report by Friday", "下周三 发检测报告"), or None.

    This is the one reader for every place a date is typed, so the same words always mean the same day.
    The result is timezone-aware in `tz`; see find_due for the arguments.
    """
    found = find_due(text, now, tz, calendar=calendar)
    return found.due if found else None
