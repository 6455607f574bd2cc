"""How the console shows messages: number, author, where it was posted, and its blocks as text.

The screen also remembers the last message it showed with buttons: that is what `/click N` presses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from bot.console.render import Rendering, render_message
from bot.console.workspace import BOT_NAME, Member, Message, Workspace
from bot.i18n import t

_BODY_INDENT = "    "
_REPLY_INDENT = "  ↳ "


@dataclass(frozen=True)
class Place:
    """Where the person at the console is looking: a channel, or one thread in it."""

    channel_id: str
    thread_ts: str | None = None

    def shows(self, message: Message) -> bool:
        """Whether `message` belongs right here (anything else is shown with where it was posted)."""
        if message.channel_id != self.channel_id:
            return False
        return (
            message.thread_ts == self.thread_ts if message.is_reply else self.thread_ts in (None, message.ts)
        )


class Screen:
    """Writes the console's output and keeps track of what can be clicked."""

    def __init__(self, workspace: Workspace, out: TextIO):
        self._workspace = workspace
        self._out = out
        self._muted = False
        self.click_target: Message | None = None

    @contextlib.contextmanager
    def muted(self) -> Iterator[None]:
        """Show nothing for a while (the demo's back-story is posted before anyone is watching)."""
        self._muted = True
        try:
            yield
        finally:
            self._muted = False

    def say(self, text: str) -> None:
        """The console's own words."""
        if not self._muted:
            self._out.write(text + "\n")
            self._out.flush()

    def show(
        self, message: Message, viewer: Member, lang: str, place: Place, change: str | None = None
    ) -> Rendering:
        """Print one message as `viewer` sees it from `place`; `change` marks an update or a deletion."""
        rendering = render_message(message.text, [] if message.deleted else message.blocks, self._workspace)
        if message.deleted:
            rendering.lines = []
        if rendering.clickables and message.visible_to(viewer.user_id, self._workspace.channels):
            self.click_target = message
        header = self._header(message, viewer, lang, place)
        if change:
            header += f" {change}"
        indent = _REPLY_INDENT if message.is_reply else ""
        lines = [
            *rendering.lines,
            *(f"📎 {shared.get('title') or shared['name']}" for shared in message.files),
        ]
        if not lines:
            self.say(f"{indent}{header}")
        elif len(lines) == 1 and not message.blocks:
            self.say(f"{indent}{header}: {lines[0]}")
        else:
            self.say(f"{indent}{header}:")
            for line in lines:
                self.say(f"{' ' * len(indent)}{_BODY_INDENT}{line}")
        return rendering

    def show_history(self, messages: list[Message], viewer: Member, lang: str, place: Place) -> None:
        """Print a channel or thread as it stands, with how many replies each thread has."""
        for message in messages:
            self.show(message, viewer, lang, place)
            replies = self._workspace.reply_count(message) if not message.is_reply else 0
            if replies and place.thread_ts is None:
                self.say(f"{_BODY_INDENT}└ {t(lang, 'console.replies', count=replies)}")

    def _header(self, message: Message, viewer: Member, lang: str, place: Place) -> str:
        author = BOT_NAME if message.is_bot else self._workspace.user_name(message.user_id or "")
        if message.only_for is not None:
            marker = (
                t(lang, "console.only_you")
                if message.only_for == viewer.user_id
                else t(lang, "console.only_them", name=self._workspace.user_name(message.only_for))
            )
            header = f"{marker} {author}"
        else:
            header = f"({message.number}) {author}"
        channel = self._workspace.channels.get(message.channel_id)
        if channel is not None and channel.dm_of:
            return f"{header} {t(lang, 'console.dm_to', name=self._workspace.user_name(channel.dm_of))}"
        if not place.shows(message):
            header += f" @ {self._where(message)}"
        return header

    def _where(self, message: Message) -> str:
        where = self._workspace.channel_name(message.channel_id)
        if message.is_reply and message.thread_ts:
            root = self._workspace.find(message.channel_id, message.thread_ts)
            if root is not None and root.number is not None:
                where += f" › ({root.number})"
        return where
