"""Stand in for Slack's Web API on 127.0.0.1 so tests can see exactly what the bot asked Slack to do.

The bot reaches this server through a real ``AsyncWebClient(base_url=...)``, so slack-sdk's HTTP
encoding, retry handlers and error raising run exactly as in production. Replies are shaped like
Slack's, Block Kit is checked the way Slack checks it (Slack rejects what slack-sdk happily builds),
and every call is recorded so a test can ask "was this called, and with what?". What the bot posts is
kept and can be read back through conversations.history/replies, and a test can make Slack
misbehave (rate limits, outages, lost answers) to see the bot survive it.
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from zoneinfo import ZoneInfo

from aiohttp import web

from tests.support.block_kit import home_view_errors, message_block_errors, view_errors
from tests.support.slack_faults import FaultPlan, Refusal, refusal
from tests.support.slack_messages import MessageStore, TsRange, as_read, parse_ts

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
_VIEW_METHODS = frozenset({"views.open", "views.update", "views.push", "views.publish"})
_REPLIES_DEFAULT_LIMIT = 1000
_LIST_DEFAULT_LIMIT = 100  # conversations.history, conversations.list and users.list


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, kept so a test can assert on what was sent and how it was answered."""

    method: str
    args: JsonDict
    headers: dict[str, str]
    status: int = 200
    invalid_blocks: list[str] = field(default_factory=list)
    took_effect: bool = False
    """Slack did what was asked (a lost answer still counts); refused and failed calls did nothing."""


@dataclass(frozen=True)
class _Reply:
    """An HTTP answer, either canned by a test or computed by a default handler."""

    payload: JsonDict
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def refused(cls, fault: Refusal) -> _Reply:
        return cls(fault.payload, fault.status, fault.headers)


@dataclass(frozen=True)
class _Outcome:
    """How one call ended: the answer sent, the Block Kit errors behind it, whether Slack acted."""

    reply: _Reply
    block_errors: list[str] = field(default_factory=list)
    took_effect: bool = False


@dataclass(frozen=True)
class _ChannelSettings:
    """A channel as conversations.list and conversations.info describe it."""

    name: str
    is_private: bool


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


def _rejection(method: str, errors: list[str]) -> JsonDict:
    """Slack answers bad message blocks with invalid_blocks but a bad view with invalid_arguments."""
    metadata = {"messages": [f"[ERROR] {error}" for error in errors]}
    if method in _VIEW_METHODS:  # views.publish too
        return {"ok": False, "error": "invalid_arguments", "response_metadata": metadata}
    return {"ok": False, "error": "invalid_blocks", "errors": errors, "response_metadata": metadata}


def _block_kit_errors(method: str, args: JsonDict) -> list[str]:
    if method in _MESSAGE_METHODS and "blocks" in args:
        return message_block_errors(args["blocks"])
    if method == "views.publish":
        return home_view_errors(args.get("view"))
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


def _is_bot_message(message: JsonDict) -> bool:
    """Slack lets an app edit or delete only its own messages."""
    return message.get("user") == BOT_USER_ID or message.get("bot_id") == BOT_ID


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
    if args.get("metadata"):
        message["metadata"] = args["metadata"]
    return message


def _channel_object(channel_id: str, settings: _ChannelSettings) -> JsonDict:
    channel = _load_fixture("method_conversations.list_first_page.json")["channels"][0]
    legacy_private = channel_id.startswith("G")  # private channels made before 2021 are "groups"
    channel.update(
        id=channel_id,
        name=settings.name,
        name_normalized=settings.name,
        is_channel=not legacy_private,
        is_group=legacy_private,
        is_general=False,
        is_private=settings.is_private,
    )
    return channel


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


