"""What a Slack stand-in answers from: the workspace's people, conversations and messages.

The Web API methods are written once (`web_api.SlackStandIn`) against this protocol. The console's
workspace implements it over the terminal's numbered message log; the tests' workspace implements it
over whatever a test set up, inventing plausible people and channels where a test named none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class SlackIdentity:
    """The team and the bot's own ids, as auth.test reports them and bot messages carry them."""

    team_id: str
    team_name: str
    url: str
    bot_user_id: str
    bot_id: str
    app_id: str
    bot_name: str


@dataclass(frozen=True)
class SlackUser:
    """A person as users.info describes them; `locale` None means their profile names none."""

    user_id: str
    name: str
    real_name: str
    display_name: str
    tz: str
    locale: str | None = None
    title: str = ""
    is_bot: bool = False
    deleted: bool = False  # deactivated
    status_text: str = ""
    status_emoji: str = ""

    @property
    def email(self) -> str:
        """Every stand-in person's address is `{name}@example.com`, so rules files can name them."""
        return f"{self.name}@example.com"


@dataclass(frozen=True)
class SlackConversation:
    """A channel, or the bot's DM with one person (`dm_of` is then their user id)."""

    channel_id: str
    name: str
    is_private: bool = False
    dm_of: str | None = None


class SlackWorld(Protocol):
    """The state behind the Web API; messages go in and come out in Slack's JSON shape."""

    identity: SlackIdentity

    def user(self, user_id: str) -> SlackUser | None:
        """The person with this id, or None when Slack would say user_not_found."""

    def users(self) -> list[SlackUser]:
        """Everyone users.list pages over, in a stable order."""

    def conversation(self, channel_id: str) -> SlackConversation | None:
        """The conversation with this id, or None when Slack would say channel_not_found."""

    def conversations(self) -> list[SlackConversation]:
        """Every conversation conversations.list may show (it filters by type), in a stable order."""

    def landing(self, channel: str) -> str | None:
        """Where a post to `channel` lands (a user id means the bot's DM with them); None: nowhere."""

    def open_dm(self, users: str) -> str | None:
        """The id of the DM with `users` (comma-separated), or None when one of them is unknown."""

    def next_ts(self) -> str:
        """A fresh message ts, unique and strictly increasing as Slack's are."""

    def post(self, channel_id: str, message: JsonDict, *, only_for: str | None) -> JsonDict:
        """Keep a new bot message (ephemeral when `only_for` is set) and return it as kept."""

    def message(self, channel_id: str, ts: str) -> JsonDict | None:
        """A copy of the message at this address, or None when Slack would say message_not_found."""

    def replace(self, channel_id: str, message: JsonDict) -> JsonDict:
        """Keep an edited message in place of the one with its ts, and return it as kept."""

    def delete(self, channel_id: str, ts: str) -> None:
        """Remove a message from the conversation."""

    def messages_in(self, channel_id: str) -> list[JsonDict]:
        """Every message everyone can read in the conversation, threads included, any order; read, never changed."""
