"""The Web API methods closeloop calls, answered as Slack answers them, from a `SlackWorld`.

One method table serves the console (in-process) and the tests (behind a local HTTP server). Block Kit
is checked the way Slack checks it before anything happens, because Slack refuses what slack-sdk
happily builds. Replies carry the fields Slack's do, errors use Slack's error codes, and lists page
with cursors, so the bot cannot lean on anything the real Slack would not give it.
"""

from __future__ import annotations

import base64
import copy
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.slack_standin.block_kit import home_view_errors, message_block_errors, view_errors
from bot.slack_standin.files import UPLOAD_PATH, FileShelf, StandInFile
from bot.slack_standin.shapes import bot_message, channel_object, user_object
from bot.slack_standin.threads import TsRange, as_read, channel_history, parse_ts, thread_of
from bot.slack_standin.world import SlackConversation, SlackUser, SlackWorld

JsonDict = dict[str, Any]

_MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
_VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})
_REPLIES_DEFAULT_LIMIT = 1000
_LIST_DEFAULT_LIMIT = 100  # conversations.history, conversations.list and users.list


@dataclass(frozen=True)
class StandInAnswer:
    """Slack's reply to one call, and the Block Kit errors that made Slack refuse it (if any)."""

    payload: JsonDict
    block_errors: list[str] = field(default_factory=list)

    @property
    def took_effect(self) -> bool:
        """Slack did what was asked; a refused call changed nothing."""
        return self.payload.get("ok") is True


