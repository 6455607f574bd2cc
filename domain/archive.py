"""Read an `#archive` message: which tags it carries and which fields it names.

A rep types as they talk: `客户说价格太高 #归档 #报价 下一步: 下周三 发检测报告` or
`price is too high #archive #quote customer: ACME next: send the report by Friday`. This module turns
that into a plain `ArchiveRequest`; it knows nothing of Slack or storage.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

_SLACK_MENTION = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>")
_SLACK_LINK = re.compile(r"<(https?://[^>|]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class ArchiveSyntax:
    """The configurable words of the archive syntax (from the rules file)."""

    hashtags: tuple[str, ...]
    type_tags: Mapping[str, str]  # lower-cased tag -> activity type
    customer_prefixes: tuple[str, ...]
    next_prefixes: tuple[str, ...]

    @property
    def field_prefixes(self) -> tuple[str, ...]:
        """Every word that opens a `word: value` field."""
        return (*self.customer_prefixes, *self.next_prefixes)


@dataclass(frozen=True)
class ArchiveRequest:
    """What an archiving message asks for, beyond archiving itself."""

    activity_type: str | None
    customer: str | None
    next_action: str | None


def _tag_pattern(tags: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(tags, key=len, reverse=True))
    # A tag stands alone: not glued to a Latin word or a URL before it (Chinese writers use no spaces,
    # so a CJK character before it is fine), and an ASCII tag not run into more letters.
    return re.compile(rf"(?<![A-Za-z0-9_#/&])(?:{alternatives})(?![A-Za-z0-9_])", re.IGNORECASE)


def has_archive_tag(text: str, syntax: ArchiveSyntax) -> bool:
    """Whether `text` asks to be archived."""
    return bool(_tag_pattern(syntax.hashtags).search(text))


def parse_archive_request(text: str, syntax: ArchiveSyntax) -> ArchiveRequest:
    """The activity type, customer and next action named in an archiving message."""
    type_match = _tag_pattern(syntax.type_tags).search(text) if syntax.type_tags else None
    activity_type = syntax.type_tags[type_match.group(0).lower()] if type_match else None
    return ArchiveRequest(
        activity_type=activity_type,
        customer=_field(text, syntax.customer_prefixes, syntax.field_prefixes),
        next_action=_field(text, syntax.next_prefixes, syntax.field_prefixes),
    )


@dataclass(frozen=True)
class LogLine:
    """A one-line follow-up: `/closeloop log ACME called, next: 3天后 send quote`."""

    customer: str | None
    status: str
    next_action: str | None


def parse_log_line(text: str, syntax: ArchiveSyntax, known_customers: Iterable[str]) -> LogLine:
    """Split a one-line log into customer, what happened, and the next action.

    The customer is `customer: NAME` when given, else the longest known customer name the line
    starts with, else its first word.
    """
    next_action = _field(text, syntax.next_prefixes, syntax.field_prefixes)
    explicit = _field(text, syntax.customer_prefixes, syntax.field_prefixes)
    starts = list(_field_starts(text, syntax.field_prefixes))
    status = (text[: starts[0][2]] if starts else text).strip(" ，,;；。\n")
    if explicit:
        return LogLine(explicit, status, next_action)
    folded = status.casefold()
    known = [name for name in known_customers if folded.startswith(name.casefold())]
    if known:
        name = max(known, key=len)
        return LogLine(name, status, next_action)
    first = re.match(r"[^\s,，;；:：]+", status)
    return LogLine(first.group(0) if first else None, status, next_action)


def _field(text: str, prefixes: tuple[str, ...], all_prefixes: tuple[str, ...]) -> str | None:
    """The value after `prefix:` (or the full-width `：`), up to another field, a hashtag, a newline or the end."""
    starts = list(_field_starts(text, all_prefixes))
    wanted = {p.casefold() for p in prefixes}
    for index, (name, value_start, _) in enumerate(starts):
        if name.casefold() not in wanted:
            continue
        value_end = starts[index + 1][2] if index + 1 < len(starts) else len(text)
        value = re.split(r"\s#\S|\n", text[value_start:value_end], maxsplit=1)[0].strip(" ，,;；。")
        return value or None
    return None


def _field_starts(text: str, prefixes: tuple[str, ...]) -> Iterator[tuple[str, int, int]]:
    """(prefix, where its value starts, where the prefix starts) for each `prefix:` in `text`."""
    names = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    for match in re.finditer(rf"(?:^|(?<=[\s，,;；。]))({names})\s*[:：]\s*", text, re.IGNORECASE):
        yield match.group(1), match.end(), match.start()


def plain_text(slack_text: str) -> str:
    """Slack's markup made readable: `<@U1|bob>` → `@bob`, links to their label, entities decoded."""

    def mention(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "!":
            return f"@{label or target}"
        return f"{'@' if sigil == '@' else '#'}{label or target}"

    text = _SLACK_LINK.sub(lambda m: m.group(2) or m.group(1), slack_text)
    text = _SLACK_MENTION.sub(mention, text)
    return html.unescape(text)


def strip_markup(text: str, syntax: ArchiveSyntax) -> str:
    """The message without its tags and `customer:` / `next:` fields, which the record keeps apart."""
    kept, position = [], 0
    for _, value_start, field_start in _field_starts(text, syntax.field_prefixes):
        kept.append(text[position:field_start])
        value = re.split(r"\s#\S|\n", text[value_start:], maxsplit=1)[0]
        position = value_start + len(value)
    kept.append(text[position:])
    tags = [*syntax.hashtags, *syntax.type_tags]
    lines = (
        re.sub(r"[ \t]{2,}", " ", line).strip(" \t，,;；")
        for line in _tag_pattern(tags).sub("", "".join(kept)).splitlines()
    )
    return "\n".join(line for line in lines if line)


def build_summary(messages: Iterable[str], limit: int) -> str:
    """The first `limit` characters of the conversation, one message per line."""
    joined = "\n".join(m.strip() for m in messages if m.strip())
    return joined if len(joined) <= limit else joined[: limit - 1].rstrip() + "…"
