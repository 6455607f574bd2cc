"""Keep the messages of the Slack stand-in's conversations, so reading history shows what was really sent.

Two kinds of message live here: those the bot posted through chat.postMessage, and those a test set
up with ``set_thread`` (people talking before the bot arrived). How Slack reads them back (history,
threads, metadata) is the shared stand-in's business (``bot.slack_standin.threads``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class _Stored:
    channel: str
    message: JsonDict
    posted_by_bot: bool


class MessageStore:
    """Every message the stand-in knows, keyed by conversation and ts, in the order it learnt them."""

    def __init__(self) -> None:
        self._messages: dict[tuple[str, str], _Stored] = {}

    def add(self, channel: str, message: JsonDict, *, posted_by_bot: bool) -> None:
        self._messages[(channel, message["ts"])] = _Stored(channel, message, posted_by_bot)

    def find(self, channel: str, ts: str) -> JsonDict | None:
        """The live message, or None when Slack would say message_not_found."""
        stored = self._messages.get((channel, ts))
        return stored.message if stored else None

    def replace(self, channel: str, message: JsonDict) -> None:
        """Put an edited message where the one with its ts was, keeping who posted it and its place."""
        self._messages[(channel, message["ts"])].message = message

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

    def in_channel(self, channel: str) -> list[JsonDict]:
        """Every message in one conversation, threads included, in the order the store learnt them."""
        return [stored.message for stored in self._messages.values() if stored.channel == channel]
