"""How the rules file names a channel or a person: by name, as people write them, or by Slack ID.

Channels are `#sales-leads` or an ID (`C…`, `G…`); people are `@alice`, `alice@corp.com` or an ID
(`U…`, `W…`). A reference keeps what was written; a name gets its ID when the bot looks it up in
Slack at start (bot/directory.py), and until then it names nobody the domain can use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]+")
_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NAME = re.compile(r"[^\s#@<>,]+")


class RefKind(StrEnum):
    """What a reference names and, for a name, how it is looked up."""

    CHANNEL = "channel"  # `#name`
    HANDLE = "handle"  # `@name`: a member's username or display name
    EMAIL = "email"


@dataclass(frozen=True)
class SlackRef:
    """A channel or a person as the rules file names them.

    `written` is the text in the file; `id` is the Slack ID, given there or found in Slack; `kind`
    says what a name is looked up as (None when the file gave an ID).
    """

    written: str
    id: str | None
    kind: RefKind | None = None

    @property
    def is_name(self) -> bool:
        """Whether the file names it by name (so Slack must be asked for its ID)."""
        return self.kind is not None

    @property
    def name(self) -> str:
        """The name to look up: the channel name without `#`, the handle without `@`, the email."""
        if self.kind is RefKind.EMAIL:
            return self.written.lower()
        return self.written[1:] if self.kind is not None else self.written

    @property
    def key(self) -> str:
        """What identifies it before and after a look-up: the ID when known, else the written name."""
        return self.id or f"{self.kind}:{self.name}"

    def found(self, slack_id: str | None) -> SlackRef:
        """The same reference with the ID Slack gave for its name (None: no such name)."""
        return replace(self, id=slack_id)

    def __str__(self) -> str:
        return self.written


def parse_channel(text: str) -> SlackRef:
    """A channel written `#sales-leads` or as its ID; anything else is a mistake to report."""
    written = text.strip()
    if _CHANNEL_ID.fullmatch(written):
        return SlackRef(written, written)
    if written.startswith("#") and _NAME.fullmatch(written[1:]):
        return SlackRef(written, None, RefKind.CHANNEL)
    bare = written.lstrip("#@")
    hint = f'"#{bare}"' if _NAME.fullmatch(bare) else '"#channel-name"'
    raise ValueError(f"{written!r} is not a channel: write {hint} or the channel's ID (C…)")


def parse_person(text: str) -> SlackRef:
    """A person written `@alice`, as an email or as their member ID; anything else is a mistake."""
    written = text.strip()
    if _USER_ID.fullmatch(written):
        return SlackRef(written, written)
    if written.startswith("@") and _NAME.fullmatch(written[1:]):
        return SlackRef(written, None, RefKind.HANDLE)
    if _EMAIL.fullmatch(written):
        return SlackRef(written, None, RefKind.EMAIL)
    bare = written.lstrip("#@")
    hint = f'"@{bare}"' if _NAME.fullmatch(bare) else '"@name"'
    raise ValueError(f"{written!r} is not a person: write {hint}, their email, or their member ID (U…)")


def _validator(parse: Any) -> PlainValidator:
    def validate(value: Any) -> SlackRef:
        if isinstance(value, SlackRef):
            return value
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        return parse(value)

    return PlainValidator(validate)


_AS_WRITTEN = PlainSerializer(lambda ref: ref.written, return_type=str)

ChannelRef = Annotated[SlackRef, _validator(parse_channel), _AS_WRITTEN]
PersonRef = Annotated[SlackRef, _validator(parse_person), _AS_WRITTEN]
