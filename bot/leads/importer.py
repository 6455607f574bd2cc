"""Lead files (CSV or XLSX) read into leads, each row kept with its line in the file or its problems.

The header row names the columns: `LeadInput`'s field names, `budget` for a range such as 50000-80000,
or the Chinese headers of a CRM or Excel export (公司, 联系人, 电话…). Columns the schema does not know
become the lead's extra attributes, as in the webhook. Nothing here touches the database: reading and
validating is the whole dry run, and the command line decides what to commit.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from bot.i18n import t
from bot.render.lead_problems import problem_texts
from usecases.lead_input import LeadInput, field_problems, parse_budget

Cell = str | int | float
NumberedRow = tuple[int, list[Cell | None]]

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
FILE_TYPES = (".csv", ".xlsx")
# Chinese spreadsheets list with the enumeration comma and full-width punctuation as often as with ASCII.
_SIGNAL_SEPARATORS = re.compile(r"[;,、；，]")
# Only plain decimals become numbers: a leading zero (an area code, an ID) must stay text.
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
# Chinese Excel saves "CSV" in the system code page; UTF-8 (with or without BOM) is tried first.
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


class LeadFileError(Exception):
    """The file cannot be read as a list of leads at all; the message says what to fix."""


@dataclass(frozen=True)
class GoodRow:
    """A row that is a valid lead."""

    line: int
    lead: LeadInput


@dataclass(frozen=True)
class BadRow:
    """A row that is not, with a message per bad field (named by the file's header)."""

    line: int
    problems: dict[str, str]

    def describe(self, path: Path) -> str:
        """`FILE:LINE: field: message; …`, the shape editors and `config check` use to jump to a line."""
        problems = (f"{name}: {message}" for name, message in self.problems.items())
        return f"{path}:{self.line}: {'; '.join(problems)}"


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
    table = _read_table(path, lang)
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


def _read_table(path: Path, lang: str) -> list[NumberedRow]:
    suffix = path.suffix.casefold()
    if suffix not in FILE_TYPES:
        raise LeadFileError(t(lang, "cli.import.file_type", path=path, types=" / ".join(FILE_TYPES)))
    try:
        return _csv_rows(path, lang) if suffix == ".csv" else _xlsx_rows(path)
    except (OSError, csv.Error, BadZipFile, InvalidFileException, KeyError) as error:
        # An OSError's own text repeats the path ("[Errno 2] No such file…: 'x.csv'"); its reason is enough.
        reason = getattr(error, "strerror", None) or error
        raise LeadFileError(t(lang, "cli.import.unreadable", path=path, error=reason)) from None


def _csv_rows(path: Path, lang: str) -> list[NumberedRow]:
    data = path.read_bytes()
    for encoding in _TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LeadFileError(t(lang, "cli.import.encoding", path=path))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[NumberedRow] = []
    first_line = 1
    for record in reader:
        rows.append((first_line, [cell.strip() or None for cell in record]))
        # A quoted cell may span lines; the next record starts after this one's last line.
        first_line = reader.line_num + 1
    return rows


def _xlsx_rows(path: Path) -> list[NumberedRow]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        # Read-only sheets yield missing rows as empty ones, so the count is the spreadsheet's row number.
        return [
            (line, [_xlsx_cell(value) for value in row])
            for line, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> Cell | None:
    """A spreadsheet value as a CSV would give it, except that numbers stay numbers."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float):
        # A phone number Excel saved as 1.3800001111E10 must still read 13800001111.
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip() or None


def _column(header: Cell | None) -> _Column:
    written = "" if header is None else str(header)
    key = "_".join(written.replace("-", " ").split()).casefold()
    return _Column(written.strip(), HEADER_FIELDS.get(key))


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
