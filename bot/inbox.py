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

# Seconds without a delivery that count as a gap in a burst. Acks are committed in groups
# (`storage.inbox`), so a burst's deliveries come in waves a few tens of milliseconds apart: a shorter
# gap let worker writes in between the waves, and acks waited for their lock.
QUIET_GAP = 0.03
# Seconds a worker's write waits for such a gap at most; writes that waited that long go one at a time,
# so even an endless burst lets one write through every half second and acks are never stalled by many.
GIVE_WAY_AT_MOST = 0.5
# Events of different threads are handled side by side (each mostly waits on Slack); one thread's
# events wait for each other. Acks do not suffer from more: every worker write gives way to them.
CONCURRENCY = 16


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
        self.last_arrival = -QUIET_GAP  # event-loop time of the latest delivery, for workers to give way
        self._turn = asyncio.Lock()

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
        """Acks come first: before a worker writes, wait for a short gap in deliveries, but not for long.

        The workers share the event loop and (on SQLite) the database's one write lock with the ack
        path: a write that starts during a burst holds both while acks queue behind it. Each worker
        write calls this first; outside a burst it returns at once.
        """
        loop = asyncio.get_running_loop()
        if self.last_arrival + QUIET_GAP <= loop.time():
            return
        async with self._turn:  # in a long burst, writes that waited their longest go one at a time
            give_up = loop.time() + GIVE_WAY_AT_MOST
            while (gap := self.last_arrival + QUIET_GAP - loop.time()) > 0 and loop.time() < give_up:
                await asyncio.sleep(gap)

    async def close(self) -> None:
        """Release the writer's connection."""
        await self._writer.close()


EventHandler = Callable[[dict[str, Any]], Awaitable[None]]


class InboxWorker:
    """The after-ack half: hand stored deliveries to the handlers, in order within each thread.

    One claimer takes as many events as there are free lanes in one transaction (and gives way to
    acks before it), and each event is handled in a task of its own, up to `concurrency` at once.
    """

    def __init__(
        self,
        handle: EventHandler,
        inbox: EventInbox,
        repository: InboxRepository,
        clock: Clock,
        *,
        concurrency: int = CONCURRENCY,
    ):
        self._handle = handle
        self._inbox = inbox
        self._repository = repository
        self._clock = clock
        self._concurrency = concurrency
        self._stopping = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._lane_free = asyncio.Event()

    async def run(self, poll_seconds: float = 1.0) -> None:
        """Handle events until `stop()`: at once when one arrives, and every poll for other replicas'."""
        try:
            while not self._stopping.is_set():
                # Cleared before claiming, so an arrival during the claim is not missed.
                self._inbox.arrived.clear()
                self._lane_free.clear()
                started = 0
                try:
                    started = await self._claim_and_start()
                except Exception:
                    log.exception("inbox claim failed; retrying")
                if len(self._in_flight) >= self._concurrency:
                    await _wait_for(self._lane_free, poll_seconds)
                elif not started:
                    await _wait_for(self._inbox.arrived, poll_seconds)
                # Otherwise a lane is still free and more may be claimable: look again at once.
        finally:
            await self._finish_in_flight()

    async def _finish_in_flight(self) -> None:
        """Let the events under way finish; cancelled meanwhile (stopping took too long), cancel them too."""
        try:
            if self._in_flight:
                await asyncio.wait(self._in_flight)
        except asyncio.CancelledError:
            for task in self._in_flight:
                task.cancel()
            raise

    async def stop(self) -> None:
        """Stop taking events; the ones being handled finish, and `run` returns."""
        self._stopping.set()
        self._inbox.arrived.set()
        self._lane_free.set()

    async def drain(self) -> int:
        """Handle every claimable delivery, waiting for each; returns how many were handled."""
        handled = 0
        while not self._stopping.is_set():
            started = await self._claim_and_start()
            if not started and not self._in_flight:
                return handled
            handled += started
            if self._in_flight:
                await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
        return handled

    async def _claim_and_start(self) -> int:
        free = self._concurrency - len(self._in_flight)
        if free <= 0 or self._stopping.is_set():
            return 0
        await self._inbox.give_way()
        claimed = await self._repository.claim_many(free)
        for event in claimed:
            task = asyncio.create_task(self._process(event), name=f"closeloop-inbox-{event.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._lane_done)
        return len(claimed)

    def _lane_done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._lane_free.set()

    async def _process(self, event: ClaimedEvent) -> None:
        try:
            if self._stopping.is_set():
                await self._repository.release(event)
                return
            await self._inbox.give_way()
            try:
                await self._handle(json.loads(event.body))
            except Exception as error:  # a handler bug must not stop the queue
                log.exception("inbox event %s failed", event.id)
                await self._inbox.give_way()
                await self._repository.fail(event, repr(error), self._clock.now())
                return
            await self._inbox.give_way()
            if not await self._repository.complete(event, self._clock.now()):
                log.warning("inbox event %s handled, but its lease had passed to another worker", event.id)
        except Exception:  # the database, most likely: the lease runs out and the event is taken again
            log.exception("inbox event %s could not be finished; left to its lease", event.id)


async def _wait_for(event: asyncio.Event, seconds: float) -> None:
    """Wait for `event` at most `seconds`; unlike `wait_for`, a cancellation always propagates."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait([waiter], timeout=seconds)
    finally:
        waiter.cancel()
