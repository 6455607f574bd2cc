"""Spreadsheet files (CSV or XLSX) read as numbered rows of cells, for every `closeloop import`.

A row keeps the line (CSV) or row number (XLSX) it starts on, so a problem is reported where a person
finds it in their editor. Numbers in a workbook stay numbers; everything else is trimmed text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot.i18n import t

Cell = str | int | float
NumberedRow = tuple[int, list[Cell | None]]

FILE_TYPES = (".csv", ".xlsx")
# Chinese Excel saves "CSV" in the system code page; UTF-8 (with or without BOM) is tried first.
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class BadRow:
    """A row refused, with a message per field named by the file's own header."""

    line: int
    problems: dict[str, str]

    def describe(self, path: Path) -> str:
        """`FILE:LINE: field: message; …`, the shape editors and `config check` use to jump to a line."""
        problems = (f"{name}: {message}" for name, message in self.problems.items())
        return f"{path}:{self.line}: {'; '.join(problems)}"


class TableFileError(Exception):
    """The file cannot be read as a table at all; the message says what to fix."""


def read_table(path: Path, lang: str) -> list[NumberedRow]:
    """Every row of a CSV or XLSX file (the first sheet), with its line; raises TableFileError."""
    suffix = path.suffix.casefold()
    if suffix not in FILE_TYPES:
        raise TableFileError(t(lang, "cli.import.file_type", path=path, types=" / ".join(FILE_TYPES)))
    try:
        return _csv_rows(path, lang) if suffix == ".csv" else _xlsx_rows(path)
    except (OSError, csv.Error, BadZipFile, InvalidFileException, KeyError) as error:
        # An OSError's own text repeats the path ("[Errno 2] No such file…: 'x.csv'"); its reason is enough.
        reason = getattr(error, "strerror", None) or error
        raise TableFileError(t(lang, "cli.import.unreadable", path=path, error=reason)) from None


def header_key(header: Cell | None) -> str:
    """A header as a lookup key: `Paid at`, `paid-at` and `PAID_AT` are one column."""
    written = "" if header is None else str(header)
    return "_".join(written.replace("-", " ").split()).casefold()


def _csv_rows(path: Path, lang: str) -> list[NumberedRow]:
    data = path.read_bytes()
    for encoding in _TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableFileError(t(lang, "cli.import.encoding", path=path))
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
