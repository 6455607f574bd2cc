"""The rules file: what the team decided, validated before the bot acts on it.

Rules are data an admin edits (TOML); this module gives them a schema (pydantic, unknown keys are
errors so typos surface) and loads them with every problem reported as `FILE:LINE: message`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from config.contract_rules import ContractRules
from config.daily_rules import DailyRules, LadderRules
from config.deal_rules import ApprovalRules, DealRules
from config.lead_rules import LeadRules
from config.references import SlackRef
from config.toml_lines import key_lines, line_of
from domain.archive import ArchiveSyntax
from domain.calendar import WorkCalendar
from domain.signals import SignalRule

DEFAULT_RULES_NAME = "default_rules.toml"

NonEmptyStr = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base for every rules section: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Strict):
    """A name shown to people, in both languages."""

    en: NonEmptyStr
    zh: NonEmptyStr


class ArchiveRules(Strict):
    """How `#archive` messages are read and how long unarchived messages are kept."""

    hashtags: list[NonEmptyStr] = Field(default_factory=lambda: ["#archive", "#归档"], min_length=1)
    activity_types: dict[str, list[NonEmptyStr]] = Field(
        default_factory=lambda: {
            "call": ["#call", "#电话"],
            "visit": ["#visit", "#拜访"],
            "quote": ["#quote", "#报价"],
            "demo": ["#demo", "#演示"],
            "contract": ["#contract", "#合同"],
        }
    )
    customer_prefixes: list[NonEmptyStr] = Field(default_factory=lambda: ["customer", "客户"])
    next_prefixes: list[NonEmptyStr] = Field(default_factory=lambda: ["next", "下一步"])
    summary_chars: int = Field(default=200, ge=20, le=3000)
    retention_days: int = Field(default=30, ge=1, le=3650)

    @field_validator("hashtags")
    @classmethod
    def _tags_start_with_hash(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not tag.startswith("#") or re.search(r"\s", tag):
                raise ValueError(f"hashtag {tag!r} must start with # and have no spaces")
        return tags

    @field_validator("activity_types")
    @classmethod
    def _type_names_are_words(cls, types: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, tags in types.items():
            if not re.fullmatch(r"[a-z_]+", name):
                raise ValueError(f"activity type {name!r} must be lower-case letters and _")
            if not tags:
                raise ValueError(f"activity type {name!r} needs at least one tag")
        return types


class SignalSpec(Strict):
    """A signal to detect in a conversation, with the words that give it away."""

    id: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    label: Label
    keywords: list[NonEmptyStr] = Field(min_length=1)


class Competitors(Strict):
    """Competitor names; a mention raises the `competitor` signal."""

    names: list[NonEmptyStr] = Field(default_factory=list)
    label: Label = Label(en="Competitor mentioned", zh="提及竞品")


_WEEKDAY_NAMES = {
    "mon": 0, "monday": 0, "周一": 0, "星期一": 0, "礼拜一": 0,
    "tue": 1, "tues": 1, "tuesday": 1, "周二": 1, "星期二": 1, "礼拜二": 1,
    "wed": 2, "wednesday": 2, "周三": 2, "星期三": 2, "礼拜三": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "周四": 3, "星期四": 3, "礼拜四": 3,
    "fri": 4, "friday": 4, "周五": 4, "星期五": 4, "礼拜五": 4,
    "sat": 5, "saturday": 5, "周六": 5, "星期六": 5, "礼拜六": 5,
    "sun": 6, "sunday": 6, "周日": 6, "星期日": 6, "礼拜日": 6, "周天": 6, "星期天": 6, "礼拜天": 6,
}  # fmt: skip
_WEEKDAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday_number(value: Any) -> int:
    """A weekday written by name ("sat", "Saturday", 周六, 星期六) as date.weekday() numbers it.

    Numbers are refused: whether 0 or 1 or 7 is Sunday depends on who wrote the file.
    """
    if not isinstance(value, str) or value.strip().lower() not in _WEEKDAY_NAMES:
        raise ValueError(
            f"{_shown(value)} is not a day of the week; write mon … sun, Monday … Sunday or 周一 … 周日"
        )
    return _WEEKDAY_NAMES[value.strip().lower()]


def _calendar_date(value: Any) -> date:
    """A date written "2026-10-01" or as a bare TOML date; anything else is a mistake to report."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass  # 2026-02-30: shaped like a date, but no such day
    raise ValueError(f'{_shown(value)} is not a date; write it as YYYY-MM-DD, e.g. "2026-10-01"')


def _shown(value: Any) -> str:
    """A value as it looks in the file: text quoted, TOML dates and numbers as written."""
    if isinstance(value, str):
        return repr(value)
    return value.isoformat() if isinstance(value, date) else str(value)


Weekday = Annotated[int, BeforeValidator(_weekday_number)]
CalendarDate = Annotated[date, BeforeValidator(_calendar_date)]


