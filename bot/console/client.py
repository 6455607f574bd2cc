"""The console's Web API: the bot's Slack calls answered in-process from the console's workspace.

The methods themselves are the shared stand-in's (`bot.slack_standin`), the same the tests run
against; this module lets the stand-in read and write the console's workspace, and notes what the
person at the terminal should see change.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk.web.async_client import AsyncWebClient

from bot.console.workspace import APP_ID, BOT_ID, BOT_NAME, BOT_USER_ID, Channel, Member, Message, Workspace
from bot.slack_standin.in_process import in_process_web_client
from bot.slack_standin.web_api import SlackStandIn
from bot.slack_standin.world import SlackConversation, SlackIdentity, SlackUser

JsonDict = dict[str, Any]

CONSOLE_API_URL = "https://console.closeloop.invalid/api/"
CONSOLE_TOKEN = "xoxb-console"
WORKSPACE_URL = "https://console.closeloop.invalid/"


@dataclass(frozen=True)
class Notice:
    """Something the bot just did that the person at the terminal should see."""

    kind: Literal["posted", "updated", "deleted", "rejected"]
    message: Message | None = None
    detail: str = ""


class ConsoleWorld:
    """The console's workspace as the stand-in sees it (a `SlackWorld`), noting every change it makes."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.identity = SlackIdentity(
            workspace.team_id, workspace.team_name, WORKSPACE_URL, BOT_USER_ID, BOT_ID, APP_ID, BOT_NAME
        )
        self.notices: list[Notice] = []

    def user(self, user_id: str) -> SlackUser | None:
        member = self.workspace.members.get(user_id)
        return _slack_user(member) if member else None

    def users(self) -> list[SlackUser]:
        return [_slack_user(member) for member in self.workspace.members.values()]

    def conversation(self, channel_id: str) -> SlackConversation | None:
        channel = self.workspace.channels.get(channel_id)
        return _slack_conversation(channel) if channel else None

    def conversations(self) -> list[SlackConversation]:
        return [_slack_conversation(channel) for channel in self.workspace.channels.values()]

    def landing(self, channel: str) -> str | None:
        conversation = self.workspace.conversation_for(channel)
        return conversation.channel_id if conversation else None

    def open_dm(self, users: str) -> str | None:
        return self.workspace.dm_with(users).channel_id if users in self.workspace.members else None

    def next_ts(self) -> str:
        return self.workspace.next_ts()

    def post(self, channel_id: str, message: JsonDict, *, only_for: str | None) -> JsonDict:
        shown = self.workspace.add_message(
            Message(
                channel_id=channel_id,
                ts=message["ts"],
                text=message.get("text", ""),
                user_id=None,
                thread_ts=message.get("thread_ts"),
                blocks=with_block_ids(message.get("blocks") or []),
                only_for=only_for,
                metadata=message.get("metadata"),
                files=message.get("files") or [],
            )
        )
        self.notices.append(Notice("posted", shown))
        return shown.to_slack(self.workspace.team_id)

    def message(self, channel_id: str, ts: str) -> JsonDict | None:
        """A card posted in an earlier console session is not in this session's log, but Slack has it."""
        if channel_id not in self.workspace.channels or not ts:
            return None
        found = self.workspace.find(channel_id, ts)
        if found is None:
            return Message(channel_id, ts, "", user_id=None).to_slack(self.workspace.team_id)
        return None if found.deleted else copy.deepcopy(found.to_slack(self.workspace.team_id))

    def replace(self, channel_id: str, message: JsonDict) -> JsonDict:
        shown = self.workspace.find(channel_id, message["ts"]) or self.workspace.add_message(
            Message(channel_id, message["ts"], "", user_id=None)
        )
        shown.text = message.get("text", "")
        shown.blocks = with_block_ids(message.get("blocks") or [])
        shown.metadata = message.get("metadata")
        self.notices.append(Notice("updated", shown))
        return shown.to_slack(self.workspace.team_id)

    def delete(self, channel_id: str, ts: str) -> None:
        shown = self.workspace.find(channel_id, ts)
        if shown is not None:
            shown.deleted = True
            self.notices.append(Notice("deleted", shown))

    def messages_in(self, channel_id: str) -> list[JsonDict]:
        return [
            m.to_slack(self.workspace.team_id)
            for m in self.workspace.messages
            if m.channel_id == channel_id and m.only_for is None and not m.deleted
        ]


class ConsoleSlack:
    """The stand-in Slack the console's bot talks to, and what it did that the terminal should show."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self._world = ConsoleWorld(workspace)
        self._standin = SlackStandIn(self._world, workspace.clock)

    @property
    def views(self) -> list[JsonDict]:
        """The open modal stack, the top last."""
        return self._standin.modals

    @views.setter
    def views(self, stack: list[JsonDict]) -> None:
        self._standin.modals = stack

    @property
    def homes(self) -> dict[str, JsonDict]:
        """Each person's Home tab as last published, for `/home` to show."""
        return self._standin.home_views

    def answer(self, method: str, args: JsonDict) -> JsonDict:
        """Slack's reply to one Web API call; a refusal is noted for the terminal, too."""
        answer = self._standin.answer(method, args)
        if answer.block_errors:
            detail = f"{method}: {'; '.join(answer.block_errors)}"
            self._world.notices.append(Notice("rejected", detail=detail))
        return answer.payload

    def upload(self, path: str, content: bytes) -> tuple[int, str]:
        """The file server's answer to a file's bytes POSTed to its upload URL."""
        return self._standin.receive_upload(path, content)

    def take_notices(self) -> list[Notice]:
        """What happened since the last look, oldest first."""
        notices, self._world.notices = self._world.notices, []
        return notices

    def close_views(self) -> None:
        """The person closed the modal (or Slack cleared the stack)."""
        self.views = []


def console_web_client(slack: ConsoleSlack) -> AsyncWebClient:
    """A Web API client (and, through Bolt, every per-request copy of it) that talks to `slack`."""
    return in_process_web_client(
        slack.answer, token=CONSOLE_TOKEN, base_url=CONSOLE_API_URL, upload=slack.upload
    )


def with_block_ids(blocks: list[JsonDict]) -> list[JsonDict]:
    """Slack gives every block an id when the app sets none; actions payloads carry it."""
    return [{**block, "block_id": block.get("block_id") or f"b{index}"} for index, block in enumerate(blocks)]


def _slack_user(member: Member) -> SlackUser:
    return SlackUser(
        user_id=member.user_id,
        name=member.handle,
        real_name=member.real_name,
        display_name=member.display_name,
        tz=member.tz,
        locale=member.locale,
        title=member.title,
    )


def _slack_conversation(channel: Channel) -> SlackConversation:
    return SlackConversation(channel.channel_id, channel.name, dm_of=channel.dm_of)
