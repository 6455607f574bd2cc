"""The console's stand-in Slack workspace: its people, channels and every message posted, numbered.

Numbers are the console's handle on messages (`/thread 3`); `ts` values are Slack's, taken from the
simulated clock so a message "posted" at the console carries the console's time, as in Slack.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import Clock

BOT_USER_ID = "U0CLOSELOOP"
BOT_ID = "B0CLOSELOOP"
APP_ID = "A0CLOSELOOP"
BOT_NAME = "closeloop"

_PLAIN_HANDLE = re.compile(r"[A-Za-z0-9]{1,20}")
_TYPED_MENTION = re.compile(r"(?<![\w<])@([^\s@<>,，。:：!?！？]+)")
_TYPED_CHANNEL = re.compile(r"(?<![\w<])#([\w-]+)")


def stable_id(prefix: str, name: str) -> str:
    """A Slack-looking id that is the same for the same name in every session (`alice` → `UALICE`).

    Names that are not short ASCII words get a hash, so `sales-leads` and `华东` still map to one id.
    """
    if _PLAIN_HANDLE.fullmatch(name):
        return prefix + name.upper()
    return prefix + hashlib.sha1(name.casefold().encode()).hexdigest()[:10].upper()


@dataclass(frozen=True)
class Member:
    """A person in the workspace, with what `users.info` reports about them."""

    user_id: str
    handle: str  # what `/as` takes
    display_name: str
    real_name: str
    locale: str | None  # None: Slack's profile says nothing, so the team's default language applies
    tz: str
    title: str = ""


@dataclass(frozen=True)
class Channel:
    """A channel, or the bot's DM with one person (`dm_of` is then their user id)."""

    channel_id: str
    name: str
    dm_of: str | None = None


