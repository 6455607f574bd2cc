"""The delivery worker: every outbox row reaches Slack once, whatever Slack and the replicas do.

It claims due rows under a lease, sends them concurrently (one at a time per channel, paced), and
completes a row only while it still holds the lease. A send starts only while the lease surely
outlasts it: renewed first unless it was taken so recently that it must. 429 waits for `Retry-After`; 5xx, timeouts and
lost connections back off; a row Slack still refuses after 24 h becomes a dead letter. `chat.postMessage`
has no idempotency key, so each post carries its outbox id in the message metadata, and a post whose
outcome is in doubt (the worker died, or the answer was lost) is looked up before it is sent again.
A file upload has no metadata: one in doubt is looked up by its file name, which its kind keeps unique.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.clock import Clock
from bot.pacing import Pacer
from bot.render.outgoing import MESSAGE_KINDS, Attachment, NotReady, RenderContext, Rendered
from storage import outbox
from storage.db import Database
from storage.outbox import ClaimedMessage

log = logging.getLogger(__name__)

METADATA_EVENT = "closeloop_outbox"
GIVE_UP_AFTER = timedelta(hours=24)
FINISH_SENDS_WITHIN = 3.0  # seconds a stopping worker waits for sends under way before handing them back
BACKOFF_MAX = timedelta(minutes=5)
NOT_READY_WAIT = 2.0  # seconds before asking again whether a message's thread is in Slack yet
UPLOAD_CALLS = 3  # a file upload is three Slack calls: an upload address, the bytes, the share
# Slack's answers that will not change by asking again: the message is buried at once.
PERMANENT_ERRORS = frozenset(
    {
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "user_not_found",
        "user_not_in_channel",
        "is_archived",
        "channel_not_found",
        "not_in_channel",
        "restricted_action",
        "invalid_metadata_format",
    }
)
_NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
_NO_SUCH_THREAD = frozenset({"thread_not_found", "message_not_found"})


class _LeaseLost(Exception):
    """Another worker holds the row now: this one sends nothing and writes nothing more."""


class _Transient(Exception):
    """Slack could not be asked or did not answer usefully; try again later."""

    def __init__(self, reason: str, *, retry_after: float | None = None, may_have_posted: bool = True):
        super().__init__(reason)
        self.retry_after = retry_after
        self.may_have_posted = may_have_posted


async def _no_wait() -> None:
    """Nothing to give way to (the console, `closeloop tick`)."""


class DeliveryWorker:
    """Sends the outbox, alone or beside other replicas' workers."""

    def __init__(
        self,
        db: Database,
        context: RenderContext,
        clock: Clock,
        pacer: Pacer,
        *,
        give_way: Callable[[], Awaitable[None]] | None = None,
        lease: timedelta = timedelta(seconds=60),
        concurrency: int = 16,
        poll_seconds: float = 1.0,
    ):
        self._db = db
        self._context = context
        self._client = context.client
        self._clock = clock
        self._pacer = pacer
        self._lease = lease
        self._concurrency = concurrency
        self._poll_seconds = poll_seconds
        self._give_way = give_way or _no_wait
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task[None]] = {}  # by channel
        # By outbox id: the event-loop time until which this worker surely holds the row's lease.
        self._held_until: dict[int, float] = {}
        db.on_outbox_commit(self._wake.set)

    # running

    async def run(self) -> None:
        """Deliver until `stop()`: at once when this process queues something, else every poll."""
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                await self._give_way()
                await self._claim_and_start()
            except Exception:
                log.exception("outbox claim failed; retrying")
            # A claim takes everything due that it has slots for, but a channel's second row waits
            # for its first: each send that ends (and each commit that queues a row) looks again.
            await self._sleep()
        await self._finish_in_flight()

    async def stop(self) -> None:
        """Stop claiming; the sends under way finish (they are short), and `run` returns."""
        self._stopping.set()
        self._wake.set()

    async def deliver_due(self, *, until_idle: float = 0.0, give_up_after: float = 60.0) -> int:
        """Send everything due now and wait for it; with `until_idle`, also what comes due within it.

        For `closeloop tick` and the console, which deliver and move on. Returns how many rows were
        claimed.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + give_up_after
        handled = 0
        quiet_since = loop.time()
        while loop.time() < deadline:
            started = await self._claim_and_start()
            handled += started
            if self._in_flight:
                await asyncio.wait(list(self._in_flight.values()), return_when=asyncio.FIRST_COMPLETED)
                quiet_since = loop.time()
                continue
            if started == 0 and loop.time() - quiet_since >= until_idle:
                break
            if started == 0:
                await asyncio.sleep(0.05)
        return handled

    async def _sleep(self) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait())]
        if self._in_flight:
            waiters += list(self._in_flight.values())
        await asyncio.wait(waiters, timeout=self._poll_seconds, return_when=asyncio.FIRST_COMPLETED)
        waiters[0].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiters[0]

    async def _finish_in_flight(self) -> None:
        if self._in_flight:
            await asyncio.wait(list(self._in_flight.values()), timeout=FINISH_SENDS_WITHIN)
        for task in list(self._in_flight.values()):
            task.cancel()

    async def _claim_and_start(self) -> int:
        free = self._concurrency - len(self._in_flight)
        if free <= 0 or self._stopping.is_set():
            return 0
        # The lease runs from the database's clock as read inside the claim, so from no earlier than now.
        claimed_at = asyncio.get_running_loop().time()
        # Claim no more than will be sent now: a claimed post counts as possibly sent until it is.
        async with self._db.sessions.begin() as session:
            claimed = await outbox.claim(
                session,
                self._clock.now(),
                limit=free,
                lease=self._lease,
                busy_channels=frozenset(self._in_flight),
            )
        for message in claimed:
            self._held_until[message.id] = claimed_at + self._lease.total_seconds()
            task = asyncio.create_task(self._deliver(message), name=f"closeloop-send-{message.id}")
            self._in_flight[message.channel] = task
            task.add_done_callback(lambda _t, sent=message: self._done(sent))
        return len(claimed)

    def _done(self, message: ClaimedMessage) -> None:
        self._in_flight.pop(message.channel, None)
        self._held_until.pop(message.id, None)

    # one message

    async def _deliver(self, message: ClaimedMessage) -> None:
        kind = MESSAGE_KINDS.get(message.kind)
        try:
            if kind is None:
                await self._write(outbox.bury, message, f"unknown message kind {message.kind!r}")
                return
            if self._stopping.is_set():
                await self._write(outbox.release, message, attempted=False)
                return
            rendered = await self._guard(kind.render(self._context, message))
            if rendered.thread_ts and rendered.thread_ts != message.thread_ts:
                message = dataclasses.replace(message, thread_ts=rendered.thread_ts)
            ts: str | None
            if kind.publishes:
                channel, ts = await self._publish(message, rendered)
            elif kind.uploads:
                channel, ts = await self._upload(message, rendered)
            elif kind.ephemeral:
                channel, ts = await self._post_ephemeral(message, rendered)
            elif message.message_ts is None:
                channel, ts = await self._post(message, rendered)
            else:
                channel, ts = await self._update(message, rendered)
            await self._complete(message, channel, ts, kind.remember)
            if kind.after_sent is not None:
                await self._follow_up(kind.after_sent, message)
        except _LeaseLost:
            log.warning("outbox %s: lease passed to another worker before sending; left to it", message.id)
        except _Transient as problem:
            await self._retry(message, problem)
        except NotReady as waiting:
            await self._retry(
                message, _Transient(str(waiting), retry_after=NOT_READY_WAIT, may_have_posted=False)
            )
        except SlackApiError as error:
            await self._refused(message, error, kind.dm_fallback if kind else None)
        except asyncio.CancelledError:
            # Stopping: hand the row back at once; if a post was under way, it stays in doubt.
            await asyncio.shield(self._write(outbox.release, message, attempted=True))
            raise
        except Exception as error:  # a rendering bug must not stop the queue; the row waits and says why
            log.exception("outbox %s (%s) failed", message.id, message.key)
            await self._retry(message, _Transient(repr(error), may_have_posted=False))

    async def _post(self, message: ClaimedMessage, rendered: Rendered) -> tuple[str, str]:
        if message.in_doubt and (found := await self._find_posted(message, _carries(message.id))) is not None:
            log.info("outbox %s was already posted at %s; not posting again", message.id, found[1])
            # What was posted may be an older version: show the current one over it.
            return await self._update(message, rendered, at=found)
        await self._pacer.wait("chat.postMessage", message.channel)
        await self._still_held(message)
        reply = await self._guard(
            self._client.chat_postMessage(
                channel=message.channel,
                thread_ts=message.thread_ts,
                text=rendered.text,
                blocks=rendered.blocks,
                metadata={"event_type": METADATA_EVENT, "event_payload": {"outbox_id": message.id}},
            ),
            posting=True,
        )
        return reply["channel"], reply["ts"]

    async def _update(
        self, message: ClaimedMessage, rendered: Rendered, at: tuple[str, str] | None = None
    ) -> tuple[str, str]:
        channel, ts = at or (message.message_channel or message.channel, message.message_ts or "")
        await self._pacer.wait("chat.update", channel)
        await self._guard(
            self._client.chat_update(channel=channel, ts=ts, text=rendered.text, blocks=rendered.blocks)
        )
        return channel, ts

    async def _post_ephemeral(self, message: ClaimedMessage, rendered: Rendered) -> tuple[str, str]:
        await self._pacer.wait("chat.postEphemeral", message.channel)
        await self._still_held(message)
        reply = await self._guard(
            self._client.chat_postEphemeral(
                channel=message.channel,
                user=message.payload["reader"],
                thread_ts=message.thread_ts,
                text=rendered.text,
                blocks=rendered.blocks,
            )
        )
        return message.channel, reply.get("message_ts", "")

    async def _publish(self, message: ClaimedMessage, rendered: Rendered) -> tuple[str, None]:
        """A person's App Home, whole: publishing a version twice shows the same view, so no look-up."""
        await self._pacer.wait("views.publish")
        await self._still_held(message)
        view = {"type": "home", "blocks": rendered.blocks or []}
        await self._guard(self._client.views_publish(user_id=message.channel, view=view))
        return message.channel, None

    async def _upload(self, message: ClaimedMessage, rendered: Rendered) -> tuple[str, str | None]:
        """Share the rendered file in the thread (or channel), with the text as its comment."""
        if message.message_channel is not None:  # shared already: a file is never sent twice
            return message.message_channel, message.message_ts
        upload = _file_of(message, rendered)
        if message.in_doubt:
            found = await self._find_posted(message, _shares_file("name", upload.filename))
            if found is not None:
                log.info("outbox %s: %s was already shared at %s", message.id, upload.filename, found[1])
                return found
        await self._pacer.wait("files.completeUploadExternal", message.channel)
        await self._pacer.wait("files.getUploadURLExternal")
        await self._still_held(message, calls=UPLOAD_CALLS)
        reply = await self._guard(
            self._client.files_upload_v2(
                channel=message.channel,
                thread_ts=message.thread_ts,
                filename=upload.filename,
                title=upload.title,
                content=upload.content,
                initial_comment=rendered.text or None,
            ),
            posting=True,
        )
        return _share_of(reply) or await self._share_found(message, reply)

    async def _share_found(self, message: ClaimedMessage, reply: Any) -> tuple[str, str | None]:
        """Where a shared file landed when Slack's answer does not say yet (it shares in the background).

        Best effort: the file is out, so a failed look-up leaves the row without a ts, never sends again.
        """
        file_ids = [shared.get("id") for shared in reply.get("files") or []]
        try:
            found = await self._find_posted(message, _shares_file("id", file_ids[0])) if file_ids else None
        except (_Transient, SlackApiError) as error:
            log.warning("outbox %s: file shared, but where is unknown: %s", message.id, error)
            found = None
        return found or (message.channel, None)

    async def _still_held(self, message: ClaimedMessage, *, calls: int = 1) -> None:
        """Make sure the lease outlasts the send about to start (`calls` Slack calls, each given up after
        the client's timeout); a worker that lost its lease stops here, having sent nothing.

        Only the holder or the lease's end frees a row, so a lease taken or renewed so recently that
        it outlasts the send by one more timeout is still held: no transaction is needed. Otherwise it
        is renewed first (waiting for Slack's pace can take long).
        """
        loop = asyncio.get_running_loop()
        needed = (calls + 1) * float(self._client.timeout)
        if self._held_until.get(message.id, 0.0) - loop.time() > needed:
            return
        await self._give_way()
        renewing = loop.time()
        async with self._db.sessions.begin() as session:
            if await outbox.renew(session, message, self._lease):
                self._held_until[message.id] = renewing + self._lease.total_seconds()
                return
        raise _LeaseLost(message.id)

    async def _find_posted(
        self, message: ClaimedMessage, matches: Callable[[dict[str, Any]], bool]
    ) -> tuple[str, str] | None:
        """The message an earlier attempt may have posted: the first that `matches`, since it was queued."""
        channel = message.channel
        if channel.startswith(("U", "W")):
            opened = await self._guard(self._client.conversations_open(users=channel))
            channel = opened["channel"]["id"]
        # Only what was posted since the message was queued (with a minute's margin for clocks) can be it.
        oldest = f"{(message.pending_since - timedelta(minutes=1)).timestamp():.6f}"
        if message.thread_ts:
            await self._pacer.wait("conversations.replies")
            try:
                pages = await self._guard(
                    self._client.conversations_replies(
                        channel=channel,
                        ts=message.thread_ts,
                        oldest=oldest,
                        include_all_metadata=True,
                        limit=200,
                    )
                )
            except SlackApiError as error:
                if error.response.get("error") in _NO_SUCH_THREAD:
                    return None  # no thread, so nothing of ours in it
                raise
        else:
            await self._pacer.wait("conversations.history")
            pages = await self._guard(
                self._client.conversations_history(
                    channel=channel, oldest=oldest, include_all_metadata=True, limit=200
                )
            )
        for found in pages.get("messages", []):
            if matches(found):
                return channel, found["ts"]
        return None

    async def _guard(self, call: Any, *, posting: bool = False) -> Any:
        """Await one Slack call; turn what asking again may fix into `_Transient`."""
        try:
            reply = await call
        except SlackApiError as error:
            status = error.response.status_code
            if status == 429 or error.response.get("error") == "ratelimited":
                retry_after = float(error.response.headers.get("Retry-After", 1) or 1)
                method = _method_of(error)
                self._pacer.rate_limited(method, retry_after)
                raise _Transient("ratelimited", retry_after=retry_after, may_have_posted=False) from None
            if status >= 500 or error.response.get("error") in _TRANSIENT_ERRORS:
                held = self._pacer.failing()
                raise _Transient(
                    f"slack answered {status}", retry_after=held, may_have_posted=posting
                ) from None
            self._pacer.answered()
            raise
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as error:
            # No answer, or not one Slack would give (a gateway's HTML page): Slack may be down.
            held = self._pacer.failing()
            raise _Transient(
                f"slack unreachable: {error!r}", retry_after=held, may_have_posted=posting
            ) from None
        self._pacer.answered()
        return reply

    # outcomes

    async def _follow_up(self, step: Callable[..., Any], message: ClaimedMessage) -> None:
        """Best effort: the message is out whatever happens here."""
        try:
            await step(self._context, message)
        except Exception as error:
            log.warning("outbox %s: follow-up after sending failed: %r", message.id, error)

    async def _complete(
        self, message: ClaimedMessage, channel: str, ts: str | None, remember: Callable[..., Any] | None
    ) -> None:
        # The shown object first, the outbox row last: the order every use case locks them in.
        await self._give_way()
        async with self._db.sessions() as session, session.begin():
            if remember is not None and ts:
                await remember(session, message, channel, ts)
            if not await outbox.complete(session, message, channel, ts, self._clock.now()):
                await session.rollback()
                log.warning("outbox %s sent, but its lease had passed to another worker", message.id)

    async def _retry(self, message: ClaimedMessage, problem: _Transient) -> None:
        now = self._clock.now()
        if now - message.pending_since >= GIVE_UP_AFTER:
            log.error("outbox %s (%s) given up after 24 h: %s", message.id, message.key, problem)
            await self._write(outbox.bury, message, str(problem))
            return
        backoff = min(BACKOFF_MAX, timedelta(seconds=2 ** min(message.attempts, 12)))
        if problem.retry_after is not None:
            backoff = timedelta(seconds=problem.retry_after)
        in_doubt = message.in_doubt or (message.message_ts is None and problem.may_have_posted)
        log.warning("outbox %s (%s) will be retried in %s: %s", message.id, message.key, backoff, problem)
        await self._write(outbox.retry_later, message, now + backoff, str(problem), in_doubt=in_doubt)

    async def _refused(self, message: ClaimedMessage, error: SlackApiError, dm_fallback: str | None) -> None:
        code = str(error.response.get("error"))
        if code in _NOT_A_MEMBER and dm_fallback and not message.channel.startswith(("U", "W")):
            # The bot may only post where it was invited: the person gets it directly instead.
            await self._write(outbox.redirect, message, message.payload[dm_fallback], self._clock.now())
            return
        if code in PERMANENT_ERRORS:
            log.error("outbox %s (%s) refused by Slack: %s", message.id, message.key, code)
            await self._write(outbox.bury, message, code)
            return
        await self._retry(message, _Transient(code, may_have_posted=False))

    async def _write(self, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        await self._give_way()
        async with self._db.sessions.begin() as session:
            await operation(session, *args, **kwargs)


_TRANSIENT_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})


