"""The rules file: the packaged default is valid, and every problem is reported with its line."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config.rules import RulesError, default_rules_text, load_rules, parse_rules
from domain.calendar import WorkCalendar
from domain.dates import parse_due

BROKEN = """\
[archive]
hashtags = ["archive"]
summary_chars = 5
retention_dayz = 30

[[signals]]
id = "price"
label = { en = "Price" }
keywords = ["too expensive"]

[[signals]]
id = "price"
label = { en = "Price", zh = "价格" }
keywords = []
"""


def test_the_packaged_rules_are_valid() -> None:
    rules = load_rules(None)
    assert rules.archive.hashtags == ["#archive", "#归档"]
    assert rules.archive.retention_days == 30 and rules.archive.summary_chars == 200


def test_every_problem_is_reported_with_its_line() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(BROKEN, "team.toml")
    reported = {(p.line, p.message.split(":")[0]) for p in caught.value.problems}
    assert (2, "archive.hashtags") in reported
    assert (3, "archive.summary_chars") in reported
    assert (4, "archive.retention_dayz") in reported
    assert (8, "signals.0.label.zh") in reported
    assert (14, "signals.1.keywords") in reported
    assert all(str(p).startswith(f"team.toml:{p.line}: ") for p in caught.value.problems)


def test_a_syntax_error_points_at_its_line() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules('[archive]\nhashtags = ["#a"\nretention_days = 3\n', "bad.toml")
    assert caught.value.problems[0].line in (2, 3)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
        timeout=60,
    )


def test_config_check_prints_ok_or_every_problem_with_exit_2(tmp_path: Path) -> None:
    good = run_cli("config", "check", cwd=tmp_path)
    assert (good.returncode, good.stdout.strip()) == (0, "ok")
    (tmp_path / "team.toml").write_text(BROKEN, encoding="utf-8")
    bad = run_cli("config", "check", "team.toml", cwd=tmp_path)
    assert bad.returncode == 2
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith("team.toml:") for line in lines)


CALENDAR = """\
[calendar]
weekend = ["周六", "星期日"]
holidays = [
    "2026-10-01", "2026-10-02",
    2026-10-05, "2026-10-06", "2026-10-07",
]
working_days = ["2026-10-10"]
"""


def test_the_calendar_section_gives_the_working_days() -> None:
    calendar = parse_rules(CALENDAR, "team.toml").calendar
    assert calendar == WorkCalendar(
        weekend=frozenset({5, 6}),
        holidays=frozenset(date(2026, 10, day) for day in (1, 2, 5, 6, 7)),
        working_days=frozenset({date(2026, 10, 10)}),
    )
    wednesday = datetime(2026, 9, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    due = parse_due("3个工作日内", wednesday, "Asia/Shanghai", calendar=calendar)
    assert due == datetime(2026, 10, 10, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    "weekend",
    [
        '["sat", "sun"]',
        '["Saturday", "SUNDAY"]',
        '["周六", "周日"]',
        '["星期六", "星期天"]',
        '["sun", "sat", "sun"]',
    ],
)
def test_weekend_days_may_be_named_in_english_or_chinese(weekend: str) -> None:
    rules = parse_rules(f"[calendar]\nweekend = {weekend}\n", "team.toml")
    assert rules.calendar.weekend == frozenset({5, 6})


def test_without_a_calendar_section_the_week_is_monday_to_friday() -> None:
    assert load_rules(None).calendar == WorkCalendar()
    assert parse_rules("", "empty.toml").calendar == WorkCalendar(weekend=frozenset({5, 6}))
    fridays_off = parse_rules('[calendar]\nweekend = ["fri"]\n', "team.toml").calendar
    assert fridays_off.weekend == frozenset({4}) and fridays_off.holidays == frozenset()


def test_the_commented_calendar_example_is_valid() -> None:
    lines = default_rules_text().splitlines()
    start = lines.index("# [calendar]")
    example = []
    for line in lines[start:]:
        if not line.startswith("# "):
            break
        example.append(line.removeprefix("# "))
    calendar = parse_rules("\n".join(example), "example.toml").calendar
    assert calendar.holidays and calendar.is_working_day(date(2026, 10, 10))
    assert not calendar.is_working_day(date(2026, 10, 1))


BROKEN_CALENDAR = """\
[calendar]
weekend = ["sat", "Sundy"]
holidays = [
    "2026-10-01",
    "2026-13-01",
    "10/02/2026",
]
working_days = ["2026-10-01", "2026-10-10"]
holiday = ["2026-10-03"]
"""


def test_every_calendar_problem_is_reported_with_its_line() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(BROKEN_CALENDAR, "team.toml")
    reported = [str(p) for p in caught.value.problems]
    assert reported == [
        "team.toml:2: calendar.weekend.1: 'Sundy' is not a day of the week;"
        " write mon … sun, Monday … Sunday or 周一 … 周日",
        "team.toml:5: calendar.holidays.1: '2026-13-01' is not a date; write it as YYYY-MM-DD, e.g. \"2026-10-01\"",
        "team.toml:6: calendar.holidays.2: '10/02/2026' is not a date; write it as YYYY-MM-DD, e.g. \"2026-10-01\"",
        "team.toml:9: calendar.holiday: Extra inputs are not permitted",
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            '[calendar]\nholidays = ["2026-10-01"]\nworking_days = ["2026-10-10", "2026-10-01"]\n',
            3,
            "calendar.working_days: 2026-10-01 is also listed as a holiday; keep it in one list only",
        ),
        (
            '[calendar]\nworking_days = ["2026-10-09"]\n',
            2,
            "calendar.working_days: 2026-10-09 is a Friday, already a working day;"
            " list only weekend days that are worked",
        ),
        (
            '[calendar]\nweekend = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\n',
            2,
            "calendar.weekend: the weekend cannot be the whole week: keep at least one working day",
        ),
        ("\n[calendar]\nweekend = [6]\n", 3, "calendar.weekend.0: 6 is not a day of the week;"),
        (
            "[calendar]\nholidays = [2026-10-01T09:00:00]\n",
            2,
            "calendar.holidays.0: 2026-10-01T09:00:00 is not",
        ),
        ('[calendar]\nholidays = "2026-10-01"\n', 2, "calendar.holidays: Input should be a valid list"),
    ],
)
def test_a_calendar_that_makes_no_sense_is_refused(text: str, line: int, message: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "team.toml")
    [problem] = caught.value.problems
    assert problem.line == line
    assert problem.message.startswith(message)


def test_config_check_reports_calendar_problems_by_line(tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text(BROKEN_CALENDAR, encoding="utf-8")
    bad = run_cli("config", "check", "team.toml", cwd=tmp_path)
    assert bad.returncode == 2
    lines = bad.stderr.strip().splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        "team.toml:2",
        "team.toml:5",
        "team.toml:6",
        "team.toml:9",
    ]
    (tmp_path / "good.toml").write_text(CALENDAR, encoding="utf-8")
    good = run_cli("config", "check", "good.toml", cwd=tmp_path)
    assert (good.returncode, good.stdout.strip()) == (0, "ok")


def test_a_bracket_inside_quotes_does_not_hide_the_lines_after_it() -> None:
    text = '[competitors]\nnames = ["[ACME]", "友商 [华东"]\nlable = { en = "x", zh = "y" }\n'
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "team.toml")
    assert [str(p) for p in caught.value.problems] == [
        "team.toml:3: competitors.lable: Extra inputs are not permitted"
    ]


DAILY_MISTAKES = """[daily]
todo_at = "25:00"
working_from = "21:00"

