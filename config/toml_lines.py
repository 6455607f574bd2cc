"""Find the line on which each key of a TOML document is written.

`tomllib` parses but forgets positions, and an admin fixing a rules file needs `FILE:LINE`. This
scanner walks the text once and maps every key path (as pydantic reports it: table names, keys and
array-of-table indexes) to the line where it appears.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]

_TABLE = re.compile(r"^\s*\[(?P<array>\[)?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*(?P<key>(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_INLINE_KEY = re.compile(r"""(?:[{,]\s*)(?P<key>[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')\s*=""")


def _split_dotted(name: str) -> list[str]:
    parts = re.findall(r'"[^"]*"|\'[^\']*\'|[^.\s]+', name)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each key path in `text` to its 1-based line number.

    An array's elements are mapped too, by index, to the line where each one starts: a holiday list
    written one date a line gets its bad date pointed at, not just the line that opened the list.
    """
    lines: dict[KeyPath, int] = {}
    array_counts: dict[KeyPath, int] = {}
    table: KeyPath = ()
    rows = text.splitlines()
    row = 0
    while row < len(rows):
        line = rows[row]
        number = row + 1
        row += 1
        header = _TABLE.match(line)
        if header:
            path = tuple(_split_dotted(header.group("name")))
            if header.group("array"):
                index = array_counts.get(path, -1) + 1
                array_counts[path] = index
                table = (*_resolve(path, array_counts), index)
            else:
                table = _resolve(path, array_counts)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = (*table, *_split_dotted(key.group("key")))
            lines.setdefault(path, number)
            rest = line[key.end() :]
            for inline in _INLINE_KEY.finditer(rest):
                lines.setdefault((*path, inline.group("key").strip("\"'")), number)
            value_at = len(line) - len(rest.lstrip())
            if line.startswith("[", value_at):
                # Keys inside a multi-line array belong to it, so scanning resumes after its last line.
                starts, row = _array_elements(rows, number - 1, value_at)
                for index, element_line in enumerate(starts):
                    lines.setdefault((*path, index), element_line)
    return lines


def _array_elements(rows: list[str], row: int, column: int) -> tuple[list[int], int]:
    """Lines on which each element of the array opening at rows[row][column] starts.

    Returns them with the index of the row after the array closes.  Strings are stepped over whole, so
    a bracket, comma or # inside quotes is text, not structure.
    """
    starts: list[int] = []
    depth = 0
    expecting = False  # at depth 1, after "[" or ",": the next visible character starts an element
    quote = ""
    while row < len(rows):
        line = rows[row]
        i = column
        while i < len(line):
            char = line[i]
            if quote:
                if char == "\\" and quote in ('"', '"""'):
                    i += 2
                elif line.startswith(quote, i):
                    i += len(quote)
                    quote = ""
                else:
                    i += 1
                continue
            if char == "#":
                break
            if not char.isspace() and depth == 1 and expecting and char not in ",]":
                starts.append(row + 1)
                expecting = False
            if char in "[{":
                depth += 1
                expecting = depth == 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return starts, row + 1
            elif char == "," and depth == 1:
                expecting = True
            elif char in "\"'":
                quote = char * 3 if line.startswith(char * 3, i) else char
                i += len(quote)
                continue
            i += 1
        if len(quote) == 1:
            quote = ""  # a one-line string cannot go on: the file is broken, and tomllib says where
        row += 1
        column = 0
    return starts, row


def _resolve(path: tuple[str, ...], array_counts: dict[KeyPath, int]) -> KeyPath:
    """Insert the current index after any prefix of `path` that is an array of tables."""
    resolved: list[str | int] = []
    for i, part in enumerate(path):
        resolved.append(part)
        prefix = tuple(path[: i + 1])
        if i < len(path) - 1 and prefix in array_counts:
            resolved.append(array_counts[prefix])
    return tuple(resolved)


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int:
    """The line of `path`, or of its nearest written ancestor (1 when nothing matches)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1
