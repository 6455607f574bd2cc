"""Stand in for Slack's Web API on 127.0.0.1 so tests can see exactly what the bot asked Slack to do.

The bot reaches this server through a real ``AsyncWebClient(base_url=...)``, so slack-sdk's HTTP
encoding, retry handlers and error raising run exactly as in production. The methods themselves are
the shared stand-in's (``bot.slack_standin``), the same the console answers in-process: replies are
shaped like Slack's and Block Kit is checked the way Slack checks it. This wrapper adds what only
tests need: every call is recorded so a test can ask "was this called, and with what?", the
workspace is whatever the test set up, and a test can make Slack misbehave (rate limits, outages,
lost answers) to see the bot survive it.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, Unpack

from aiohttp import web

from bot.slack_standin.files import UPLOAD_PATH, StandInFile
from bot.slack_standin.in_process import decode_arguments
from bot.slack_standin.web_api import SlackStandIn
from bot.slack_standin.world import SlackConversation, SlackIdentity
from tests.support.slack_faults import FaultPlan, Refusal, refusal
from tests.support.slack_workspace import StubWorkspace, UserProfile, plausible_user

TEAM_ID = "T0TEAM"
TEAM_NAME = "Example"
WORKSPACE_URL = "https://example.slack.com/"
BOT_USER_ID = "UBOT"
BOT_NAME = "closeloop"
BOT_ID = "BBOT"
APP_ID = "A0APP"

JsonDict = dict[str, Any]

UPLOAD_CALL = "(file upload)"
"""How ``calls()`` names a POST of a file's bytes to its upload URL."""

IDENTITY = SlackIdentity(TEAM_ID, TEAM_NAME, WORKSPACE_URL, BOT_USER_ID, BOT_ID, APP_ID, BOT_NAME)


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
    """An HTTP answer, either canned by a test or given by the shared stand-in."""

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
    return decode_arguments(args)


def _failure(error: str) -> JsonDict:
    return {"ok": False, "error": error}


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
        self._workspace = StubWorkspace(IDENTITY)
        self._standin = SlackStandIn(self._workspace)
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self.set_user(BOT_USER_ID, name=BOT_NAME, is_bot=True)

    # Lifecycle

    async def start(self) -> str:
        """Listen on a free local port and return the base URL to hand to AsyncWebClient."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post(UPLOAD_PATH + "{file_id}", self._handle_upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}/api/"
        self._standin.files_url = f"http://{host}:{port}"  # upload URLs come back to this server
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

    def set_user(self, user_id: str, **profile: Unpack[UserProfile]) -> None:
        """Describe a user as users.info, users.list and users.lookupByEmail ({name}@example.com) report them.

        Unnamed users are called by their lowercased id, speak en-US and live in Asia/Shanghai.
        """
        self._workspace.users_by_id[user_id] = plausible_user(user_id, **profile)

    def set_channel(self, channel_id: str, name: str, is_private: bool = False) -> None:
        """Register a channel for conversations.list (in registration order) and conversations.info."""
        self._workspace.channels_by_id[channel_id] = SlackConversation(channel_id, name, is_private)

    def set_thread(self, channel: str, thread_ts: str, messages: list[JsonDict]) -> None:
        """Give conversations.replies a thread to return; the parent message comes first, as in Slack.

        The parent also shows in conversations.history, and the bot's own replies in the thread are
        merged in. Setting a thread again replaces what the test gave before, not what the bot posted.
        """
        stored = [
            {"type": "message", "thread_ts": thread_ts, "ts": thread_ts, **copy.deepcopy(m)} for m in messages
        ]
        self._workspace.store.replace_thread(channel, thread_ts, stored)

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

    def share_files_in_background(self) -> None:
        """Answer files.completeUploadExternal before the share is listed, as Slack often does: the
        file is in the conversation, the answer's ``shares`` are empty."""
        self._standin.shares_in_answer = False

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
            {**copy.deepcopy(message), "channel": where}
            for where, message in self._workspace.store.posted(channel)
        ]

    def messages_with_metadata(self, event_type: str) -> list[JsonDict]:
        """The bot's messages whose metadata has this event_type, in post order (to count deliveries)."""
        return [m for m in self.messages() if m.get("metadata", {}).get("event_type") == event_type]

    def files(self, channel: str | None = None) -> list[StandInFile]:
        """The files the bot shared (in ``channel``), in upload order: ``name``, ``title``, ``content``
        (the bytes), ``channel``, ``thread_ts`` and ``ts`` (the message that shares it)."""
        return [kept for kept in self._standin.files.shared() if channel in (None, kept.channel)]

    def home_view(self, user: str) -> JsonDict:
        """The Home tab last published for ``user``, as views.publish answered it."""
        home_views = self._standin.home_views
        if user not in home_views:
            published = ", ".join(home_views) or "nobody"
            raise AssertionError(f"no Home tab was published for {user}; published for: {published}")
        return copy.deepcopy(home_views[user])

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

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """The bytes of a file, POSTed to the URL files.getUploadURLExternal gave (no token: the URL is it)."""
        content = await request.read()
        status, body = self._standin.receive_upload(request.path, content)
        self._calls.append(
            ApiCall(UPLOAD_CALL, {"path": request.path, "bytes": len(content)}, dict(request.headers), status)
        )
        return web.Response(status=status, text=body, content_type="text/plain")

    def _answer(self, method: str, args: JsonDict, headers: Mapping[str, str]) -> _Outcome:
        """Check in Slack's order: authentication, faults, canned replies; then the shared stand-in answers.

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
        answer = self._standin.answer(method, args)
        reply = _Reply(answer.payload)
        if self._faults.loses_answer(method):
            reply = _Reply.refused(refusal(503))
        return _Outcome(reply, answer.block_errors, took_effect=answer.took_effect)