def _page(items: list[Any], args: JsonDict, default_limit: int) -> tuple[list[Any], str] | None:
    """One page of ``items`` and the cursor to the next ("" on the last); None for a foreign cursor."""
    start = _decode_cursor(args.get("cursor"))
    if start is None:
        return None
    end = min(start + (int(args.get("limit") or 0) or default_limit), len(items))
    return items[start:end], _encode_cursor(end) if end < len(items) else ""


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
    """A real HTTP server answering like Slack's Web API and remembering every call it got.

    ``monotonic`` times the rate-limit windows; a test can pass its own clock to step through them.
    """

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.invalid_block_errors: list[str] = []
        self._calls: list[ApiCall] = []
        self._canned: defaultdict[str, deque[_Reply]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._faults = FaultPlan(monotonic)
        self._users: dict[str, _UserSettings] = {}
        self._channels: dict[str, _ChannelSettings] = {}
        self._messages = MessageStore()
        self._home_views: dict[str, JsonDict] = {}
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
        """Describe a user as users.info, users.list and users.lookupByEmail ({name}@example.com) report them."""
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

    def set_channel(self, channel_id: str, name: str, is_private: bool = False) -> None:
        """Register a channel for conversations.list (in registration order) and conversations.info."""
        self._channels[channel_id] = _ChannelSettings(name, is_private)

    def set_thread(self, channel: str, thread_ts: str, messages: list[JsonDict]) -> None:
        """Give conversations.replies a thread to return; the parent message comes first, as in Slack.

        The parent also shows in conversations.history, and the bot's own replies in the thread are
        merged in. Setting a thread again replaces what the test gave before, not what the bot posted.
        """
        stored = [
            {"type": "message", "thread_ts": thread_ts, "ts": thread_ts, **copy.deepcopy(m)} for m in messages
        ]
        self._messages.replace_thread(channel, thread_ts, stored)

    # Faults; each holds until clear_faults() (or up(), for an outage)

    def rate_limit(self, method: str | None, per_second: int) -> None:
        """Allow ``per_second`` calls to ``method`` (None: all methods together) per one-second window.

        A window opens with its first call; calls beyond the limit get HTTP 429 "ratelimited" with
        Retry-After in whole seconds until the window closes, and have no effect.
        """
        self._faults.rate_limit(method, per_second)

    def fail_every(
        self, n: int, status: int = 429, retry_after: int = 1, methods: set[str] | None = None
    ) -> None:
        """Fail every ``n``-th call (to ``methods``, or to any method) with ``status``, without effect.

        Counting starts now; a new rule replaces the old one. 429 carries Retry-After, 5xx an error body.
        """
        self._faults.fail_every(n, status, retry_after, methods)

    def down(self, status: int = 503) -> None:
        """Fail every call with ``status`` and no effect until up() (an outage)."""
        self._faults.down(status)

    def up(self) -> None:
        """End an outage started with down()."""
        self._faults.up()

    def lose_responses(self, method: str, times: int = 1) -> None:
        """Let the next ``times`` calls to ``method`` take effect but answer 503, as if the answer was lost.

        This is how a send whose outcome is in doubt is made: Slack posted it, the bot never heard so.
        """
        self._faults.lose_responses(method, times)

    def clear_faults(self) -> None:
        """Lift every rate limit, fail_every rule, outage and pending lost answer."""
        self._faults.clear()

    # Assertions

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Recorded calls in arrival order, optionally only those to one method."""
        return [call for call in self._calls if method is None or call.method == method]

    def performed(self, method: str | None = None) -> list[ApiCall]:
        """Recorded calls that Slack acted on (answered ok, or acted on with the answer lost)."""
        return [call for call in self.calls(method) if call.took_effect]

    def last(self, method: str) -> ApiCall:
        matching = self.calls(method)
        if not matching:
            raise AssertionError(f"{method} was never called; seen: {self._seen()}")
        return matching[-1]

    def messages(self, channel: str | None = None) -> list[JsonDict]:
        """What the bot posted and did not delete, as edited since, in post order.

        Each message is a copy in Slack's shape with its metadata, plus ``channel`` (a DM's D… id
        when the bot posted to a user).
        """
        return [
            {**copy.deepcopy(message), "channel": where} for where, message in self._messages.posted(channel)
        ]

    def messages_with_metadata(self, event_type: str) -> list[JsonDict]:
        """The bot's messages whose metadata has this event_type, in post order (to count deliveries)."""
        return [m for m in self.messages() if m.get("metadata", {}).get("event_type") == event_type]

    def home_view(self, user: str) -> JsonDict:
        """The Home tab last published for ``user``, as views.publish answered it."""
        if user not in self._home_views:
            published = ", ".join(self._home_views) or "nobody"
            raise AssertionError(f"no Home tab was published for {user}; published for: {published}")
        return copy.deepcopy(self._home_views[user])

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
        """Forget recorded calls and block errors; users, messages, faults and canned replies stay."""
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
        outcome = self._answer(method, args, request.headers)
        reply = outcome.reply
        self._calls.append(
            ApiCall(
                method, args, dict(request.headers), reply.status, outcome.block_errors, outcome.took_effect
            )
        )
        self.invalid_block_errors.extend(outcome.block_errors)
        return web.json_response(reply.payload, status=reply.status, headers=reply.headers)

    def _answer(self, method: str, args: JsonDict, headers: Mapping[str, str]) -> _Outcome:
        """Check in Slack's order: authentication, faults, canned replies, Block Kit; then act.

        A lost answer is decided last, because Slack has already acted when the answer goes missing.
        """
        auth_error = _auth_error(headers, args)
        if auth_error:
            return _Outcome(_Reply(_failure(auth_error)))
        if fault := self._faults.refusal_for(method):
            return _Outcome(_Reply.refused(fault))
        if self._canned[method]:
            canned = self._canned[method].popleft()
            return _Outcome(canned, took_effect=canned.status == 200 and canned.payload.get("ok") is True)
        block_errors = _block_kit_errors(method, args)
        payload = _rejection(method, block_errors) if block_errors else self._handlers.get(method, _ok)(args)
        reply = _Reply(payload)
        if self._faults.loses_answer(method):
            reply = _Reply.refused(refusal(503))
        return _Outcome(reply, block_errors, took_effect=payload.get("ok") is True)

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
        if metadata_error := _metadata_error(args):
            return _failure(metadata_error)
        channel = _conversation_id(args["channel"])
        ts = self._clock.next()
        message = _bot_message(args, ts)
        if thread_ts := args.get("thread_ts"):
            message["thread_ts"] = thread_ts
        self._messages.add(channel, message, posted_by_bot=True)
        return {"ok": True, "channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _update_message(self, args: JsonDict) -> JsonDict:
        channel, ts = args.get("channel", ""), args.get("ts", "")
        message = self._messages.find(channel, ts)
        if message is None:
            return _failure("message_not_found")
        if not _is_bot_message(message):
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
        text = message.get("text", "")
        return {"ok": True, "channel": channel, "ts": ts, "text": text, "message": copy.deepcopy(message)}

    def _post_ephemeral(self, args: JsonDict) -> JsonDict:
        if not args.get("channel"):
            return _failure("channel_not_found")
        return {"ok": True, "message_ts": self._clock.next()}

    def _delete_message(self, args: JsonDict) -> JsonDict:
        channel, ts = args.get("channel", ""), args.get("ts", "")
        message = self._messages.find(channel, ts)
        if message is None:
            return _failure("message_not_found")
        if not _is_bot_message(message):
            return _failure("cant_delete_message")
        self._messages.remove(channel, ts)
        return {"ok": True, "channel": channel, "ts": ts}

    def _permalink(self, args: JsonDict) -> JsonDict:
        channel, ts = args.get("channel"), args.get("message_ts")
        if not channel or not ts:
            return _failure("message_not_found")
        permalink = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
        message = self._messages.find(channel, ts) or {}
        if (thread_ts := message.get("thread_ts", ts)) != ts:
            permalink += f"?thread_ts={thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _new_view(self, args: JsonDict) -> JsonDict:
        return {"ok": True, "view": self._view_object(args, self._next_view_id())}

    def _update_view(self, args: JsonDict) -> JsonDict:
        return {"ok": True, "view": self._view_object(args, args.get("view_id") or self._next_view_id())}

    def _publish_view(self, args: JsonDict) -> JsonDict:
        """A user's Home tab keeps its view id; a stale ``hash`` means someone published in between."""
        user_id = args.get("user_id")
        if not user_id:
            return _failure("invalid_arguments")
        current = self._home_views.get(user_id)
        if current and args.get("hash") and args["hash"] != current["hash"]:
            return _failure("hash_conflict")
        view = self._view_object(args, current["id"] if current else self._next_view_id())
        self._home_views[user_id] = view
        return {"ok": True, "view": copy.deepcopy(view)}

    def _next_view_id(self) -> str:
        return f"V{next(self._view_numbers):010d}"

    def _view_object(self, args: JsonDict, view_id: str) -> JsonDict:
        return {
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

    def _users_info(self, args: JsonDict) -> JsonDict:
        user_id = args.get("user")
        if not user_id:
            return _failure("user_not_found")
        settings = self._users.get(user_id) or _UserSettings.for_user(user_id)
        user = _user_object(user_id, settings, include_locale=_is_true(args.get("include_locale")))
        return {"ok": True, "user": user}

    def _lookup_by_email(self, args: JsonDict) -> JsonDict:
        email = str(args.get("email", "")).lower()
        for user_id, settings in self._users.items():
            if f"{settings.name}@example.com".lower() == email:
                return {"ok": True, "user": _user_object(user_id, settings, include_locale=False)}
        return _failure("users_not_found")

    def _users_list(self, args: JsonDict) -> JsonDict:
        """Every user set up, in registration order, paged with cursors as Slack pages members."""
        members = [
            _user_object(user_id, settings, include_locale=_is_true(args.get("include_locale")))
            for user_id, settings in self._users.items()
        ]
        page = _page(members, args, _LIST_DEFAULT_LIMIT)
        if page is None:
            return _failure("invalid_cursor")
        shown, next_cursor = page
        return {
            "ok": True,
            "members": shown,
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _history(self, args: JsonDict) -> JsonDict:
        channel = args.get("channel")
        if not channel:
            return _failure("channel_not_found")
        window = _ts_range(args)
        if isinstance(window, str):
            return _failure(window)
        messages = [m for m in self._messages.top_level(channel) if window.holds(m["ts"])]
        page = _page(messages, args, _LIST_DEFAULT_LIMIT)
        if page is None:
            return _failure("invalid_cursor")
        shown, next_cursor = page
        include_metadata = _is_true(args.get("include_all_metadata"))
        return {
            "ok": True,
            "messages": [as_read(m, include_metadata=include_metadata) for m in shown],
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _replies(self, args: JsonDict) -> JsonDict:
        messages = self._messages.thread(args.get("channel", ""), args.get("ts", ""))
        if not messages:
            return _failure("thread_not_found")
        page = _page(messages, args, _REPLIES_DEFAULT_LIMIT)
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

    def _conversation_info(self, args: JsonDict) -> JsonDict:
        channel_id = args.get("channel")
        if not channel_id:
            return _failure("channel_not_found")
        settings = self._channels.get(channel_id) or _ChannelSettings(f"channel-{channel_id.lower()}", False)
        return {"ok": True, "channel": _channel_object(channel_id, settings)}

    def _conversations_list(self, args: JsonDict) -> JsonDict:
        """Slack lists public channels unless ``types`` asks for more; none here is archived."""
        types = set(str(args.get("types") or "public_channel").split(","))
        channels = [
            _channel_object(channel_id, settings)
            for channel_id, settings in self._channels.items()
            if ("private_channel" if settings.is_private else "public_channel") in types
        ]
        page = _page(channels, args, _LIST_DEFAULT_LIMIT)
        if page is None:
            return _failure("invalid_cursor")
        shown, next_cursor = page
        return {"ok": True, "channels": shown, "response_metadata": {"next_cursor": next_cursor}}

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
