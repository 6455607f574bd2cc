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
    """Map each key path in `text` to its 1-based line number."""
    lines: dict[KeyPath, int] = {}
    array_counts: dict[KeyPath, int] = {}
    table: KeyPath = ()
    open_brackets = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if open_brackets > 0:  # inside a multi-line array: its keys belong to the line that opened it
            open_brackets += line.count("[") - line.count("]")
            continue
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
            open_brackets = rest.count("[") - rest.count("]")
    return lines


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
