"""Stand in for Slack's Web API on 127.0.0.1 so tests can see exactly what the bot asked Slack to do.

The bot reaches this server through a real ``AsyncWebClient(base_url=...)``, so slack-sdk's HTTP
encoding, retry handlers and error raising run exactly as in production. Replies are shaped like
Slack's, Block Kit is checked the way Slack checks it (Slack rejects what slack-sdk happily builds),
and every call is recorded so a test can ask "was this called, and with what?".
"""

from __future__ import annotations

import asyncio
import base64
import copy
import itertools
import json
import secrets
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

TEAM_ID = "T0TEAM"
TEAM_NAME = "Example"
WORKSPACE_URL = "https://example.slack.com/"
BOT_USER_ID = "UBOT"
BOT_NAME = "closeloop"
BOT_ID = "BBOT"
APP_ID = "A0APP"

JsonDict = dict[str, Any]

_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
# slack-sdk form-encodes some methods; these arguments then arrive as JSON text.
_JSON_FORM_FIELDS = frozenset({"blocks", "view", "attachments", "metadata"})
_MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
_VIEW_METHODS = frozenset({"views.open", "views.update", "views.push"})
_MAX_MESSAGE_BLOCKS = 50
_REPLIES_DEFAULT_LIMIT = 1000

_ANY_TEXT = frozenset({"plain_text", "mrkdwn"})
_PLAIN_TEXT = frozenset({"plain_text"})
# Keys whose value Slack requires to be a text object, and which kinds it accepts there.
_TEXT_SLOTS: Mapping[str, frozenset[str]] = {
    "text": _ANY_TEXT,
    "title": _PLAIN_TEXT,
    "submit": _PLAIN_TEXT,
    "close": _PLAIN_TEXT,
    "label": _PLAIN_TEXT,
    "placeholder": _PLAIN_TEXT,
    "hint": _PLAIN_TEXT,
    "description": _PLAIN_TEXT,
}
_TEXT_LIST_SLOTS: Mapping[str, frozenset[str]] = {"fields": _ANY_TEXT}
# Objects whose own ``text`` is a bare string: text objects and rich-text leaves.
_STRING_TEXT_OWNERS = frozenset({"plain_text", "mrkdwn", "text", "link"})


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, kept so a test can assert on what was sent and how it was answered."""

    method: str
    args: JsonDict
    headers: dict[str, str]
    status: int = 200
    invalid_blocks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Reply:
    """An HTTP answer, either canned by a test or computed by a default handler."""

    payload: JsonDict
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _UserSettings:
    """The per-user facts the bot depends on: who someone is, where and in which language they live."""

    name: str
    real_name: str
    locale: str
    tz: str
    is_bot: bool
    status_text: str
    status_emoji: str

    @classmethod
    def for_user(
        cls,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        locale: str = "en-US",
        tz: str = "Asia/Shanghai",
        is_bot: bool = False,
        status_text: str = "",
        status_emoji: str = "",
    ) -> _UserSettings:
        """Fill the gaps with plausible values, so unknown users still look like real ones."""
        handle = name or user_id.lower()
        return cls(handle, real_name or handle, locale, tz, is_bot, status_text, status_emoji)


class _TsClock:
    """Hands out message timestamps that are unique and strictly increasing, as Slack's are."""

    def __init__(self) -> None:
        self._last_micros = 0

    def next(self) -> str:
        self._last_micros = max(time.time_ns() // 1000, self._last_micros + 1)
        seconds, micros = divmod(self._last_micros, 1_000_000)
        return f"{seconds}.{micros:06d}"


def message_block_errors(blocks: Any) -> list[str]:
    """Slack's complaints about a message's ``blocks``; empty when Slack would accept them."""
    if not _is_list_of_objects(blocks):
        return [_error("must be an array of objects", "/blocks")]
    errors = _block_list_errors(blocks, "/blocks")
    if len(blocks) > _MAX_MESSAGE_BLOCKS:
        errors.insert(0, _error(f"no more than {_MAX_MESSAGE_BLOCKS} items allowed", "/blocks"))
    return errors


def view_errors(view: Any) -> list[str]:
    """Slack's complaints about a modal or home ``view``; empty when Slack would accept it.

    slack-sdk's View validators cover the view itself (title/submit/close length, callback_id,
    1-100 blocks); the blocks inside get the same checks as message blocks.
    """
    if not isinstance(view, dict):
        return [_error("must be an object", "/view")]
    errors: list[str] = []
    try:
        View(**view).validate_json()
    except Exception as exc:  # slack-sdk reports bad input as several unrelated exception types
        errors.append(_model_error(exc, "/view"))
    if view.get("type") == "modal" and "title" not in view:
        errors.append(_error("missing required field: title", "/view"))
    errors += _text_slot_errors({key: value for key, value in view.items() if key != "blocks"}, "/view")
    blocks = view.get("blocks", [])
    if not _is_list_of_objects(blocks):
        return [*errors, _error("must be an array of objects", "/view/blocks")]
    return errors + _block_list_errors(blocks, "/view/blocks")


def _block_list_errors(blocks: list[JsonDict], pointer: str) -> list[str]:
    errors = list(_duplicate_errors(blocks, "block_id", pointer))
    for index, block in enumerate(blocks):
        errors += _block_errors(block, f"{pointer}/{index}")
    return errors


def _block_errors(raw: JsonDict, pointer: str) -> list[str]:
    """Build the block with slack-sdk, then add the rules Slack enforces that slack-sdk does not."""
    try:
        block = Block.parse(raw)
        # to_dict() runs validate_json() on the block and on every element nested in it.
        built = block.to_dict() if block is not None else None
    except Exception as exc:  # slack-sdk reports bad input as several unrelated exception types
        return [_model_error(exc, pointer)]
    if built is None:
        kind = f"unsupported type {raw['type']!r}" if "type" in raw else "missing required field: type"
        return [_error(kind, pointer)]
    errors = [*_dropped_objects(raw, built, pointer), *_text_slot_errors(raw, pointer)]
    elements = raw.get("elements")
    if _is_list_of_objects(elements):  # Slack wants action_ids unique within one block
        errors += _duplicate_errors(elements, "action_id", f"{pointer}/elements")
    return errors


def _model_error(exc: Exception, pointer: str) -> str:
    """Whatever makes slack-sdk refuse to build or validate a model is a payload Slack would refuse."""
    if isinstance(exc, SlackObjectFormationError):
        return _error(str(exc), pointer)
    return _error(f"cannot be parsed ({type(exc).__name__}: {exc})", pointer)


def _dropped_objects(raw: Any, built: Any, pointer: str) -> Iterator[str]:
    """Find typed objects slack-sdk silently skipped because it does not know their type."""
    if isinstance(raw, list):
        built_items = built if isinstance(built, list) else []
        for index, item in enumerate(raw):
            counterpart = built_items[index] if index < len(built_items) else None
            yield from _dropped_objects(item, counterpart, f"{pointer}/{index}")
    elif isinstance(raw, dict):
        if built is None and "type" in raw:
            yield _error(f"unsupported type {raw['type']!r}", pointer)
            return
        built_fields = built if isinstance(built, dict) else {}
        for key, value in raw.items():
            yield from _dropped_objects(value, built_fields.get(key), f"{pointer}/{key}")


def _text_slot_errors(node: Any, pointer: str) -> Iterator[str]:
    """Check text objects where slack-sdk would coerce a wrong or missing type instead of refusing it."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _text_slot_errors(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        child = f"{pointer}/{key}"
        if value is None:  # an optional field left empty, as in views Slack itself sends
            continue
        if key in _TEXT_SLOTS and not (key == "text" and node.get("type") in _STRING_TEXT_OWNERS):
            yield from _text_object_errors(value, _TEXT_SLOTS[key], child)
        elif key in _TEXT_LIST_SLOTS and isinstance(value, list):
            for index, item in enumerate(value):
                yield from _text_object_errors(item, _TEXT_LIST_SLOTS[key], f"{child}/{index}")
        yield from _text_slot_errors(value, child)


def _text_object_errors(value: Any, allowed: frozenset[str], pointer: str) -> Iterator[str]:
    if not isinstance(value, dict) or value.get("type") not in allowed:
        yield _error(f"must be a text object of type {' or '.join(sorted(allowed))}", pointer)


def _duplicate_errors(items: list[JsonDict], key: str, pointer: str) -> Iterator[str]:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        value = item.get(key)
        if value is None:
            continue
        if value in seen:
            yield _error(f"duplicate {key} {value!r}", f"{pointer}/{index}/{key}")
        seen.add(value)


def _is_list_of_objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _error(message: str, pointer: str) -> str:
    """Word an error the way Slack does, so failures read like the real thing."""
    return f"{message} [json-pointer:{pointer}]"


def _rejection(method: str, errors: list[str]) -> JsonDict:
    """Slack answers bad message blocks with invalid_blocks but a bad view with invalid_arguments."""
    metadata = {"messages": [f"[ERROR] {error}" for error in errors]}
    if method in _VIEW_METHODS:
        return {"ok": False, "error": "invalid_arguments", "response_metadata": metadata}
    return {"ok": False, "error": "invalid_blocks", "errors": errors, "response_metadata": metadata}


def _block_kit_errors(method: str, args: JsonDict) -> list[str]:
    if method in _MESSAGE_METHODS and "blocks" in args:
        return message_block_errors(args["blocks"])
    if method in _VIEW_METHODS:
        return view_errors(args.get("view"))
    return []


def _auth_error(headers: Mapping[str, str], args: JsonDict) -> str | None:
    """Slack says not_authed when no token came at all and invalid_auth when it is not a bot token."""
    scheme, _, bearer_token = headers.get("Authorization", "").partition(" ")
    token = bearer_token if scheme == "Bearer" else args.get("token")
    if not token:
        return "not_authed"
    return None if str(token).startswith("xoxb-") else "invalid_auth"


async def _read_args(request: web.Request) -> JsonDict:
    """Merge query string and body, whichever encoding slack-sdk picked for the method."""
    args: JsonDict = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    else:
        args.update(await request.post())
    return {key: _decode_form_json(key, value) for key, value in args.items()}


def _decode_form_json(key: str, value: Any) -> Any:
    if key not in _JSON_FORM_FIELDS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _load_fixture(name: str) -> JsonDict:
    """Real Slack payloads lend their full shape to replies, so the bot sees every field Slack sends."""
    return json.loads((_FIXTURES / name).read_text())


def _failure(error: str) -> JsonDict:
    return {"ok": False, "error": error}


def _ok(args: JsonDict) -> JsonDict:
    """Reply to methods without a dedicated handler, so an unexpected call never crashes a test."""
    return {"ok": True}


def _is_true(value: Any) -> bool:
    """Slack booleans arrive as true/"true"/"1" depending on how the client encoded them."""
    return str(value).lower() in {"1", "true"}


def _dm_channel_id(users: str) -> str:
    """Slack opens an IM (D…) for one user and a multi-person IM (G…) for several."""
    members = users.split(",")
    return f"D{members[0]}" if len(members) == 1 else f"G{''.join(members)}"


def _conversation_id(channel: str) -> str:
    """Posting to a user ID lands in the app's DM with that user, and Slack answers with the DM's ID."""
    return _dm_channel_id(channel) if channel.startswith(("U", "W")) else channel


def _bot_message(args: JsonDict, ts: str) -> JsonDict:
    message = {
        "type": "message",
        "text": args.get("text", ""),
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": APP_ID,
        "team": TEAM_ID,
        "ts": ts,
    }
    if "blocks" in args:
        message["blocks"] = args["blocks"]
    return message


def _user_object(user_id: str, settings: _UserSettings, *, include_locale: bool) -> JsonDict:
    user = _load_fixture("payload_team_join.json")["event"]["user"]
    del user["tz_label"]  # the fixture's label names its own zone and cannot be derived from tz
    user.update(
        id=user_id,
        team_id=TEAM_ID,
        name=settings.name,
        real_name=settings.real_name,
        tz=settings.tz,
        tz_offset=_utc_offset_seconds(settings.tz),
        is_bot=settings.is_bot,
    )
    user["profile"].update(
        real_name=settings.real_name,
        real_name_normalized=settings.real_name,
        display_name=settings.name,
        display_name_normalized=settings.name,
        status_text=settings.status_text,
        status_emoji=settings.status_emoji,
        email=f"{settings.name}@example.com",
        team=TEAM_ID,
    )
    if include_locale:
        user["locale"] = settings.locale
    return user


def _utc_offset_seconds(tz: str) -> int:
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    return int(offset.total_seconds()) if offset else 0


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


class SlackApiStub:
    """A real HTTP server answering like Slack's Web API and remembering every call it got."""

    def __init__(self) -> None:
        self.invalid_block_errors: list[str] = []
        self._calls: list[ApiCall] = []
        self._canned: defaultdict[str, deque[_Reply]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._users: dict[str, _UserSettings] = {}
        self._threads: dict[tuple[str, str], list[JsonDict]] = {}
        self._thread_of: dict[tuple[str, str], str] = {}
        self._reactions: set[tuple[str, str, str]] = set()
        self._clock = _TsClock()
        self._view_numbers = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._handlers: dict[str, Callable[[JsonDict], JsonDict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.delete": self._delete_message,
            "chat.getPermalink": self._permalink,
            "views.open": self._new_view,
            "views.push": self._new_view,
            "views.update": self._update_view,
            "users.info": self._users_info,
            "conversations.replies": self._replies,
            "conversations.info": self._conversation_info,
            "conversations.open": self._open_conversation,
            "reactions.add": self._add_reaction,
            "users.conversations": self._users_conversations,
            "conversations.members": self._conversation_members,
        }
        self.set_user(BOT_USER_ID, name=BOT_NAME, is_bot=True)

    # Lifecycle

    async def start(self) -> str:
        """Listen on a free local port and return the base URL to hand to AsyncWebClient."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}/api/"
        return self._base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("SlackApiStub.start() has not been awaited")
        return self._base_url

    # Test set-up

    def reply_with(
        self,
        method: str,
        payload: JsonDict,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` authenticated calls to ``method`` with this instead of the default."""
        self._canned[method].extend([_Reply(payload, status, dict(headers or {}))] * times)

    def delay(self, method: str, seconds: float) -> None:
        """Make every call to ``method`` take ``seconds`` to answer (a slow Slack, a stuck worker)."""
        self._delays[method] = seconds

    def set_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        locale: str = "en-US",
        tz: str = "Asia/Shanghai",
        is_bot: bool = False,
        status_text: str = "",
        status_emoji: str = "",
    ) -> None:
        """Describe a user as users.info will report them."""
        self._users[user_id] = _UserSettings.for_user(
            user_id,
            name=name,
            real_name=real_name,
            locale=locale,
            tz=tz,
            is_bot=is_bot,
            status_text=status_text,
            status_emoji=status_emoji,
        )

    def set_thread(self, channel: str, thread_ts: str, messages: list[JsonDict]) -> None:
        """Give conversations.replies a thread to return; the parent message comes first, as in Slack."""
        stored = [{"type": "message", "thread_ts": thread_ts, **copy.deepcopy(m)} for m in messages]
        self._threads[(channel, thread_ts)] = stored
        for message in stored:
            if message.get("ts", thread_ts) != thread_ts:
                self._thread_of[(channel, message["ts"])] = thread_ts

    # Assertions

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Recorded calls in arrival order, optionally only those to one method."""
        return [call for call in self._calls if method is None or call.method == method]

    def last(self, method: str) -> ApiCall:
        matching = self.calls(method)
        if not matching:
            raise AssertionError(f"{method} was never called; seen: {self._seen()}")
        return matching[-1]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Wait for work the bot does in the background (acks first, Slack calls later)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.calls(method)) < count:
            if loop.time() >= deadline:
                raise AssertionError(
                    f"expected {count} call(s) to {method} within {timeout}s; seen: {self._seen()}"
                )
            await asyncio.sleep(0.01)
        return self.calls(method)

    def clear(self) -> None:
        """Forget recorded calls and block errors; users, threads and canned replies stay."""
        self._calls.clear()
        self.invalid_block_errors.clear()

    def _seen(self) -> str:
        counts = Counter(call.method for call in self._calls)
        return ", ".join(f"{method} x{n}" for method, n in counts.items()) or "no calls"

    # HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        if method in self._delays:
            await asyncio.sleep(self._delays[method])
        reply, block_errors = self._answer(method, args, request.headers)
        self._calls.append(ApiCall(method, args, dict(request.headers), reply.status, block_errors))
        self.invalid_block_errors.extend(block_errors)
        return web.json_response(reply.payload, status=reply.status, headers=reply.headers)

    def _answer(self, method: str, args: JsonDict, headers: Mapping[str, str]) -> tuple[_Reply, list[str]]:
        """Check in Slack's order: authentication, then rate limits and canned replies, then Block Kit."""
        auth_error = _auth_error(headers, args)
        if auth_error:
            return _Reply(_failure(auth_error)), []
        if self._canned[method]:
            return self._canned[method].popleft(), []
        block_errors = _block_kit_errors(method, args)
        if block_errors:
            return _Reply(_rejection(method, block_errors)), block_errors
        return _Reply(self._handlers.get(method, _ok)(args)), []

    # Default replies, one per Web API method

    def _auth_test(self, args: JsonDict) -> JsonDict:
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, args: JsonDict) -> JsonDict:
        if not args.get("channel"):
            return _failure("channel_not_found")
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            return _failure("no_text")
        channel = _conversation_id(args["channel"])
        ts = self._clock.next()
        message = _bot_message(args, ts)
        if thread_ts := args.get("thread_ts"):
            message["thread_ts"] = thread_ts
            self._thread_of[(channel, ts)] = thread_ts
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _update_message(self, args: JsonDict) -> JsonDict:
        channel, ts = args.get("channel"), args.get("ts")
        if not channel or not ts:
            return _failure("message_not_found")
        text = args.get("text", "")
        return {"ok": True, "channel": channel, "ts": ts, "text": text, "message": _bot_message(args, ts)}

    def _post_ephemeral(self, args: JsonDict) -> JsonDict:
        if not args.get("channel"):
            return _failure("channel_not_found")
        return {"ok": True, "message_ts": self._clock.next()}

    def _delete_message(self, args: JsonDict) -> JsonDict:
        channel, ts = args.get("channel"), args.get("ts")
        if not channel or not ts:
            return _failure("message_not_found")
        return {"ok": True, "channel": channel, "ts": ts}

    def _permalink(self, args: JsonDict) -> JsonDict:
        channel, ts = args.get("channel"), args.get("message_ts")
        if not channel or not ts:
            return _failure("message_not_found")
        permalink = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
        if thread_ts := self._thread_of.get((channel, ts)):
            permalink += f"?thread_ts={thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _new_view(self, args: JsonDict) -> JsonDict:
        return self._view_reply(args, self._next_view_id())

    def _update_view(self, args: JsonDict) -> JsonDict:
        return self._view_reply(args, args.get("view_id") or self._next_view_id())

    def _next_view_id(self) -> str:
        return f"V{next(self._view_numbers):010d}"

    def _view_reply(self, args: JsonDict, view_id: str) -> JsonDict:
        view = {
            "callback_id": "",
            "private_metadata": "",
            "external_id": "",
            **args["view"],
            "id": view_id,
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        }
        return {"ok": True, "view": view}

    def _users_info(self, args: JsonDict) -> JsonDict:
        user_id = args.get("user")
        if not user_id:
            return _failure("user_not_found")
        settings = self._users.get(user_id) or _UserSettings.for_user(user_id)
        user = _user_object(user_id, settings, include_locale=_is_true(args.get("include_locale")))
        return {"ok": True, "user": user}

    def _replies(self, args: JsonDict) -> JsonDict:
        messages = self._threads.get((args.get("channel", ""), args.get("ts", "")))
        if messages is None:
            return _failure("thread_not_found")
        start = _decode_cursor(args.get("cursor"))
        if start is None:
            return _failure("invalid_cursor")
        limit = int(args.get("limit") or 0) or _REPLIES_DEFAULT_LIMIT
        end = min(start + limit, len(messages))
        has_more = end < len(messages)
        return {
            "ok": True,
            "messages": copy.deepcopy(messages[start:end]),
            "has_more": has_more,
            "response_metadata": {"next_cursor": _encode_cursor(end) if has_more else ""},
        }

    def _conversation_info(self, args: JsonDict) -> JsonDict:
        channel_id = args.get("channel")
        if not channel_id:
            return _failure("channel_not_found")
        channel = _load_fixture("method_conversations.list_first_page.json")["channels"][0]
        name = f"channel-{channel_id.lower()}"
        channel.update(id=channel_id, name=name, name_normalized=name, is_general=False, is_private=False)
        return {"ok": True, "channel": channel}

    def _open_conversation(self, args: JsonDict) -> JsonDict:
        users = args.get("users")
        if not users:
            return _failure("users_list_not_supplied")
        return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": _dm_channel_id(users)}}

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
