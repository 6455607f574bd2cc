"""Ack first, work after, lose nothing: the Events API path through the inbox.

Slack wants an answer within 3 s and retries otherwise. The `before_authorize` middleware below sits
right after Bolt's signature check: it writes the delivery to the inbox (a unique `event_id` absorbs
retries) and acks at once. `InboxWorker` then hands each stored delivery to the event handlers
(`handlers.events`), and on start-up first takes whatever an earlier process acked but never
finished. Each event is one use-case transaction, with no Slack call before the record is written.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.clock import Clock
from storage.inbox import ClaimedEvent, InboxRepository, InboxWriter

log = logging.getLogger(__name__)

QUIET_GAP = 0.005  # seconds without a delivery that count as a gap in a burst
GIVE_WAY_AT_MOST = 0.5  # seconds; even in an endless burst the worker handles two events a second
# Events of different threads are handled side by side; one thread's events wait for each other.
CONCURRENCY = 4


def thread_key(body: dict[str, Any]) -> str | None:
    """`channel:thread_ts` of the message an event is about, so one thread's events keep their order."""
    event = body.get("event") or {}
    message = event.get("message") or event.get("previous_message") or event
    channel = event.get("channel") or message.get("channel")
    ts = message.get("thread_ts") or message.get("ts") or event.get("deleted_ts")
    return f"{channel}:{ts}"[:80] if channel and ts else None


class EventInbox:
    """The ack-path half: store the delivery, wake the worker, answer 200."""

    def __init__(self, writer: InboxWriter, clock: Clock):
        self._writer = writer
        self._clock = clock
        self.arrived = asyncio.Event()
        self.last_arrival = 0.0  # event-loop time of the latest delivery, for the worker to give way

    async def before_authorize(
        self, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Bolt middleware: take Events API deliveries into the inbox; pass everything else on."""
        body = req.body
        if body.get("type") != "event_callback" or not body.get("event_id"):
            await next()
            return resp
        self.last_arrival = asyncio.get_running_loop().time()
        raw = req.raw_body or json.dumps(body, ensure_ascii=False)
        if await self._writer.add(body["event_id"], raw, self._clock.now(), thread_key(body)):
            self.arrived.set()
        return BoltResponse(status=200, body="")

    async def give_way(self) -> None:
        """Acks come first: during a burst, wait for a short gap in deliveries, but not for long.

        The workers share the event loop with the HTTP server; handling one archive or sending one
        message costs far more than acking one event, so without this a burst queues behind them.
        """
        loop = asyncio.get_running_loop()
        give_up = loop.time() + GIVE_WAY_AT_MOST
        while (gap := self.last_arrival + QUIET_GAP - loop.time()) > 0 and loop.time() < give_up:
            await asyncio.sleep(gap)

    async def close(self) -> None:
        """Release the writer's connection."""
        await self._writer.close()


EventHandler = Callable[[dict[str, Any]], Awaitable[None]]


class InboxWorker:
    """The after-ack half: hand stored deliveries to the handlers, in order within each thread."""

    def __init__(self, handle: EventHandler, inbox: EventInbox, repository: InboxRepository, clock: Clock):
        self._handle = handle
        self._inbox = inbox
        self._repository = repository
        self._clock = clock
        self._stopping = asyncio.Event()

    async def run(self, poll_seconds: float = 1.0) -> None:
        """Handle events until `stop()`: at once when one arrives, and every poll for other replicas'."""
        await asyncio.gather(*(self._lane(poll_seconds) for _ in range(CONCURRENCY)))

    async def stop(self) -> None:
        """Stop taking events; the ones being handled finish, and `run` returns."""
        self._stopping.set()
        self._inbox.arrived.set()

    async def _lane(self, poll_seconds: float) -> None:
        while not self._stopping.is_set():
            self._inbox.arrived.clear()  # before draining, so an arrival during the drain is not missed
            try:
                await self.drain()
            except Exception:
                log.exception("inbox drain failed; retrying")
            await _wait_for(self._inbox.arrived, poll_seconds)

    async def drain(self) -> int:
        """Handle every claimable delivery; returns how many were handled."""
        handled = 0
        while not self._stopping.is_set() and (event := await self._repository.claim()) is not None:
            await self._inbox.give_way()
            await self._process(event)
            handled += 1
        return handled

    async def _process(self, event: ClaimedEvent) -> None:
        if self._stopping.is_set():
            await self._repository.release(event)
            return
        try:
            await self._handle(json.loads(event.body))
        except Exception as error:  # a handler bug must not stop the queue
            log.exception("inbox event %s failed", event.id)
            await self._repository.fail(event, repr(error), self._clock.now())
            return
        if not await self._repository.complete(event, self._clock.now()):
            log.warning("inbox event %s handled, but its lease had passed to another worker", event.id)


async def _wait_for(event: asyncio.Event, seconds: float) -> None:
    """Wait for `event` at most `seconds`; unlike `wait_for`, a cancellation always propagates."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait([waiter], timeout=seconds)
    finally:
        waiter.cancel()