class SlackStandIn:
    """Answers Web API methods from a world, keeping what Slack keeps beside it: modals, Home tabs, reactions.

    `modals` is the open modal stack, the top last (Slack keeps one per person; a stand-in serves one
    person at a time, so one stack is enough). `files_url` is where upload URLs point: the transport
    serving the stand-in routes a POST to `files_url` + `/upload/v1/…` to `receive_upload`.
    `shares_in_answer` False answers files.completeUploadExternal as Slack often does, before its
    background sharing is done: the file is in the conversation, but the answer's `shares` are empty.
    """

    def __init__(
        self, world: SlackWorld, clock: Clock | None = None, *, files_url: str = "https://files.slack.com"
    ) -> None:
        self.world = world
        self.modals: list[JsonDict] = []
        self.home_views: dict[str, JsonDict] = {}
        self.files = FileShelf()
        self.files_url = files_url
        self.shares_in_answer = True
        self._clock = clock or Clock()
        self._reactions: set[tuple[str, str, str]] = set()
        self._view_numbers = itertools.count(1)
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
            "views.publish": self._publish_view,
            "users.info": self._users_info,
            "users.lookupByEmail": self._lookup_by_email,
            "users.list": self._users_list,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
            "conversations.info": self._conversation_info,
            "conversations.list": self._conversations_list,
            "conversations.open": self._open_conversation,
            "reactions.add": self._add_reaction,
            "users.conversations": self._users_conversations,
            "conversations.members": self._conversation_members,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }

    def answer(self, method: str, args: JsonDict) -> StandInAnswer:
        """Slack's reply to one call whose arguments are decoded; methods not modelled simply succeed."""
        if errors := _block_kit_errors(method, args):
            return StandInAnswer(_rejection(method, errors), errors)
        return StandInAnswer(self._methods.get(method, _ok)(args))

    def receive_upload(self, path: str, content: bytes) -> tuple[int, str]:
        """The HTTP status and text/plain body Slack's file server answers a POST of the bytes with."""
        if not self.files.receive(path, content):
            return 404, "Not Found"
        return 200, f"OK - {len(content)}"

    # chat

    def _auth_test(self, args: JsonDict) -> JsonDict:
        identity = self.world.identity
        return {
            "ok": True,
            "url": identity.url,
            "team": identity.team_name,
            "user": identity.bot_name,
            "team_id": identity.team_id,
            "user_id": identity.bot_user_id,
            "bot_id": identity.bot_id,
            "app_id": identity.app_id,
            "is_enterprise_install": False,
        }

    def _post_message(self, args: JsonDict) -> JsonDict:
        channel = self.world.landing(str(args.get("channel") or ""))
        if channel is None:
            return _failure("channel_not_found")
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            return _failure("no_text")
        if metadata_error := _metadata_error(args):
            return _failure(metadata_error)
        message = bot_message(self.world.identity, args, self.world.next_ts())
        kept = self.world.post(channel, message, only_for=None)
        return {"ok": True, "channel": channel, "ts": kept["ts"], "message": copy.deepcopy(kept)}

    def _update_message(self, args: JsonDict) -> JsonDict:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        message = self.world.message(channel, ts)
        if message is None:
            return _failure("message_not_found")
        if not self._is_bot_message(message):
            return _failure("cant_update_message")
        if metadata_error := _metadata_error(args):
            return _failure(metadata_error)
        # Slack keeps what the update leaves out; an empty blocks list removes the blocks.
        if "text" in args:
            message["text"] = args["text"]
        if args.get("blocks"):
            message["blocks"] = args["blocks"]
        elif "blocks" in args:
            message.pop("blocks", None)
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        kept = self.world.replace(channel, message)
        text = kept.get("text", "")
        return {"ok": True, "channel": channel, "ts": ts, "text": text, "message": copy.deepcopy(kept)}

    def _post_ephemeral(self, args: JsonDict) -> JsonDict:
        channel = self.world.landing(str(args.get("channel") or ""))
        if channel is None:
            return _failure("channel_not_found")
        user = str(args.get("user") or "")
        if self.world.user(user) is None:
            return _failure("user_not_found")
        message = bot_message(self.world.identity, args, self.world.next_ts())
        kept = self.world.post(channel, message, only_for=user)
        return {"ok": True, "message_ts": kept["ts"]}

    def _delete_message(self, args: JsonDict) -> JsonDict:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        message = self.world.message(channel, ts)
        if message is None:
            return _failure("message_not_found")
        if not self._is_bot_message(message):
            return _failure("cant_delete_message")
        self.world.delete(channel, ts)
        return {"ok": True, "channel": channel, "ts": ts}

    def _permalink(self, args: JsonDict) -> JsonDict:
        """Any message the bot names has a permalink; a reply's points into its thread."""
        channel, ts = str(args.get("channel") or ""), str(args.get("message_ts") or "")
        if not channel or not ts:
            return _failure("message_not_found")
        permalink = f"{self.world.identity.url}archives/{channel}/p{ts.replace('.', '')}"
        message = self.world.message(channel, ts) or {}
        if (thread_ts := message.get("thread_ts", ts)) != ts:
            permalink += f"?thread_ts={thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _is_bot_message(self, message: JsonDict) -> bool:
        """Slack lets an app edit or delete only its own messages."""
        identity = self.world.identity
        return message.get("user") == identity.bot_user_id or message.get("bot_id") == identity.bot_id

    # files

    def _upload_url(self, args: JsonDict) -> JsonDict:
        """Reserve a file id and the URL its bytes go to."""
        name, length = str(args.get("filename") or ""), str(args.get("length") or "")
        if not name or not length.isdigit() or int(length) == 0:
            return _failure("invalid_arguments")
        reserved = self.files.reserve(name, int(length))
        upload_url = f"{self.files_url.rstrip('/')}{UPLOAD_PATH}{reserved.file_id}"
        return {"ok": True, "upload_url": upload_url, "file_id": reserved.file_id}

    def _complete_upload(self, args: JsonDict) -> JsonDict:
        """Share uploaded files in one new bot message (the initial comment its text), or keep them private.

        Each file is completed once; an id never handed out, or whose bytes never came, is not found.
        """
        listed = args.get("files")
        if not isinstance(listed, list) or not listed or not all(isinstance(f, dict) for f in listed):
            return _failure("invalid_arguments")
        ready = [kept for f in listed if (kept := self.files.ready(str(f.get("id") or ""))) is not None]
        if len(ready) != len(listed):
            return _failure("file_not_found")
        channel: str | None = None
        if args.get("channel_id"):
            channel = self.world.landing(str(args["channel_id"]))
            if channel is None:
                return _failure("channel_not_found")
        thread_ts = str(args.get("thread_ts") or "") or None
        ts = self.world.next_ts() if channel else None
        done = [
            self.files.complete(kept.file_id, str(f.get("title") or kept.name), channel, thread_ts, ts)
            for f, kept in zip(listed, ready, strict=True)
        ]
        if channel and ts:
            share = bot_message(
                self.world.identity, {"text": args.get("initial_comment") or "", "thread_ts": thread_ts}, ts
            )
            share |= {"files": [kept.in_message() for kept in done], "upload": True}
            self.world.post(channel, share, only_for=None)
        return {"ok": True, "files": [self._file_object(kept) for kept in done]}

    def _file_object(self, kept: StandInFile) -> JsonDict:
        """A completed file as Slack describes it, with where it was shared (`shares`) when it was."""
        identity = self.world.identity
        shaped: JsonDict = {
            **kept.in_message(),
            "user": identity.bot_user_id,
            "url_private": f"{self.files_url.rstrip('/')}/files-pri/{identity.team_id}-{kept.file_id}/{kept.name}",
            "channels": [],
            "groups": [],
            "ims": [],
            "shares": {},
        }
        if kept.channel and kept.ts and self.shares_in_answer:
            conversation = self.world.conversation(kept.channel)
            private = conversation is not None and (conversation.is_private or conversation.dm_of is not None)
            share: JsonDict = {"ts": kept.ts, "reply_count": 0}
            if kept.thread_ts:
                share["thread_ts"] = kept.thread_ts
            shaped["shares"] = {"private" if private else "public": {kept.channel: [share]}}
            shaped["groups" if private else "channels"] = [kept.channel]
        return shaped

    # views

    def _open_view(self, args: JsonDict) -> JsonDict:
        view = self._view_object(args, self._next_view_id())
        self.modals = [view]
        return {"ok": True, "view": copy.deepcopy(view)}

    def _push_view(self, args: JsonDict) -> JsonDict:
        view = self._view_object(args, self._next_view_id())
        self.modals = [*self.modals, view]
        return {"ok": True, "view": copy.deepcopy(view)}

    def _update_view(self, args: JsonDict) -> JsonDict:
        """Replace an open modal in place (the top one when no view_id is given), keeping its id."""
        target = args.get("view_id") or (self.modals[-1]["id"] if self.modals else None)
        if target not in {open_view["id"] for open_view in self.modals}:
            return _failure("not_found")
        view = self._view_object(args, str(target))
        self.modals = [view if open_view["id"] == target else open_view for open_view in self.modals]
        return {"ok": True, "view": copy.deepcopy(view)}

    def _publish_view(self, args: JsonDict) -> JsonDict:
        """A user's Home tab keeps its view id; a stale `hash` means someone published in between."""
        user_id = args.get("user_id")
        if not user_id:
            return _failure("invalid_arguments")
        current = self.home_views.get(user_id)
        if current and args.get("hash") and args["hash"] != current["hash"]:
            return _failure("hash_conflict")
        view = self._view_object(args, current["id"] if current else self._next_view_id())
        self.home_views[user_id] = view
        return {"ok": True, "view": copy.deepcopy(view)}

    def _next_view_id(self) -> str:
        return f"V{next(self._view_numbers):010d}"

    def _view_object(self, args: JsonDict, view_id: str) -> JsonDict:
        """The view as Slack returns it: defaults filled in, ids and a fresh hash added."""
        identity = self.world.identity
        return {
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            **args["view"],
            "id": view_id,
            "team_id": identity.team_id,
            "app_id": identity.app_id,
            "bot_id": identity.bot_id,
            "state": {"values": {}},
            "hash": f"{int(self._clock.now().timestamp())}.{secrets.token_hex(4)}",
        }

    # people

    def _user(self, user: SlackUser, args: JsonDict) -> JsonDict:
        now = self._clock.now()
        return user_object(
            self.world.identity, user, now=now, include_locale=_is_true(args.get("include_locale"))
        )

    def _users_info(self, args: JsonDict) -> JsonDict:
        user = self.world.user(str(args.get("user") or ""))
        if user is None:
            return _failure("user_not_found")
        return {"ok": True, "user": self._user(user, args)}

    def _lookup_by_email(self, args: JsonDict) -> JsonDict:
        email = str(args.get("email", "")).casefold()
        for user in self.world.users():
            if user.email.casefold() == email:
                return {"ok": True, "user": self._user(user, {})}
        return _failure("users_not_found")

    def _users_list(self, args: JsonDict) -> JsonDict:
        """Everyone in the world, paged with cursors as Slack pages members."""
        page = _page([self._user(user, args) for user in self.world.users()], args, _LIST_DEFAULT_LIMIT)
        if page is None:
            return _failure("invalid_cursor")
        shown, next_cursor = page
        return {
            "ok": True,
            "members": shown,
            "cache_ts": int(self._clock.now().timestamp()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    # conversations

    def _history(self, args: JsonDict) -> JsonDict:
        channel = str(args.get("channel") or "")
        if not channel:
            return _failure("channel_not_found")
        window = _ts_range(args)
        if isinstance(window, str):
            return _failure(window)
        messages = [m for m in channel_history(self.world.messages_in(channel)) if window.holds(m["ts"])]
        read = _messages_page(messages, args, _LIST_DEFAULT_LIMIT)
        if read.get("ok"):
            read.update(pin_count=0, channel_actions_ts=None, channel_actions_count=0)
        return read

    def _replies(self, args: JsonDict) -> JsonDict:
        channel = str(args.get("channel") or "")
        messages = thread_of(self.world.messages_in(channel), str(args.get("ts") or ""))
        if not messages:
            return _failure("thread_not_found")
        return _messages_page(messages, args, _REPLIES_DEFAULT_LIMIT)

    def _conversation_info(self, args: JsonDict) -> JsonDict:
        conversation = self.world.conversation(str(args.get("channel") or ""))
        if conversation is None:
            return _failure("channel_not_found")
        return {"ok": True, "channel": channel_object(self.world.identity, conversation)}

    def _conversations_list(self, args: JsonDict) -> JsonDict:
        """Slack lists public channels unless `types` asks for more; none here is archived."""
        types = set(str(args.get("types") or "public_channel").split(","))
        channels = [
            channel_object(self.world.identity, conversation)
            for conversation in self.world.conversations()
            if _conversation_type(conversation) in types
        ]
        page = _page(channels, args, _LIST_DEFAULT_LIMIT)
        if page is None:
            return _failure("invalid_cursor")
        shown, next_cursor = page
        return {"ok": True, "channels": shown, "response_metadata": {"next_cursor": next_cursor}}

    def _open_conversation(self, args: JsonDict) -> JsonDict:
        users = str(args.get("users") or "")
        if not users:
            return _failure("users_list_not_supplied")
        channel = self.world.open_dm(users)
        if channel is None:
            return _failure("user_not_found")
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": channel}}

    def _add_reaction(self, args: JsonDict) -> JsonDict:
        reaction = (args.get("channel", ""), args.get("timestamp", ""), args.get("name", ""))
        if not all(reaction):
            return _failure("no_item_specified")
        if reaction in self._reactions:
            return _failure("already_reacted")
        self._reactions.add(reaction)
        return {"ok": True}

    def _users_conversations(self, args: JsonDict) -> JsonDict:
        return {"ok": True, "channels": [], "response_metadata": {"next_cursor": ""}}

    def _conversation_members(self, args: JsonDict) -> JsonDict:
        return {"ok": True, "members": [], "response_metadata": {"next_cursor": ""}}


def _block_kit_errors(method: str, args: JsonDict) -> list[str]:
    if method in _MESSAGE_METHODS and "blocks" in args:
        return message_block_errors(args["blocks"])
    if method == "views.publish":
        return home_view_errors(args.get("view"))
    if method in _VIEW_METHODS:
        return view_errors(args.get("view"))
    return []


def _rejection(method: str, errors: list[str]) -> JsonDict:
    """Slack answers bad message blocks with invalid_blocks but a bad view with invalid_arguments."""
    metadata = {"messages": [f"[ERROR] {error}" for error in errors]}
    if method in _VIEW_METHODS:
        return {"ok": False, "error": "invalid_arguments", "response_metadata": metadata}
    return {"ok": False, "error": "invalid_blocks", "errors": errors, "response_metadata": metadata}


def _failure(error: str) -> JsonDict:
    return {"ok": False, "error": error}


def _ok(args: JsonDict) -> JsonDict:
    """Reply to methods without a dedicated handler, so an unexpected call never breaks the caller."""
    return {"ok": True}


def _is_true(value: Any) -> bool:
    """Slack booleans arrive as true/"true"/"1" depending on how the client encoded them."""
    return str(value).lower() in {"1", "true"}


def _conversation_type(conversation: SlackConversation) -> str:
    """The conversations.list `types` value a conversation answers to."""
    if conversation.dm_of is not None:
        return "im"
    return "private_channel" if conversation.is_private else "public_channel"


def _is_message_metadata(value: Any) -> bool:
    """Slack wants metadata as {"event_type": str, "event_payload": object} and refuses anything else."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("event_type"), str)
        and isinstance(value.get("event_payload"), dict)
    )


def _metadata_error(args: JsonDict) -> str | None:
    if args.get("metadata") in (None, "") or _is_message_metadata(args["metadata"]):
        return None
    return "invalid_metadata_format"


def _ts_range(args: JsonDict) -> TsRange | str:
    """The window a history read asked for, or the error Slack gives for a malformed bound."""
    bounds: dict[str, Any] = {}
    for name in ("oldest", "latest"):
        if args.get(name) in (None, ""):
            continue
        bounds[name] = parse_ts(args[name])
        if bounds[name] is None:
            return f"invalid_ts_{name}"
    return TsRange(**bounds, inclusive=_is_true(args.get("inclusive")))


def _page(items: list[Any], args: JsonDict, default_limit: int) -> tuple[list[Any], str] | None:
    """One page of `items` and the cursor to the next ("" on the last); None for a foreign cursor."""
    start = _decode_cursor(args.get("cursor"))
    if start is None:
        return None
    end = min(start + (int(args.get("limit") or 0) or default_limit), len(items))
    return items[start:end], _encode_cursor(end) if end < len(items) else ""


def _messages_page(messages: list[JsonDict], args: JsonDict, default_limit: int) -> JsonDict:
    """One page of a history or thread read, metadata shown only when the reader asked for it."""
    page = _page(messages, args, default_limit)
    if page is None:
        return _failure("invalid_cursor")
    shown, next_cursor = page
    include_metadata = _is_true(args.get("include_all_metadata"))
    return {
        "ok": True,
        "messages": [as_read(m, include_metadata=include_metadata) for m in shown],
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str | None) -> int | None:
    """Turn a cursor back into a list offset; None means Slack would answer invalid_cursor."""
    if not cursor:
        return 0
    try:
        label, _, offset = base64.urlsafe_b64decode(cursor).decode().partition(":")
        return int(offset) if label == "offset" else None
    except ValueError:
        return None
