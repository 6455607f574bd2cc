"""The console's Web API: the bot's Slack calls answered in-process, shaped as Slack answers them.

Bolt builds a fresh `AsyncWebClient` for every request from the injected client's settings (base URL,
session, headers, retry handlers), so overriding a client method would reach only the app's own
client, never the one handed to listeners. What every copy does share is the HTTP session: the console
supplies one that never touches the network and hands each request to `ConsoleSlack`. slack-sdk
therefore encodes the request and raises `SlackApiError` on `ok: false` exactly as it does with Slack.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, cast
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.console.workspace import APP_ID, BOT_ID, BOT_NAME, BOT_USER_ID, Member, Message, Workspace

JsonDict = dict[str, Any]

CONSOLE_API_URL = "https://console.closeloop.invalid/api/"
CONSOLE_TOKEN = "xoxb-console"
WORKSPACE_URL = "https://console.closeloop.invalid/"
_MAX_MESSAGE_BLOCKS = 50
# slack-sdk form-encodes a few methods; these arguments then arrive as JSON text
_JSON_ARGUMENTS = frozenset({"blocks", "view", "attachments", "metadata"})


@dataclass(frozen=True)
class Notice:
    """Something the bot just did that the person at the terminal should see."""

    kind: Literal["posted", "updated", "deleted", "rejected"]
    message: Message | None = None
    detail: str = ""


def block_errors(blocks: Any) -> list[str]:
    """Why Slack would refuse these message blocks; empty when it would take them."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    errors = [f"more than {_MAX_MESSAGE_BLOCKS} blocks"] if len(blocks) > _MAX_MESSAGE_BLOCKS else []
    for index, raw in enumerate(blocks):
        try:
            block = Block.parse(raw)
            if block is None:
                errors.append(f"block {index}: unknown type {raw.get('type')!r}")
                continue
            block.validate_json()
            block.to_dict()  # runs validate_json on every element nested in the block, too
        except Exception as error:  # slack-sdk reports bad blocks as several unrelated exception types
            errors.append(f"block {index}: {error}")
    return errors


def view_errors(view: Any) -> list[str]:
    """Why Slack would refuse this modal; empty when it would take it."""
    if not isinstance(view, dict):
        return ["view must be an object"]
    try:
        View(**view).validate_json()
    except Exception as error:  # as above
        return [f"view: {error}"]
    return block_errors(view.get("blocks", []))