def _carries(outbox_id: int) -> Callable[[dict[str, Any]], bool]:
    """Whether a message is the one posted for this outbox row: its id is in the message metadata."""

    def matches(found: dict[str, Any]) -> bool:
        metadata = found.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        return metadata.get("event_type") == METADATA_EVENT and payload.get("outbox_id") == outbox_id

    return matches


def _shares_file(field: str, value: object) -> Callable[[dict[str, Any]], bool]:
    """Whether a message shares a file whose `field` (its `name`, its `id`) is `value`."""

    def matches(found: dict[str, Any]) -> bool:
        return any(shared.get(field) == value for shared in found.get("files") or [])

    return matches


def _file_of(message: ClaimedMessage, rendered: Rendered) -> Attachment:
    if rendered.file is None:
        raise ValueError(f"message kind {message.kind!r} uploads a file, but its rendering has none")
    return rendered.file


def _share_of(reply: Any) -> tuple[str, str] | None:
    """The message sharing the file, when Slack's answer already lists it: Slack shares files in the
    background, so `files[0].shares.public|private[channel][0].ts` may be there or not yet."""
    for shared in reply.get("files") or []:
        for scope in ("public", "private"):
            for channel, places in ((shared.get("shares") or {}).get(scope) or {}).items():
                if places and places[0].get("ts"):
                    return channel, places[0]["ts"]
    return None


def _method_of(error: SlackApiError) -> str:
    """The Web API method a failed call was for, from its URL."""
    url = str(getattr(error.response, "api_url", ""))
    return url.rstrip("/").rsplit("/", 1)[-1]
