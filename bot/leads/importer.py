"""Lead files (CSV or XLSX) read into leads, each row kept with its line in the file or its problems.

The header row names the columns: `LeadInput`'s field names, `budget` for a range such as 50000-80000,
or the Chinese headers of a CRM or Excel export (公司, 联系人, 电话…). Columns the schema does not know
become the lead's extra attributes, as in the webhook. Nothing here touches the database: reading and
validating is the whole dry run, and the command line decides what to commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from bot.i18n import t
from bot.render.lead_problems import problem_texts
from bot.table_files import BadRow, Cell, TableFileError, header_key, read_table
from usecases.lead_input import LeadInput, field_problems, parse_budget

BUDGET = "budget"  # a range column, split into budget_min and budget_max

HEADER_FIELDS: dict[str, str] = {
    **{name: name for name in LeadInput.model_fields},
    BUDGET: BUDGET,
    "公司": "company",
    "联系人": "contact",
    "电话": "phone",
    "手机": "phone",
    "邮箱": "email",
    "区域": "region",
    "地区": "region",
    "行业": "industry",
    "来源": "source",
    "预算": BUDGET,
    "紧急程度": "urgency",
    "信号": "signals",
    "备注": "notes",
}
URGENCY_WORDS = {"红": "red", "黄": "yellow", "绿": "green"}
# Chinese spreadsheets list with the enumeration comma and full-width punctuation as often as with ASCII.
_SIGNAL_SEPARATORS = re.compile(r"[;,、；，]")
# Only plain decimals become numbers: a leading zero (an area code, an ID) must stay text.
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")


class LeadFileError(TableFileError):
    """The file cannot be read as a list of leads at all; the message says what to fix."""


@dataclass(frozen=True)
class GoodRow:
    """A row that is a valid lead."""

    line: int
    lead: LeadInput


@dataclass(frozen=True)
class LeadFile:
    """A file's rows sorted into good and bad, in file order; blank rows are neither."""

    good: list[GoodRow]
    bad: list[BadRow]

    @property
    def rows(self) -> int:
        """How many rows held anything."""
        return len(self.good) + len(self.bad)


@dataclass(frozen=True)
class _Column:
    header: str  # as written, the key of an extra attribute
    field: str | None  # the `LeadInput` field (or `budget`) it fills; None: an extra attribute


def read_lead_file(path: Path, lang: str) -> LeadFile:
    """Every row of a CSV or XLSX lead file, validated as the webhook validates one lead.

    The whole file is checked before anything is stored, so a person sees every problem in one pass.
    Raises LeadFileError when the file itself is unusable (type, encoding, header).
    """
    try:
        table = read_table(path, lang)
    except TableFileError as error:
        raise LeadFileError(str(error)) from None
    if not table or all(cell is None for cell in table[0][1]):
        raise LeadFileError(f"{path}:1: {t(lang, 'cli.import.no_header')}")
    columns = [_column(cell) for cell in table[0][1]]
    _require_columns(path, columns, lang)
    headers = _headers_by_field(columns)
    good: list[GoodRow] = []
    bad: list[BadRow] = []
    for line, cells in table[1:]:
        values = _row_values(columns, cells)
        if not values:
            continue
        payload, problems = _payload(values, lang)
        try:
            lead = LeadInput.model_validate(payload)
        except ValidationError as error:
            # Named by the file's own header (公司, not company), in the reader's language.
            bad.append(BadRow(line, problems | problem_texts(field_problems(error), lang, headers)))
            continue
        if problems:
            bad.append(BadRow(line, problems))
        else:
            good.append(GoodRow(line, lead))
    return LeadFile(good, bad)


def _headers_by_field(columns: list[_Column]) -> dict[str, str]:
    """Each field's column header as written in the file (the budget's for both of its ends)."""
    headers: dict[str, str] = {}
    for column in columns:
        if column.field and column.field not in headers:
            headers[column.field] = column.header
    if BUDGET in headers:
        headers.setdefault("budget_min", headers[BUDGET])
        headers.setdefault("budget_max", headers[BUDGET])
    return headers


def _column(header: Cell | None) -> _Column:
    written = "" if header is None else str(header)
    return _Column(written.strip(), HEADER_FIELDS.get(header_key(header)))


def _require_columns(path: Path, columns: list[_Column], lang: str) -> None:
    """Without these columns every row would fail the same way; say it once, about the header."""
    fields = {column.field for column in columns}
    if "company" not in fields:
        raise LeadFileError(f"{path}:1: {t(lang, 'cli.import.no_company_column')}")
    if not fields & {"phone", "email"}:
        raise LeadFileError(f"{path}:1: {t(lang, 'cli.import.no_reach_column')}")


def _row_values(columns: list[_Column], cells: list[Cell | None]) -> dict[str, Cell]:
    """A row's non-empty cells by field, or by header for extra attributes.

    When two columns fill one field (电话 and 手机), the first non-empty one does and the other is kept
    as an extra attribute under its own header, so no number is dropped. Cells under a blank header
    are spreadsheet leftovers and are ignored.
    """
    values: dict[str, Cell] = {}
    for column, cell in zip(columns, cells, strict=False):
        if cell is None or not column.header:
            continue
        key = column.field if column.field and column.field not in values else column.header
        values.setdefault(key, cell)
    return values


def _payload(values: dict[str, Cell], lang: str) -> tuple[dict[str, object], dict[str, str]]:
    """The row as `LeadInput` reads it, and the problems found before the schema sees it."""
    payload: dict[str, object] = {}
    problems: dict[str, str] = {}
    for key, value in values.items():
        text = str(value)
        if key == BUDGET:
            try:
                low, high = parse_budget(text)
            except ValueError:
                problems[BUDGET] = t(lang, "cli.import.bad_budget", text=text)
                continue
            # An explicit budget_min / budget_max column is more precise than the range.
            payload.setdefault("budget_min", low)
            payload.setdefault("budget_max", high)
        elif key == "signals":
            payload[key] = [signal.strip() for signal in _SIGNAL_SEPARATORS.split(text) if signal.strip()]
        elif key == "urgency":
            payload[key] = URGENCY_WORDS.get(text, text.casefold())
        elif key in LeadInput.model_fields:
            payload[key] = text
        else:
            payload[key] = _number_or_text(value)
    return payload, problems


def _number_or_text(value: Cell) -> Cell:
    """Scoring compares attributes such as `page_dwell_seconds` as numbers, so CSV digits become one."""
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value