class ConsoleSlack:
    """Answers Web API methods from the console's workspace and notes what a person would see change."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.views: list[JsonDict] = []  # the open modal stack, the top last
        self.homes: dict[str, JsonDict] = {}  # each person's Home tab, as last published
        self._notices: list[Notice] = []
        self._view_ids = itertools.count(1)
        self._methods: dict[str, Callable[[JsonDict], JsonDict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.delete": self._delete_message,
            "chat.getPermalink": self._permalink,
            "views.open": self._open_view,
            "views.push": self._push_view,
            "views.update": self._update_view,
            "views.publish": self._publish_home,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._lookup_by_email,
            "conversations.list": self._conversations_list,
            "conversations.open": self._open_conversation,
            "conversations.replies": self._replies,
            "conversations.info": self._conversation_info,
        }

    def answer(self, method: str, args: JsonDict) -> JsonDict:
        """Slack's reply to one Web API call; methods the console does not model simply succeed."""
        return self._methods.get(method, lambda _args: {"ok": True})(args)

    def take_notices(self) -> list[Notice]:
        """What happened since the last look, oldest first."""
        notices, self._notices = self._notices, []
        return notices

    def close_views(self) -> None:
        """The person closed the modal (or Slack cleared the stack)."""
        self.views.clear()

    def _rejected(self, method: str, errors: list[str], error: str) -> JsonDict:
        self._notices.append(Notice("rejected", detail=f"{method}: {'; '.join(errors)}"))
        return {"ok": False, "error": error, "errors": errors}

    # chat

    def _auth_test(self, args: JsonDict) -> JsonDict:
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": self.workspace.team_name,
            "user": BOT_NAME,
            "team_id": self.workspace.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, args: JsonDict) -> JsonDict:
        channel = self.workspace.conversation_for(str(args.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if not (args.get("text") or args.get("blocks")):
            return {"ok": False, "error": "no_text"}
        if "blocks" in args and (errors := block_errors(args["blocks"])):
            return self._rejected("chat.postMessage", errors, "invalid_blocks")
        message = self._post_as_bot(channel.channel_id, args, only_for=None)
        return {
            "ok": True,
            "channel": channel.channel_id,
            "ts": message.ts,
            "message": message.to_slack(self.workspace.team_id),
        }

    def _update_message(self, args: JsonDict) -> JsonDict:
        channel_id, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        if not channel_id or not ts:
            return {"ok": False, "error": "message_not_found"}
        if "blocks" in args and (errors := block_errors(args["blocks"])):
            return self._rejected("chat.update", errors, "invalid_blocks")
        message = self.workspace.find(channel_id, ts)
        if message is None:
            # A card posted in an earlier console session: this session never saw it, Slack still has it.
            message = self.workspace.add_message(Message(channel_id, ts, "", user_id=None))
        message.text = args.get("text", message.text)
        if "blocks" in args:
            message.blocks = with_block_ids(args["blocks"] or [])
        self._notices.append(Notice("updated", message))
        return {
            "ok": True,
            "channel": channel_id,
            "ts": ts,
            "text": message.text,
            "message": message.to_slack(self.workspace.team_id),
        }

    def _post_ephemeral(self, args: JsonDict) -> JsonDict:
        channel = self.workspace.conversation_for(str(args.get("channel", "")))
        user = str(args.get("user", ""))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if user not in self.workspace.members:
            return {"ok": False, "error": "user_not_found"}
        if "blocks" in args and (errors := block_errors(args["blocks"])):
            return self._rejected("chat.postEphemeral", errors, "invalid_blocks")
        message = self._post_as_bot(channel.channel_id, args, only_for=user)
        return {"ok": True, "message_ts": message.ts}

    def _post_as_bot(self, channel_id: str, args: JsonDict, *, only_for: str | None) -> Message:
        """A message from the bot (visible to `only_for` alone when ephemeral), shown on screen."""
        message = self.workspace.add_message(
            Message(
                channel_id=channel_id,
                ts=self.workspace.next_ts(),
                text=args.get("text", ""),
                user_id=None,
                thread_ts=args.get("thread_ts"),
                blocks=with_block_ids(args.get("blocks") or []),
                only_for=only_for,
            )
        )
        self._notices.append(Notice("posted", message))
        return message

    def _delete_message(self, args: JsonDict) -> JsonDict:
        message = self.workspace.find(str(args.get("channel", "")), str(args.get("ts", "")))
        if message is None or message.deleted:
            return {"ok": False, "error": "message_not_found"}
        message.deleted = True
        self._notices.append(Notice("deleted", message))
        return {"ok": True, "channel": message.channel_id, "ts": message.ts}

    def _permalink(self, args: JsonDict) -> JsonDict:
        message = self.workspace.find(str(args.get("channel", "")), str(args.get("message_ts", "")))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        permalink = f"{WORKSPACE_URL}archives/{message.channel_id}/p{message.ts.replace('.', '')}"
        if message.is_reply:
            permalink += f"?thread_ts={message.thread_ts}&cid={message.channel_id}"
        return {"ok": True, "channel": message.channel_id, "permalink": permalink}

    # views

    def _open_view(self, args: JsonDict) -> JsonDict:
        return self._place_view(args, None, lambda view: [view])

    def _push_view(self, args: JsonDict) -> JsonDict:
        return self._place_view(args, None, lambda view: [*self.views, view])

    def _update_view(self, args: JsonDict) -> JsonDict:
        target = args.get("view_id") or (self.views[-1]["id"] if self.views else None)
        if target not in {v["id"] for v in self.views}:
            return {"ok": False, "error": "not_found"}
        return self._place_view(
            args, target, lambda view: [view if v["id"] == target else v for v in self.views]
        )

    def _place_view(
        self, args: JsonDict, view_id: str | None, stack_with: Callable[[JsonDict], list[JsonDict]]
    ) -> JsonDict:
        """Check the view as Slack would, complete it as Slack returns it, and put it on the stack."""
        raw = args.get("view")
        if errors := view_errors(raw):
            return self._rejected("views", errors, "invalid_arguments")
        view = {
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            **cast(JsonDict, raw),
            "id": view_id or f"V{next(self._view_ids):010d}",
            "team_id": self.workspace.team_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "state": {"values": {}},
            "hash": secrets.token_hex(8),
        }
        self.views = stack_with(view)
        return {"ok": True, "view": view}

    def _publish_home(self, args: JsonDict) -> JsonDict:
        """A person's Home tab, kept for `/home` to show."""
        raw = args.get("view")
        if errors := view_errors(raw):
            return self._rejected("views.publish", errors, "invalid_arguments")
        self.homes[str(args.get("user_id", ""))] = cast(JsonDict, raw)
        return {"ok": True, "view": raw}

    # people and conversations

    def _users_info(self, args: JsonDict) -> JsonDict:
        member = self.workspace.members.get(str(args.get("user", "")))
        if member is None:
            return {"ok": False, "error": "user_not_found"}
        user = self._user_object(member)
        if member.locale and str(args.get("include_locale", "")).lower() in {"1", "true"}:
            user["locale"] = member.locale
        return {"ok": True, "user": user}

    def _users_list(self, args: JsonDict) -> JsonDict:
        """Everyone in the workspace on one page (a console team is small)."""
        members = [self._user_object(member) for member in self.workspace.members.values()]
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}

    def _lookup_by_email(self, args: JsonDict) -> JsonDict:
        email = str(args.get("email", "")).casefold()
        for member in self.workspace.members.values():
            if console_email(member) == email:
                return {"ok": True, "user": self._user_object(member)}
        return {"ok": False, "error": "users_not_found"}

    def _conversations_list(self, args: JsonDict) -> JsonDict:
        """The workspace's channels (never DMs) on one page; the console archives nothing."""
        channels = [
            {
                "id": c.channel_id,
                "name": c.name,
                "is_channel": True,
                "is_private": False,
                "is_archived": False,
            }
            for c in self.workspace.channels.values()
            if c.dm_of is None
        ]
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}

    def _user_object(self, member: Member) -> JsonDict:
        return {
            "id": member.user_id,
            "team_id": self.workspace.team_id,
            "name": member.handle,
            "real_name": member.real_name,
            "tz": member.tz,
            "is_bot": False,
            "deleted": False,
            "profile": {
                "display_name": member.display_name,
                "real_name": member.real_name,
                "title": member.title,
                "team": self.workspace.team_id,
                "email": console_email(member),
            },
        }

    def _open_conversation(self, args: JsonDict) -> JsonDict:
        users = str(args.get("users", ""))
        if users not in self.workspace.members:
            return {"ok": False, "error": "user_not_found" if users else "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": self.workspace.dm_with(users).channel_id}}

    def _replies(self, args: JsonDict) -> JsonDict:
        thread = self.workspace.thread(str(args.get("channel", "")), str(args.get("ts", "")))
        if not thread:
            return {"ok": False, "error": "thread_not_found"}
        return {
            "ok": True,
            "messages": [m.to_slack(self.workspace.team_id) for m in thread],
            "has_more": False,
            "response_metadata": {"next_cursor": ""},
        }

    def _conversation_info(self, args: JsonDict) -> JsonDict:
        channel = self.workspace.channels.get(str(args.get("channel", "")))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        is_dm = channel.dm_of is not None
        return {
            "ok": True,
            "channel": {
                "id": channel.channel_id,
                "name": channel.name,
                "is_channel": not is_dm,
                "is_im": is_dm,
                "is_private": is_dm,
                "is_member": True,
                **({"user": channel.dm_of} if is_dm else {}),
            },
        }


