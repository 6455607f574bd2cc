"""Keep the messages of the Slack stand-in's conversations, so reading history shows what was really sent.

Two kinds of message live here: those the bot posted through chat.postMessage, and those a test set
up with ``set_thread`` (people talking before the bot arrived). Both are read back the way Slack
reads them: channel history holds top-level messages newest first, a thread holds its parent first
and then its replies in order, and message metadata is shown only to readers who ask for it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class _Stored:
    channel: str
    message: JsonDict
    posted_by_bot: bool


@dataclass(frozen=True)
class TsRange:
    """The oldest/latest/inclusive window of a history read; an open end has no bound."""

    oldest: Decimal | None = None
    latest: Decimal | None = None
    inclusive: bool = False

    def holds(self, ts: str) -> bool:
        stamp = Decimal(ts)
        above = self.oldest is None or stamp > self.oldest or (self.inclusive and stamp == self.oldest)
        below = self.latest is None or stamp < self.latest or (self.inclusive and stamp == self.latest)
        return above and below


def parse_ts(value: Any) -> Decimal | None:
    """A Slack ts as a number, or None when it is not one (Slack answers invalid_ts_* then)."""
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def as_read(message: JsonDict, *, include_metadata: bool) -> JsonDict:
    """A copy as a reader sees it: Slack hides message metadata unless include_all_metadata is set."""
    shown = copy.deepcopy(message)
    if not include_metadata:
        shown.pop("metadata", None)
    return shown


def _ts_order(message: JsonDict) -> Decimal:
    return Decimal(message["ts"])


def _is_top_level(message: JsonDict) -> bool:
    return message.get("thread_ts", message["ts"]) == message["ts"]


class MessageStore:
    """Every message the stand-in knows, keyed by conversation and ts, in the order it learnt them."""

    def __init__(self) -> None:
        self._messages: dict[tuple[str, str], _Stored] = {}

    def add(self, channel: str, message: JsonDict, *, posted_by_bot: bool) -> None:
        self._messages[(channel, message["ts"])] = _Stored(channel, message, posted_by_bot)

    def find(self, channel: str, ts: str) -> JsonDict | None:
        """The live message (edit it to update it), or None when Slack would say message_not_found."""
        stored = self._messages.get((channel, ts))
        return stored.message if stored else None

    def remove(self, channel: str, ts: str) -> None:
        self._messages.pop((channel, ts), None)

    def replace_thread(self, channel: str, thread_ts: str, messages: Iterable[JsonDict]) -> None:
        """Swap a test's thread for a new one; whatever the bot posted into it stays."""
        for key, stored in list(self._messages.items()):
            in_thread = stored.channel == channel and stored.message.get("thread_ts") == thread_ts
            if in_thread and not stored.posted_by_bot:
                del self._messages[key]
        for message in messages:
            self.add(channel, message, posted_by_bot=False)

    def posted(self, channel: str | None = None) -> list[tuple[str, JsonDict]]:
        """What the bot posted and has not deleted, as (channel, message), in the order it was posted."""
        return [
            (stored.channel, stored.message)
            for stored in self._messages.values()
            if stored.posted_by_bot and channel in (None, stored.channel)
        ]

    def top_level(self, channel: str) -> list[JsonDict]:
        """Channel history newest first; a parent with replies carries Slack's thread summary."""
        in_channel = [stored.message for stored in self._messages.values() if stored.channel == channel]
        parents = [copy.deepcopy(message) for message in in_channel if _is_top_level(message)]
        for parent in parents:
            replies = [m for m in in_channel if m.get("thread_ts") == parent["ts"] != m["ts"]]
            if replies:
                parent.update(
                    thread_ts=parent["ts"],
                    reply_count=len(replies),
                    reply_users=sorted({m["user"] for m in replies if "user" in m}),
                    latest_reply=max(replies, key=_ts_order)["ts"],
                )
        return sorted(parents, key=_ts_order, reverse=True)

    def thread(self, channel: str, thread_ts: str) -> list[JsonDict]:
        """The parent (when known) followed by its replies oldest first; empty for an unknown thread."""
        members = [
            stored.message
            for stored in self._messages.values()
            if stored.channel == channel
            and thread_ts in (stored.message["ts"], stored.message.get("thread_ts"))
        ]
        return sorted(members, key=lambda m: (m["ts"] != thread_ts, _ts_order(m)))
