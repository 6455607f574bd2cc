"""The workspace behind the tests' Slack stand-in: whatever a test set up, and plausible guesses for the rest.

Tests name only the people and channels they care about; anyone else the bot asks about still looks
like a real user or channel, so a test never fails on set-up it did not need. What the bot posts is
kept (ephemeral messages are not, as in Slack) and read back by the shared Web API methods.
"""

from __future__ import annotations

import copy
import time
from typing import TypedDict, Unpack

from bot.slack_standin.world import JsonDict, SlackConversation, SlackIdentity, SlackUser
from tests.support.slack_messages import MessageStore


class _TsClock:
    """Hands out message timestamps that are unique and strictly increasing, as Slack's are."""

    def __init__(self) -> None:
        self._last_micros = 0

    def next(self) -> str:
        self._last_micros = max(time.time_ns() // 1000, self._last_micros + 1)
        seconds, micros = divmod(self._last_micros, 1_000_000)
        return f"{seconds}.{micros:06d}"


def _dm_channel_id(users: str) -> str:
    """Slack opens an IM (D…) for one user and a multi-person IM (G…) for several."""
    members = users.split(",")
    return f"D{members[0]}" if len(members) == 1 else f"G{''.join(members)}"


class UserProfile(TypedDict, total=False):
    """What a test may say about a person; anything left out gets a plausible value."""

    name: str | None
    real_name: str | None
    locale: str
    tz: str
    is_bot: bool
    deleted: bool
    status_text: str
    status_emoji: str


def plausible_user(user_id: str, **profile: Unpack[UserProfile]) -> SlackUser:
    """Fill the gaps with plausible values, so unknown users still look like real ones."""
    handle = profile.get("name") or user_id.lower()
    return SlackUser(
        user_id=user_id,
        name=handle,
        real_name=profile.get("real_name") or handle,
        display_name=handle,
        tz=profile.get("tz", "Asia/Shanghai"),
        locale=profile.get("locale", "en-US"),
        is_bot=profile.get("is_bot", False),
        deleted=profile.get("deleted", False),
        status_text=profile.get("status_text", ""),
        status_emoji=profile.get("status_emoji", ""),
    )


class StubWorkspace:
    """A `SlackWorld` built by a test: its people, channels and threads, and what the bot posted."""

    def __init__(self, identity: SlackIdentity) -> None:
        self.identity = identity
        self.users_by_id: dict[str, SlackUser] = {}
        self.channels_by_id: dict[str, SlackConversation] = {}
        self.store = MessageStore()
        self._clock = _TsClock()

    def user(self, user_id: str) -> SlackUser | None:
        if not user_id:
            return None
        return self.users_by_id.get(user_id) or plausible_user(user_id)

    def users(self) -> list[SlackUser]:
        return list(self.users_by_id.values())

    def conversation(self, channel_id: str) -> SlackConversation | None:
        if not channel_id:
            return None
        return self.channels_by_id.get(channel_id) or SlackConversation(
            channel_id, f"channel-{channel_id.lower()}"
        )

    def conversations(self) -> list[SlackConversation]:
        return list(self.channels_by_id.values())

    def landing(self, channel: str) -> str | None:
        """Posting to a user ID lands in the app's DM with that user, and Slack answers with the DM's ID."""
        if not channel:
            return None
        return _dm_channel_id(channel) if channel.startswith(("U", "W")) else channel

    def open_dm(self, users: str) -> str | None:
        return _dm_channel_id(users)

    def next_ts(self) -> str:
        return self._clock.next()

    def post(self, channel_id: str, message: JsonDict, *, only_for: str | None) -> JsonDict:
        if only_for is None:
            self.store.add(channel_id, message, posted_by_bot=True)
        return message

    def message(self, channel_id: str, ts: str) -> JsonDict | None:
        return copy.deepcopy(self.store.find(channel_id, ts))

    def replace(self, channel_id: str, message: JsonDict) -> JsonDict:
        self.store.replace(channel_id, message)
        return message

    def delete(self, channel_id: str, ts: str) -> None:
        self.store.remove(channel_id, ts)

    def messages_in(self, channel_id: str) -> list[JsonDict]:
        return self.store.in_channel(channel_id)
