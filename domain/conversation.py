"""A channel message as closeloop sees it: the unit archiving reads a thread in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class SeenMessage:
    """A channel message as the thread store keeps it."""

    team_id: str
    channel_id: str
    ts: str
    thread_ts: str
    user_id: str | None
    is_bot: bool
    text: str

    @property
    def posted_at(self) -> datetime:
        """Slack's ts is the posting time in epoch seconds."""
        return datetime.fromtimestamp(float(self.ts), UTC)
