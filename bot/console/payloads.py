"""Slack-shaped request bodies for what a person does at the console: say, command, click, submit.

They are the payloads Slack delivers over Socket Mode, so the bot's listeners cannot tell the console
from Slack.
"""

from __future__ import annotations

import uuid
from typing import Any

from bot.console.workspace import APP_ID, Channel, Member, Message, Workspace

JsonDict = dict[str, Any]

SLASH_COMMAND = "/closeloop"


def _fresh_id(prefix: str) -> str:
    """Unique across sessions too: the inbox keeps event ids for a week to drop redeliveries."""
    return prefix + uuid.uuid4().hex[:16].upper()


def _team(workspace: Workspace) -> JsonDict:
    return {"id": workspace.team_id, "domain": workspace.team_name}


def _user(workspace: Workspace, member: Member) -> JsonDict:
    return {
        "id": member.user_id,
        "username": member.handle,
        "name": member.handle,
        "team_id": workspace.team_id,
    }


def message_event(workspace: Workspace, message: Message, channel: Channel) -> JsonDict:
    """The Events API envelope for a person's message."""
    event: JsonDict = {
        "type": "message",
        "channel": message.channel_id,
        "user": message.user_id,
        "text": message.text,
        "ts": message.ts,
        "team": workspace.team_id,
        "channel_type": "im" if channel.dm_of else "channel",
        "event_ts": message.ts,
    }
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
    return {
        "token": "console",
        "team_id": workspace.team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": _fresh_id("Ev"),
        "event_time": int(float(message.ts)),
        "authorizations": [{"team_id": workspace.team_id, "user_id": message.user_id, "is_bot": False}],
        "is_ext_shared_channel": False,
    }


def app_mention_event(workspace: Workspace, message: Message) -> JsonDict:
    """The second event Slack sends when a message mentions the bot."""
    envelope = message_event(workspace, message, workspace.channels[message.channel_id])
    event = {key: envelope["event"][key] for key in ("user", "text", "ts", "channel", "event_ts", "team")}
    if message.thread_ts:
        event["thread_ts"] = message.thread_ts
    return envelope | {"event": {"type": "app_mention", **event}}


def app_home_opened_event(workspace: Workspace, member: Member) -> JsonDict:
    """The Events API envelope Slack sends when a person opens the app's Home tab."""
    channel = workspace.dm_with(member.user_id)
    event = {"type": "app_home_opened", "user": member.user_id, "channel": channel.channel_id, "tab": "home"}
    return {
        "token": "console",
        "team_id": workspace.team_id,
        "api_app_id": APP_ID,
        "event": event | {"event_ts": workspace.next_ts()},
        "type": "event_callback",
        "event_id": _fresh_id("Ev"),
        "authorizations": [{"team_id": workspace.team_id, "user_id": member.user_id, "is_bot": False}],
    }


def slash_command(workspace: Workspace, member: Member, channel: Channel, text: str) -> JsonDict:
    """The payload of `/closeloop TEXT` typed in `channel`, mentions escaped as Slack escapes them."""
    return {
        "token": "console",
        "team_id": workspace.team_id,
        "team_domain": workspace.team_name,
        "channel_id": channel.channel_id,
        "channel_name": "directmessage" if channel.dm_of else channel.name,
        "user_id": member.user_id,
        "user_name": member.handle,
        "command": SLASH_COMMAND,
        "text": workspace.encode_mentions(text, named=True),
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "trigger_id": _fresh_id("T"),
    }


def block_actions(
    workspace: Workspace, member: Member, message: Message, block_id: str, action: JsonDict, action_ts: str
) -> JsonDict:
    """The payload of a click on `message` (`action` already carries what was chosen)."""
    channel = workspace.channels.get(message.channel_id)
    container: JsonDict = {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": message.channel_id,
        "is_ephemeral": message.only_for is not None,
    }
    if message.thread_ts:
        container["thread_ts"] = message.thread_ts
    return {
        "type": "block_actions",
        "team": _team(workspace),
        "user": _user(workspace, member),
        "api_app_id": APP_ID,
        "token": "console",
        "container": container,
        "trigger_id": _fresh_id("T"),
        "channel": {"id": message.channel_id, "name": channel.name if channel else message.channel_id},
        "message": message.to_slack(workspace.team_id),
        "state": {"values": {}},
        "actions": [{**action, "block_id": block_id, "action_ts": action_ts}],
        "is_enterprise_install": False,
    }


def view_submission(workspace: Workspace, member: Member, view: JsonDict, values: JsonDict) -> JsonDict:
    """The payload of a modal's submit button, with each field's state as Slack reports it."""
    return {
        "type": "view_submission",
        "team": _team(workspace),
        "user": _user(workspace, member),
        "api_app_id": APP_ID,
        "token": "console",
        "trigger_id": _fresh_id("T"),
        "view": {**view, "state": {"values": values}},
        "response_urls": [],
        "is_enterprise_install": False,
    }