@dataclass
class Message:
    """A message as the workspace holds it; bot messages have no `user_id`."""

    channel_id: str
    ts: str
    text: str
    user_id: str | None
    thread_ts: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)
    number: int | None = None  # None for ephemeral messages, which Slack does not keep
    only_for: str | None = None  # the one person who sees an ephemeral message
    deleted: bool = False
    metadata: dict[str, Any] | None = None  # what the bot attached; the in-doubt check looks for it
    files: list[dict[str, Any]] = field(default_factory=list)  # files the message shares

    @property
    def is_bot(self) -> bool:
        """Whether the bot posted it."""
        return self.user_id is None

    @property
    def is_reply(self) -> bool:
        """Whether it sits in a thread under another message."""
        return self.thread_ts is not None and self.thread_ts != self.ts

    def visible_to(self, user_id: str, channels: dict[str, Channel]) -> bool:
        """Ephemeral messages and DMs are seen by one person only."""
        if self.only_for is not None:
            return self.only_for == user_id
        channel = channels.get(self.channel_id)
        return channel is None or channel.dm_of in (None, user_id)

    def to_slack(self, team_id: str) -> dict[str, Any]:
        """The message as Slack's API returns it (conversations.replies, block_actions payloads)."""
        shaped: dict[str, Any] = {"type": "message", "text": self.text, "ts": self.ts, "team": team_id}
        if self.is_bot:
            shaped |= {"user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID}
        else:
            shaped["user"] = self.user_id
        if self.thread_ts:
            shaped["thread_ts"] = self.thread_ts
        if self.blocks:
            shaped["blocks"] = self.blocks
        if self.metadata:
            shaped["metadata"] = self.metadata
        if self.files:
            shaped["files"] = self.files
        return shaped


class Workspace:
    """People, channels and the message log of one console team."""

    def __init__(self, team_id: str, team_name: str, clock: Clock):
        self.team_id = team_id
        self.team_name = team_name
        self.members: dict[str, Member] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.clock = clock
        self._numbers = itertools.count(1)
        self._last_ts_micros = 0

    # people and channels

    def add_member(self, member: Member) -> Member:
        """Add a person (or keep the one already known by that id)."""
        return self.members.setdefault(member.user_id, member)

    def join(self, name: str, tz: str) -> Member:
        """A new person called `name` (the same id in every session) living in `tz`, locale unknown."""
        name = name.strip().lstrip("@")
        return self.add_member(Member(stable_id("U", name), name, name, name, None, tz))

    def member_named(self, name: str) -> Member | None:
        """The person whose handle or display name is `name`, ignoring case."""
        wanted = name.strip().lstrip("@").casefold()
        return next(
            (m for m in self.members.values() if wanted in (m.handle.casefold(), m.display_name.casefold())),
            None,
        )

    def add_channel(self, name: str) -> Channel:
        """The channel called `name`, created on first mention."""
        name = name.strip().lstrip("#")
        channel = Channel(stable_id("C", name), name)
        return self.channels.setdefault(channel.channel_id, channel)

    def channel_named(self, name: str) -> Channel | None:
        """A (non-DM) channel by name, with or without its `#`."""
        wanted = name.strip().lstrip("#").casefold()
        return next(
            (c for c in self.channels.values() if c.dm_of is None and c.name.casefold() == wanted), None
        )

    def dm_with(self, user_id: str) -> Channel:
        """The bot's DM with a person, opened on first use."""
        channel = Channel("D" + user_id.removeprefix("U"), f"dm-{user_id}", dm_of=user_id)
        return self.channels.setdefault(channel.channel_id, channel)

    def conversation_for(self, channel: str) -> Channel | None:
        """Where a post to `channel` lands: posting to a user id means the bot's DM with them."""
        if channel in self.members:
            return self.dm_with(channel)
        return self.channels.get(channel)

    # names, for rendering

    def user_name(self, user_id: str) -> str:
        """How a person is shown: their display name, or the bot's name."""
        if user_id == BOT_USER_ID:
            return BOT_NAME
        member = self.members.get(user_id)
        return member.display_name if member else user_id

    def channel_name(self, channel_id: str) -> str:
        """How a channel is shown: `#sales-leads`, or `DM` for a direct message."""
        channel = self.channels.get(channel_id)
        if channel is None:
            return f"#{channel_id}"
        return "DM" if channel.dm_of else f"#{channel.name}"

    def encode_mentions(self, typed: str, *, named: bool = False) -> str:
        """What Slack's client sends for typed text: `@bob` → `<@UBOB>`, `#sales-leads` → `<#C…|sales-leads>`.

        `named` is how Slack escapes a slash command's text (the command's `should_escape`): people
        keep their handle, `<@UBOB|bob>`. Only names the workspace knows change, so hashtags such as
        `#archive` stay as typed.
        """

        def person(match: re.Match[str]) -> str:
            if match.group(1).casefold() == BOT_NAME:
                return f"<@{BOT_USER_ID}|{BOT_NAME}>" if named else f"<@{BOT_USER_ID}>"
            member = self.member_named(match.group(1))
            if member is None:
                return match.group(0)
            return f"<@{member.user_id}|{member.handle}>" if named else f"<@{member.user_id}>"

        def channel(match: re.Match[str]) -> str:
            known = self.channel_named(match.group(1))
            return f"<#{known.channel_id}|{known.name}>" if known else match.group(0)

        return _TYPED_CHANNEL.sub(channel, _TYPED_MENTION.sub(person, typed))

    # messages

    def next_ts(self, moment: datetime | None = None) -> str:
        """A fresh ts at `moment` (default: the simulated now), unique and increasing as Slack's are."""
        micros = int((moment or self.clock.now()).timestamp() * 1_000_000)
        self._last_ts_micros = max(micros, self._last_ts_micros + 1)
        seconds, rest = divmod(self._last_ts_micros, 1_000_000)
        return f"{seconds}.{rest:06d}"

    def keep_ts_after(self, ts: str) -> None:
        """Never hand out a ts at or before `ts` (one an earlier session already used)."""
        seconds, _, rest = ts.partition(".")
        self._last_ts_micros = max(self._last_ts_micros, int(seconds) * 1_000_000 + int(rest or 0))

    def add_message(self, message: Message) -> Message:
        """Log a message; everything but ephemeral messages gets the next number."""
        if message.only_for is None:
            message.number = next(self._numbers)
        self.messages.append(message)
        return message

    def find(self, channel_id: str, ts: str) -> Message | None:
        """A message by Slack's address for it."""
        return next((m for m in self.messages if m.channel_id == channel_id and m.ts == ts), None)

    def numbered(self, number: int) -> Message | None:
        """A message by the number the console showed for it."""
        return next((m for m in self.messages if m.number == number and not m.deleted), None)

    def thread(self, channel_id: str, thread_ts: str) -> list[Message]:
        """A thread as everyone sees it: the root first, then the replies in order."""
        return [
            m
            for m in self.messages
            if m.channel_id == channel_id
            and (m.ts == thread_ts or m.thread_ts == thread_ts)
            and m.only_for is None
            and not m.deleted
        ]

    def reply_count(self, message: Message) -> int:
        """How many replies a top-level message has."""
        return len(self.thread(message.channel_id, message.ts)) - 1

    def channel_history(self, channel_id: str) -> list[Message]:
        """The channel's top-level messages (thread replies stay in their threads)."""
        return [
            m
            for m in self.messages
            if m.channel_id == channel_id and not m.is_reply and m.only_for is None and not m.deleted
        ]