[ladders]
lead_not_contacted = [
    { tell = "ceo", hours = 24 },
]
follow_up_overdue = [{ tell = "owner", dayz = 1 }]
"""


def test_daily_and_ladder_mistakes_are_reported_with_their_lines() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(DAILY_MISTAKES, "team.toml")
    reported = {(p.line, p.message.split(":")[0]) for p in caught.value.problems}
    assert (2, "daily.todo_at") in reported
    assert (7, "ladders.lead_not_contacted.0.tell") in reported
    assert (9, "ladders.follow_up_overdue.0.dayz") in reported
    todo_at = next(p for p in caught.value.problems if p.line == 2)
    assert 'write it as HH:MM, e.g. "09:00"' in todo_at.message


def test_working_hours_must_make_a_day() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules('[daily]\nworking_from = "21:00"\n', "team.toml")
    assert "working_from must be earlier than working_until" in str(caught.value)


def test_a_running_ladder_starts_from_the_rules_file_steps() -> None:
    rules = parse_rules(
        '[ladders]\nlead_not_contacted = [{ tell = "owner", hours = 4 }, { tell = "director", working_days = 2 }]\n',
        "team.toml",
    )
    steps = rules.ladders.for_kind("lead_contact")
    assert [(s.rung, s.hours, s.working_days) for s in steps] == [("owner", 4, 0), ("director", 0, 2)]


def test_an_approval_step_naming_no_known_group_or_two_tests_at_once_is_reported_with_its_line() -> None:
    step = """
[approvals]
groups = { board = ["U1"] }

[[approvals.steps]]
id = "board"
en = "Board"
zh = "董事会"
approvers = "{approvers}"
when_any = [{test}]
"""
    unknown = step.replace("{approvers}", "boards").replace("{test}", "{ discount = { gt = 10 } }")
    with pytest.raises(RulesError) as raised:
        parse_rules(unknown, "rules.toml")
    assert "no group 'boards' in approvals.groups" in str(raised.value)
    both = step.replace("{approvers}", "board").replace(
        "{test}", "{ discount = { gt = 10 }, amount = { gt = 5 } }"
    )
    with pytest.raises(RulesError) as raised:
        parse_rules(both, "rules.toml")
    assert str(raised.value).startswith(
        "rules.toml:10: approvals.steps.0.when_any.0: a test names exactly one of"
    )
