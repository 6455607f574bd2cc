"""Tests for domain.dates: the due-date reader, in English and Chinese, against a fixed clock."""

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkCalendar
from domain.dates import DueMatch, find_due, parse_due

SHANGHAI = "Asia/Shanghai"
NEW_YORK = "America/New_York"
# Wednesday 25 November 2026, mid-morning in Shanghai.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo(SHANGHAI))


def local(year: int, month: int, day: int, hour: int = 18, minute: int = 0, tz: str = SHANGHAI) -> datetime:
    """A wall-clock time in `tz`; the hour defaults to 18:00, the time given to dates without one."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))


def assert_reads(text: str, now: datetime, tz: str, due: datetime, phrase: str, has_time: bool) -> None:
    found = find_due(text, now, tz)
    assert found is not None, text
    assert found.due == due
    assert found.due.tzinfo == ZoneInfo(tz)
    assert isinstance(found.due.tzinfo, ZoneInfo) and found.due.tzinfo.key == tz
    assert (found.due.hour, found.due.minute) == (due.hour, due.minute)  # wall clock, not just the instant
    assert text[found.start : found.end] == phrase
    assert found.has_time is has_time
    assert parse_due(text, now, tz) == found.due


CHINESE_DAYS = [
    ("今天", local(2026, 11, 25), "今天"),
    ("明天", local(2026, 11, 26), "明天"),
    ("明日", local(2026, 11, 26), "明日"),
    ("后天", local(2026, 11, 27), "后天"),
    ("大后天", local(2026, 11, 28), "大后天"),
    ("3天后", local(2026, 11, 28), "3天后"),
    ("三天后", local(2026, 11, 28), "三天后"),
    ("两天后", local(2026, 11, 27), "两天后"),
    ("十天后", local(2026, 12, 5), "十天后"),
    ("十五天后", local(2026, 12, 10), "十五天后"),
    ("二十天后", local(2026, 12, 15), "二十天后"),
    ("5天内", local(2026, 11, 30), "5天内"),
    ("2日后", local(2026, 11, 27), "2日后"),
    ("一周内", local(2026, 12, 2), "一周内"),
    ("2周后", local(2026, 12, 9), "2周后"),
    ("两个星期后", local(2026, 12, 9), "两个星期后"),
    ("一个月后", local(2026, 12, 25), "一个月后"),
    ("3个月后", local(2027, 2, 25), "3个月后"),
    ("周五", local(2026, 11, 27), "周五"),
    ("星期五", local(2026, 11, 27), "星期五"),
    ("礼拜五", local(2026, 11, 27), "礼拜五"),
    ("周三", local(2026, 12, 2), "周三"),
    ("周一", local(2026, 11, 30), "周一"),
    ("周日", local(2026, 11, 29), "周日"),
    ("星期天", local(2026, 11, 29), "星期天"),
    ("本周一", local(2026, 11, 23), "本周一"),
    ("这周五", local(2026, 11, 27), "这周五"),
    ("本周日", local(2026, 11, 29), "本周日"),
    ("下周一", local(2026, 11, 30), "下周一"),
    ("下周三", local(2026, 12, 2), "下周三"),
    ("下星期五", local(2026, 12, 4), "下星期五"),
    ("下礼拜天", local(2026, 12, 6), "下礼拜天"),
    ("下个星期二", local(2026, 12, 1), "下个星期二"),
    ("下下周三", local(2026, 12, 9), "下下周三"),
    ("下周", local(2026, 11, 30), "下周"),
    ("周五前", local(2026, 11, 27), "周五前"),
    ("下周三之前", local(2026, 12, 2), "下周三之前"),
    ("明天以前", local(2026, 11, 26), "明天以前"),
    ("12月5日", local(2026, 12, 5), "12月5日"),
    ("12月5号", local(2026, 12, 5), "12月5号"),
    ("十二月五日", local(2026, 12, 5), "十二月五日"),
    ("2027年1月3日", local(2027, 1, 3), "2027年1月3日"),
    ("11月25日", local(2026, 11, 25), "11月25日"),
    ("11月1号", local(2027, 11, 1), "11月1号"),
    ("12/5", local(2026, 12, 5), "12/5"),
    ("1/3", local(2027, 1, 3), "1/3"),
    ("月底", local(2026, 11, 30), "月底"),
    ("月底前", local(2026, 11, 30), "月底前"),
    ("12月底", local(2026, 12, 31), "12月底"),
    ("下个月", local(2026, 12, 1), "下个月"),
    ("下月", local(2026, 12, 1), "下月"),
    ("下个月5号", local(2026, 12, 5), "下个月5号"),
    ("下个月底", local(2026, 12, 31), "下个月底"),
    ("本月28号", local(2026, 11, 28), "本月28号"),
]

CHINESE_TIMES = [
    ("明天下午3点", local(2026, 11, 26, 15), "明天下午3点"),
    ("明天上午10点", local(2026, 11, 26, 10), "明天上午10点"),
    ("明天早上9点半", local(2026, 11, 26, 9, 30), "明天早上9点半"),
    ("明天中午", local(2026, 11, 26, 12), "明天中午"),
    ("明天中午1点", local(2026, 11, 26, 13), "明天中午1点"),
    ("明天晚上8点", local(2026, 11, 26, 20), "明天晚上8点"),
    ("明天十点", local(2026, 11, 26, 10), "明天十点"),
    ("明天3点", local(2026, 11, 26, 15), "明天3点"),
    ("明天凌晨3点", local(2026, 11, 26, 3), "明天凌晨3点"),
    ("明天3点15分", local(2026, 11, 26, 15, 15), "明天3点15分"),
    ("明天下午三点四十五分", local(2026, 11, 26, 15, 45), "明天下午三点四十五分"),
    ("明天15:30", local(2026, 11, 26, 15, 30), "明天15:30"),
    ("明天 14：00", local(2026, 11, 26, 14), "明天 14：00"),
    ("周五下午3:30", local(2026, 11, 27, 15, 30), "周五下午3:30"),
    ("下周一上午10点前", local(2026, 11, 30, 10), "下周一上午10点前"),
    ("12月5日下午2点", local(2026, 12, 5, 14), "12月5日下午2点"),
    ("下午3点 明天", local(2026, 11, 26, 15), "下午3点 明天"),
    ("下午3点", local(2026, 11, 25, 15), "下午3点"),
    ("上午9点", local(2026, 11, 26, 9), "上午9点"),
]

ENGLISH_DAYS = [
    ("today", local(2026, 11, 25), "today"),
    ("Tomorrow", local(2026, 11, 26), "Tomorrow"),
    ("the day after tomorrow", local(2026, 11, 27), "the day after tomorrow"),
    ("day after tomorrow", local(2026, 11, 27), "day after tomorrow"),
    ("in 3 days", local(2026, 11, 28), "in 3 days"),
    ("in two weeks", local(2026, 12, 9), "in two weeks"),
    ("in a month", local(2026, 12, 25), "in a month"),
    ("in 2 months", local(2027, 1, 25), "in 2 months"),
    ("3 days later", local(2026, 11, 28), "3 days later"),
    ("within 5 days", local(2026, 11, 30), "within 5 days"),
    ("Friday", local(2026, 11, 27), "Friday"),
    ("friday", local(2026, 11, 27), "friday"),
    ("Fri", local(2026, 11, 27), "Fri"),
    ("Sat", local(2026, 11, 28), "Sat"),
    ("Wednesday", local(2026, 12, 2), "Wednesday"),
    ("Mon", local(2026, 11, 30), "Mon"),
    ("next Friday", local(2026, 11, 27), "next Friday"),
    ("next Monday", local(2026, 11, 30), "next Monday"),
    ("this Friday", local(2026, 11, 27), "this Friday"),
    ("this Monday", local(2026, 11, 23), "this Monday"),
    ("by Friday", local(2026, 11, 27), "by Friday"),
    ("before Friday", local(2026, 11, 27), "before Friday"),
    ("until Monday", local(2026, 11, 30), "until Monday"),
    ("end of month", local(2026, 11, 30), "end of month"),
    ("by the end of the month", local(2026, 11, 30), "by the end of the month"),
    ("EOM", local(2026, 11, 30), "EOM"),
    ("end of week", local(2026, 11, 27), "end of week"),
    ("by EOW", local(2026, 11, 27), "by EOW"),
    ("next week", local(2026, 11, 30), "next week"),
    ("next month", local(2026, 12, 1), "next month"),
    ("Dec 5", local(2026, 12, 5), "Dec 5"),
    ("5 December", local(2026, 12, 5), "5 December"),
    ("December 5th", local(2026, 12, 5), "December 5th"),
    ("5th of December", local(2026, 12, 5), "5th of December"),
    ("Dec 5, 2027", local(2027, 12, 5), "Dec 5, 2027"),
    ("Jan 3", local(2027, 1, 3), "Jan 3"),
    ("Nov 25", local(2026, 11, 25), "Nov 25"),
    ("Nov 1", local(2027, 11, 1), "Nov 1"),
    ("May 5", local(2027, 5, 5), "May 5"),
    ("2026-12-05", local(2026, 12, 5), "2026-12-05"),
    ("2026/12/05", local(2026, 12, 5), "2026/12/05"),
    ("12/5/2027", local(2027, 12, 5), "12/5/2027"),
]

ENGLISH_TIMES = [
    ("3pm", local(2026, 11, 25, 15), "3pm"),
    ("at 9am", local(2026, 11, 26, 9), "at 9am"),
    ("15:00", local(2026, 11, 25, 15), "15:00"),
    ("tomorrow 3pm", local(2026, 11, 26, 15), "tomorrow 3pm"),
    ("tomorrow at 3:30 pm", local(2026, 11, 26, 15, 30), "tomorrow at 3:30 pm"),
    ("tomorrow 10 a.m.", local(2026, 11, 26, 10), "tomorrow 10 a.m."),
    ("tomorrow 12am", local(2026, 11, 26, 0), "tomorrow 12am"),
    ("Friday at 10am", local(2026, 11, 27, 10), "Friday at 10am"),
    ("Friday, 15:00", local(2026, 11, 27, 15), "Friday, 15:00"),
    ("tomorrow at 10", local(2026, 11, 26, 10), "tomorrow at 10"),
    ("tomorrow at 3", local(2026, 11, 26, 15), "tomorrow at 3"),
    ("tomorrow at noon", local(2026, 11, 26, 12), "tomorrow at noon"),
    ("3pm tomorrow", local(2026, 11, 26, 15), "3pm tomorrow"),
    ("3pm on Friday", local(2026, 11, 27, 15), "3pm on Friday"),
    ("Dec 5 at 3pm", local(2026, 12, 5, 15), "Dec 5 at 3pm"),
    ("due by Friday 5pm", local(2026, 11, 27, 17), "due by Friday 5pm"),
]

IN_SENTENCES = [
    ("客户说价格太高 下一步: 下周三 发检测报告", local(2026, 12, 2), "下周三", False),
    ("下周三 发检测报告", local(2026, 12, 2), "下周三", False),
    ("3天后 send quote", local(2026, 11, 28), "3天后", False),
    ("send the test report by Friday", local(2026, 11, 27), "by Friday", False),
    ("Follow up with Acme in 2 weeks re: pricing", local(2026, 12, 9), "in 2 weeks", False),
    ("call Li Wei tomorrow at 3pm about the PO", local(2026, 11, 26, 15), "tomorrow at 3pm", True),
    ("明天下午3点前给王总打电话", local(2026, 11, 26, 15), "明天下午3点前", True),
    ("明天前往客户公司", local(2026, 11, 26), "明天", False),
    ("客户上周三说太贵，下周三再发报价", local(2026, 12, 2), "下周三", False),
    ("Last Friday they said no; try again next Friday", local(2026, 11, 27), "next Friday", False),
    ("ok明天发", local(2026, 11, 26), "明天", False),
    ("sample by 12月5号, then quote by Friday", local(2026, 12, 5), "by 12月5号", False),
]


@pytest.mark.parametrize(("text", "due", "phrase"), CHINESE_DAYS + ENGLISH_DAYS)
def test_a_date_alone_is_due_at_end_of_business(text: str, due: datetime, phrase: str) -> None:
    assert_reads(text, NOW, SHANGHAI, due, phrase, has_time=False)


@pytest.mark.parametrize(("text", "due", "phrase"), CHINESE_TIMES + ENGLISH_TIMES)
def test_a_written_time_is_kept(text: str, due: datetime, phrase: str) -> None:
    assert_reads(text, NOW, SHANGHAI, due, phrase, has_time=True)


@pytest.mark.parametrize(("text", "due", "phrase", "has_time"), IN_SENTENCES)
def test_the_date_phrase_is_found_inside_a_sentence(
    text: str, due: datetime, phrase: str, has_time: bool
) -> None:
    assert_reads(text, NOW, SHANGHAI, due, phrase, has_time)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "send the report",
        "we may call",
        "call 13800138000",
        "price is 10% higher",
        "by Fridy",
        "someday",
        "the second meeting went well",
        "we march on",
        "they sat down with procurement",
        "Sun Li will send the contract",
        "24/7 support",
        "2 weeks",
        "last Friday",
        "上周三",
        "客户说价格太高",
        "有3点建议",
        "发周报",
        "2月30日",
        "13/45",
        "at 10 units",
        "Feb 30",
    ],
)
def test_text_without_a_date_gives_none(text: str) -> None:
    assert find_due(text, NOW, SHANGHAI) is None
    assert parse_due(text, NOW, SHANGHAI) is None


# Friday 27 November 2026.
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo(SHANGHAI))
# Saturday 28 November 2026.
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo(SHANGHAI))
# Saturday 31 January 2026: a long month before a short one.
MONTH_END = datetime(2026, 1, 31, 10, 0, tzinfo=ZoneInfo(SHANGHAI))
# Wednesday 30 December 2026.
YEAR_END = datetime(2026, 12, 30, 10, 0, tzinfo=ZoneInfo(SHANGHAI))
# 17:00 UTC on the 24th is already 01:00 on Wednesday the 25th in Shanghai.
UTC_EVENING = datetime(2026, 11, 24, 17, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("now", "text", "due", "phrase"),
    [
        (FRIDAY, "Friday", local(2026, 12, 4), "Friday"),
        (FRIDAY, "周五", local(2026, 12, 4), "周五"),
        (FRIDAY, "今天", local(2026, 11, 27), "今天"),
        (FRIDAY, "this Friday", local(2026, 11, 27), "this Friday"),
        (FRIDAY, "EOW", local(2026, 11, 27), "EOW"),
        (SATURDAY, "end of week", local(2026, 12, 4), "end of week"),
        (SATURDAY, "this Friday", local(2026, 11, 27), "this Friday"),
        (MONTH_END, "1个月后", local(2026, 2, 28), "1个月后"),
        (MONTH_END, "in 1 month", local(2026, 2, 28), "in 1 month"),
        (MONTH_END, "明天", local(2026, 2, 1), "明天"),
        (MONTH_END, "月底", local(2026, 1, 31), "月底"),
        (MONTH_END, "下个月", local(2026, 2, 1), "下个月"),
        (MONTH_END, "下个月底", local(2026, 2, 28), "下个月底"),
        (YEAR_END, "后天", local(2027, 1, 1), "后天"),
        (YEAR_END, "周五", local(2027, 1, 1), "周五"),
        (YEAR_END, "下周一", local(2027, 1, 4), "下周一"),
        (YEAR_END, "next week", local(2027, 1, 4), "next week"),
        (YEAR_END, "12月5日", local(2027, 12, 5), "12月5日"),
        (YEAR_END, "1/3", local(2027, 1, 3), "1/3"),
        (YEAR_END, "Jan 3", local(2027, 1, 3), "Jan 3"),
        (YEAR_END, "下个月", local(2027, 1, 1), "下个月"),
        (YEAR_END, "next month", local(2027, 1, 1), "next month"),
        (YEAR_END, "月底", local(2026, 12, 31), "月底"),
        (YEAR_END, "1月底", local(2027, 1, 31), "1月底"),
        (YEAR_END, "in 1 month", local(2027, 1, 30), "in 1 month"),
        (UTC_EVENING, "今天", local(2026, 11, 25), "今天"),
        (UTC_EVENING, "tomorrow", local(2026, 11, 26), "tomorrow"),
        (UTC_EVENING, "周三", local(2026, 12, 2), "周三"),
    ],
)
def test_edges_of_week_month_year_and_zone(now: datetime, text: str, due: datetime, phrase: str) -> None:
    assert_reads(text, now, SHANGHAI, due, phrase, has_time=False)


@pytest.mark.parametrize(
    ("now", "tz", "text", "due"),
    [
        (NOW, SHANGHAI, "下午3点", local(2026, 11, 25, 15)),
        (
            datetime(2026, 11, 25, 16, 0, tzinfo=ZoneInfo(SHANGHAI)),
            SHANGHAI,
            "下午3点",
            local(2026, 11, 26, 15),
        ),
        (NOW, SHANGHAI, "10:00", local(2026, 11, 26, 10)),
        (UTC_EVENING, SHANGHAI, "上午9点", local(2026, 11, 25, 9)),
        (NOW, NEW_YORK, "today", local(2026, 11, 24, tz=NEW_YORK)),
        (NOW, NEW_YORK, "3pm", local(2026, 11, 25, 15, tz=NEW_YORK)),
        (NOW, NEW_YORK, "tomorrow 9am", local(2026, 11, 25, 9, tz=NEW_YORK)),
    ],
)
def test_a_time_alone_is_its_next_occurrence_in_the_given_zone(
    now: datetime, tz: str, text: str, due: datetime
) -> None:
    found = find_due(text, now, tz)
    assert found is not None
    assert found.due == due
    assert isinstance(found.due.tzinfo, ZoneInfo) and found.due.tzinfo.key == tz
    assert (found.due.hour, found.due.minute) == (due.hour, due.minute)


def test_the_first_of_several_dates_is_due() -> None:
    found = find_due("quote by Friday, sample by Dec 5", NOW, SHANGHAI)
    assert found == DueMatch(due=local(2026, 11, 27), start=6, end=15, has_time=False)


def test_a_time_not_beside_the_date_is_ignored() -> None:
    found = find_due("下午3点开会, 下周三发报告", NOW, SHANGHAI)
    assert found == DueMatch(due=local(2026, 12, 2), start=8, end=11, has_time=False)


def test_due_match_is_frozen() -> None:
    found = find_due("明天", NOW, SHANGHAI)
    assert found is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.start = 1  # type: ignore[misc]


# Working days.  NOW is a Wednesday, so 3 working days runs across the weekend to Monday.
WORKING_DAYS = [
    ("3个工作日内", local(2026, 11, 30), "3个工作日内"),
    ("3个工作日", local(2026, 11, 30), "3个工作日"),
    ("三个工作日内", local(2026, 11, 30), "三个工作日内"),
    ("两个工作日后", local(2026, 11, 27), "两个工作日后"),
    ("十个工作日之内", local(2026, 12, 9), "十个工作日之内"),
    ("5工作日内", local(2026, 12, 2), "5工作日内"),
    ("in 3 business days", local(2026, 11, 30), "in 3 business days"),
    ("within 3 working days", local(2026, 11, 30), "within 3 working days"),
    ("2 workdays", local(2026, 11, 27), "2 workdays"),
    ("in two work days", local(2026, 11, 27), "in two work days"),
    ("within a business day", local(2026, 11, 26), "within a business day"),
    ("1 business day", local(2026, 11, 26), "1 business day"),
    ("3 business days from now", local(2026, 11, 30), "3 business days from now"),
    ("3 working days later", local(2026, 11, 30), "3 working days later"),
]


@pytest.mark.parametrize(("text", "due", "phrase"), WORKING_DAYS)
def test_working_days_count_monday_to_friday_without_a_calendar(
    text: str, due: datetime, phrase: str
) -> None:
    assert_reads(text, NOW, SHANGHAI, due, phrase, has_time=False)


@pytest.mark.parametrize(
    ("text", "due", "phrase", "has_time"),
    [
        ("请在3个工作日内回复报价", local(2026, 11, 30), "3个工作日内", False),
        (
            "send the revised quote within 2 business days",
            local(2026, 11, 27),
            "within 2 business days",
            False,
        ),
        ("3个工作日内下午3点前给王总回电", local(2026, 11, 30, 15), "3个工作日内下午3点前", True),
        ("in 3 business days at 10am", local(2026, 11, 30, 10), "in 3 business days at 10am", True),
    ],
)
def test_working_days_inside_a_sentence(text: str, due: datetime, phrase: str, has_time: bool) -> None:
    assert_reads(text, NOW, SHANGHAI, due, phrase, has_time)


# A Golden Week shaped like China's: Thursday 1 to Wednesday 7 October 2026 off, with Sunday
# 20 September and Saturday 10 October worked to make up for it.
GOLDEN_WEEK = WorkCalendar(
    holidays=frozenset(date(2026, 10, day) for day in range(1, 8)),
    working_days=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
)
BEFORE_GOLDEN_WEEK = datetime(2026, 9, 30, 10, 0, tzinfo=ZoneInfo(SHANGHAI))  # a Wednesday
LAST_DAY_BEFORE_MAKE_UP = datetime(2026, 10, 9, 10, 0, tzinfo=ZoneInfo(SHANGHAI))  # a Friday
SATURDAY_BEFORE_MAKE_UP = datetime(2026, 9, 19, 10, 0, tzinfo=ZoneInfo(SHANGHAI))


@pytest.mark.parametrize(
    ("now", "calendar", "text", "due"),
    [
        (BEFORE_GOLDEN_WEEK, None, "3个工作日内", local(2026, 10, 5)),
        (BEFORE_GOLDEN_WEEK, GOLDEN_WEEK, "3个工作日内", local(2026, 10, 10)),
        (BEFORE_GOLDEN_WEEK, GOLDEN_WEEK, "1个工作日", local(2026, 10, 8)),
        (BEFORE_GOLDEN_WEEK, GOLDEN_WEEK, "within 2 working days", local(2026, 10, 9)),
        (BEFORE_GOLDEN_WEEK, GOLDEN_WEEK, "三个工作日内", local(2026, 10, 10)),
        (BEFORE_GOLDEN_WEEK, GOLDEN_WEEK, "3天后", local(2026, 10, 3)),
        (LAST_DAY_BEFORE_MAKE_UP, GOLDEN_WEEK, "in 1 business day", local(2026, 10, 10)),
        (LAST_DAY_BEFORE_MAKE_UP, GOLDEN_WEEK, "2 workdays", local(2026, 10, 12)),
        (LAST_DAY_BEFORE_MAKE_UP, None, "in 1 business day", local(2026, 10, 12)),
        (SATURDAY_BEFORE_MAKE_UP, GOLDEN_WEEK, "一个工作日内", local(2026, 9, 20)),
        (SATURDAY_BEFORE_MAKE_UP, None, "一个工作日内", local(2026, 9, 21)),
        (SATURDAY, WorkCalendar(), "3 business days", local(2026, 12, 2)),
        (FRIDAY, WorkCalendar(weekend=frozenset({4, 5})), "1个工作日", local(2026, 11, 29)),
    ],
)
def test_working_days_count_on_the_teams_calendar(
    now: datetime, calendar: WorkCalendar | None, text: str, due: datetime
) -> None:
    found = find_due(text, now, SHANGHAI, calendar=calendar)
    assert found is not None and text[found.start : found.end] == text
    assert found.due == due and (found.due.hour, found.due.minute) == (18, 0)
    assert parse_due(text, now, SHANGHAI, calendar=calendar) == due


def test_working_days_count_from_today_in_the_given_zone() -> None:
    # 10:00 Wednesday in Shanghai is still Tuesday evening in New York.
    assert parse_due("2 business days", NOW, NEW_YORK) == local(2026, 11, 26, tz=NEW_YORK)


@pytest.mark.parametrize(
    "text",
    [
        "工作日",
        "3个工作日前",
        "三个工作日之前",
        "3 business days ago",
        "a business day",
        "business days",
        "2 days",
    ],
)
def test_working_day_words_without_a_coming_date_give_none(text: str) -> None:
    assert find_due(text, NOW, SHANGHAI, calendar=GOLDEN_WEEK) is None
