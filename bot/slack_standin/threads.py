"""Read a conversation the way Slack reads it back: history, threads, time windows and metadata.

Channel history holds top-level messages newest first, each parent carrying Slack's thread summary;
a thread holds its parent first and then its replies in order; message metadata is shown only to
readers who ask for it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

JsonDict = dict[str, Any]


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


def channel_history(messages: list[JsonDict]) -> list[JsonDict]:
    """A conversation's top-level messages newest first; a parent with replies carries Slack's thread summary."""
    parents = [copy.deepcopy(message) for message in messages if _is_top_level(message)]
    for parent in parents:
        replies = [m for m in messages if m.get("thread_ts") == parent["ts"] != m["ts"]]
        if replies:
            parent.update(
                thread_ts=parent["ts"],
                reply_count=len(replies),
                reply_users=sorted({m["user"] for m in replies if "user" in m}),
                latest_reply=max(replies, key=_ts_order)["ts"],
            )
    return sorted(parents, key=_ts_order, reverse=True)


def thread_of(messages: list[JsonDict], thread_ts: str) -> list[JsonDict]:
    """The parent (when known) followed by its replies oldest first; empty for an unknown thread."""
    members = [m for m in messages if thread_ts in (m["ts"], m.get("thread_ts"))]
    return sorted(members, key=lambda m: (m["ts"] != thread_ts, _ts_order(m)))


def _ts_order(message: JsonDict) -> Decimal:
    return Decimal(message["ts"])


def _is_top_level(message: JsonDict) -> bool:
    return message.get("thread_ts", message["ts"]) == message["ts"]