class CalendarRules(Strict):
    """The team's working week and its dated exceptions, for deadlines such as "3 business days".

    `weekend` names the days off each week; `holidays` are dates off; `working_days` are weekend dates
    that are worked instead (China's 调休 make-up days).
    """

    weekend: list[Weekday] = Field(default_factory=lambda: [5, 6])
    holidays: list[CalendarDate] = Field(default_factory=list)
    working_days: list[CalendarDate] = Field(default_factory=list)

    @field_validator("weekend")
    @classmethod
    def _some_day_is_worked(cls, weekend: list[int]) -> list[int]:
        if len(set(weekend)) == 7:
            raise ValueError("the weekend cannot be the whole week: keep at least one working day")
        return weekend

    @field_validator("working_days")
    @classmethod
    def _make_up_days_are_weekend_days(cls, days: list[date], info: ValidationInfo) -> list[date]:
        weekend = set(info.data.get("weekend", []))
        holidays = set(info.data.get("holidays", []))
        for day in days:
            if day in holidays:
                raise ValueError(f"{day} is also listed as a holiday; keep it in one list only")
            if "weekend" in info.data and day.weekday() not in weekend:
                # A make-up day on a weekday changes nothing, so it is most likely a mistyped date.
                raise ValueError(
                    f"{day} is a {_WEEKDAY_LABELS[day.weekday()]}, already a working day; "
                    "list only weekend days that are worked"
                )
        return days

    def to_domain(self) -> WorkCalendar:
        """The section as the domain counts with it."""
        return WorkCalendar(
            weekend=frozenset(self.weekend),
            holidays=frozenset(self.holidays),
            working_days=frozenset(self.working_days),
        )


class Rules(Strict):
    """The whole rules file.

    The `[calendar]` section is kept as `calendar_section`, so that `calendar` can be the WorkCalendar
    the domain uses; error messages still say `calendar.…`, as the file does.
    """

    archive: ArchiveRules = ArchiveRules()
    signals: list[SignalSpec] = Field(default_factory=list)
    competitors: Competitors = Competitors()
    leads: LeadRules = LeadRules()
    calendar_section: CalendarRules = Field(default=CalendarRules(), alias="calendar")
    daily: DailyRules = DailyRules()
    ladders: LadderRules = LadderRules()
    deals: DealRules = DealRules()
    approvals: ApprovalRules = ApprovalRules()
    contracts: ContractRules = ContractRules()

    @field_validator("signals")
    @classmethod
    def _unique_signal_ids(cls, signals: list[SignalSpec]) -> list[SignalSpec]:
        seen: set[str] = set()
        for spec in signals:
            if spec.id in seen or spec.id == "competitor":
                raise ValueError(f"signal id {spec.id!r} is used twice (competitor is reserved)")
            seen.add(spec.id)
        return signals

    @cached_property
    def archive_syntax(self) -> ArchiveSyntax:
        """The archive rules as the domain reads them."""
        a = self.archive
        return ArchiveSyntax(
            hashtags=tuple(a.hashtags),
            type_tags={tag.lower(): name for name, tags in a.activity_types.items() for tag in tags},
            customer_prefixes=tuple(a.customer_prefixes),
            next_prefixes=tuple(a.next_prefixes),
        )

    @cached_property
    def calendar(self) -> WorkCalendar:
        """The team's working days, as deadlines like 3个工作日内 are counted."""
        return self.calendar_section.to_domain()

    @cached_property
    def signal_rules(self) -> tuple[SignalRule, ...]:
        """Keyword rules for signal detection, competitors included."""
        rules = [SignalRule(s.id, tuple(s.keywords)) for s in self.signals]
        if self.competitors.names:
            rules.append(SignalRule("competitor", tuple(self.competitors.names)))
        return tuple(rules)

    def references(self) -> list[tuple[tuple[str | int, ...], SlackRef]]:
        """Every channel and person the file names by name or ID, with its key path."""
        return [
            *self.leads.references(),
            *self.daily.references(),
            *self.deals.references(),
            *self.approvals.references(),
        ]

    def todo_at_for(self, user_id: str) -> time:
        """When `user_id`'s to-do card goes out: their pool's (team's) hour, the earliest if several,
        else `[daily] todo_at`."""
        return self._todo_hours.get(user_id, self.daily.todo_at)

    @cached_property
    def _todo_hours(self) -> dict[str, time]:
        hours: dict[str, time] = {}
        for pool in self.leads.pools:
            if pool.todo_at is None:
                continue
            for member in pool.members:
                if member.id and (member.id not in hours or pool.todo_at < hours[member.id]):
                    hours[member.id] = pool.todo_at
        return hours

    def signal_label(self, signal_id: str, lang: str) -> str:
        """A signal's name in `lang`, falling back to its id for signals no longer in the rules."""
        labels = {s.id: s.label for s in self.signals} | {"competitor": self.competitors.label}
        label = labels.get(signal_id)
        return signal_id if label is None else getattr(label, lang, label.en)


@dataclass(frozen=True)
class RulesProblem:
    """One thing wrong in a rules file, located for the person who has to fix it."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class RulesError(Exception):
    """A rules file that cannot be used; carries every problem found."""

    def __init__(self, problems: list[RulesProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def default_rules_text() -> str:
    """The packaged default rules, which document every option."""
    return resources.files("config").joinpath(DEFAULT_RULES_NAME).read_text(encoding="utf-8")


def parse_rules(text: str, source: str) -> Rules:
    """Validate rules text, raising `RulesError` with every problem and its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise RulesError([RulesProblem(source, int(match.group(1)) if match else 1, str(error))]) from None
    try:
        return Rules.model_validate(data)
    except ValidationError as error:
        lines = key_lines(text)
        problems = [
            RulesProblem(source, line_of(lines, tuple(e["loc"])), _describe(e)) for e in error.errors()
        ]
        raise RulesError(sorted(problems, key=lambda p: p.line)) from None


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def load_rules(path: Path | None) -> Rules:
    """Load the rules file at `path`, or the packaged default when none is configured."""
    if path is None:
        return parse_rules(default_rules_text(), DEFAULT_RULES_NAME)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise RulesError([RulesProblem(str(path), 1, f"cannot read the file: {error.strerror}")]) from None
    return parse_rules(text, str(path))
