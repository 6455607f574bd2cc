"""People, channels and bot messages in the full shape Slack's Web API returns them.

The field sets follow real Slack replies (users.info, conversations.list), so the bot meets every field
Slack sends, not only the ones it happens to read today.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.slack_standin.world import SlackConversation, SlackIdentity, SlackUser

JsonDict = dict[str, Any]

_AVATAR = "https://a.slack-edge.com/df10d/img/avatars/ava_0011-{size}.png"


def user_object(identity: SlackIdentity, user: SlackUser, *, now: datetime, include_locale: bool) -> JsonDict:
    """A person as users.info, users.list and users.lookupByEmail describe them; `now` sets tz_offset."""
    offset = ZoneInfo(user.tz).utcoffset(now)
    shaped: JsonDict = {
        "id": user.user_id,
        "team_id": identity.team_id,
        "name": user.name,
        "deleted": user.deleted,
        "color": "e7392d",
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "profile": {
            "title": user.title,
            "phone": "",
            "skype": "",
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": user.display_name,
            "display_name_normalized": user.display_name,
            "fields": None,
            "status_text": user.status_text,
            "status_emoji": user.status_emoji,
            "status_expiration": 0,
            "avatar_hash": "g90886a5e779",
            "email": user.email,
            **{f"image_{size}": _AVATAR.format(size=size) for size in (24, 32, 48, 72, 192, 512)},
            "status_text_canonical": "",
            "team": identity.team_id,
        },
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": 1613627637,
        "is_email_confirmed": True,
    }
    if include_locale and user.locale:
        shaped["locale"] = user.locale
    return shaped


def channel_object(identity: SlackIdentity, conversation: SlackConversation) -> JsonDict:
    """A conversation as conversations.list and conversations.info describe it; the bot is in all of them."""
    is_dm = conversation.dm_of is not None
    legacy_private = conversation.channel_id.startswith("G")  # private channels made before 2021 are "groups"
    shaped: JsonDict = {
        "id": conversation.channel_id,
        "name": conversation.name,
        "is_channel": not (is_dm or legacy_private),
        "is_group": legacy_private and not is_dm,
        "is_im": is_dm,
        "created": 1449252889,
        "creator": identity.bot_user_id,
        "is_archived": False,
        "is_general": False,
        "unlinked": 0,
        "name_normalized": conversation.name,
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "pending_shared": [],
        "is_pending_ext_shared": False,
        "is_member": True,
        "is_private": conversation.is_private or is_dm,
        "is_mpim": False,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
        "previous_names": [],
        "num_members": 2 if is_dm else 4,
    }
    if is_dm:
        shaped["user"] = conversation.dm_of
    return shaped


def bot_message(identity: SlackIdentity, args: JsonDict, ts: str) -> JsonDict:
    """A message the bot posts with these chat.postMessage arguments, as Slack keeps it."""
    message: JsonDict = {
        "type": "message",
        "text": args.get("text", ""),
        "user": identity.bot_user_id,
        "bot_id": identity.bot_id,
        "app_id": identity.app_id,
        "team": identity.team_id,
        "ts": ts,
    }
    if "blocks" in args:
        message["blocks"] = args["blocks"]
    if args.get("metadata"):
        message["metadata"] = args["metadata"]
    if thread_ts := args.get("thread_ts"):
        message["thread_ts"] = thread_ts
    return message