def console_email(member: Member) -> str:
    """A console person's email, as the rules file may name them: `{handle}@example.com`."""
    return f"{member.handle}@example.com".casefold()


def with_block_ids(blocks: list[JsonDict]) -> list[JsonDict]:
    """Slack gives every block an id when the app sets none; actions payloads carry it."""
    return [{**block, "block_id": block.get("block_id") or f"b{index}"} for index, block in enumerate(blocks)]


class _InProcessResponse:
    """The part of aiohttp's response slack-sdk reads: status, content type, headers, JSON body."""

    status = 200
    content_type = "application/json"

    def __init__(self, payload: JsonDict):
        self._payload = payload
        self.headers: dict[str, str] = {"content-type": "application/json"}

    async def json(self) -> JsonDict:
        return self._payload

    async def __aenter__(self) -> _InProcessResponse:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class InProcessSession:
    """Stands where slack-sdk expects an aiohttp session; each request is answered by `ConsoleSlack`."""

    closed = False

    def __init__(self, slack: ConsoleSlack):
        self._slack = slack

    def request(self, method: str, url: str, **request: Any) -> _InProcessResponse:
        """Decode the call as Slack's servers would, and answer it."""
        api_method = urlsplit(url).path.rsplit("/", 1)[-1]
        args: JsonDict = {}
        for part in ("params", "data", "json"):
            if isinstance(request.get(part), dict):
                args.update(request[part])
        decoded = {
            key: json.loads(value) if key in _JSON_ARGUMENTS and isinstance(value, str) else value
            for key, value in args.items()
        }
        return _InProcessResponse(self._slack.answer(api_method, decoded))


def console_web_client(slack: ConsoleSlack) -> AsyncWebClient:
    """A Web API client (and, through Bolt, every per-request copy of it) that talks to `slack`."""
    return AsyncWebClient(
        token=CONSOLE_TOKEN,
        base_url=CONSOLE_API_URL,
        # slack-sdk only calls `request` and reads `closed`, which the in-process session provides
        session=cast(aiohttp.ClientSession, InProcessSession(slack)),
        retry_handlers=[],
    )
