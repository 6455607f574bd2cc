"""Ack first, work after, lose nothing: the Events API path through the inbox.

Slack wants an answer within 3 s and retries otherwise. The `before_authorize` middleware below sits
right after Bolt's signature check: it writes the delivery to the inbox (a unique `event_id` absorbs
retries) and acks at once. `InboxWorker` then replays each stored delivery through the same Bolt app,
so listeners are ordinary Bolt listeners; on start-up it first drains whatever an earlier process
acked but never finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.clock import Clock
from storage.inbox import ClaimedEvent, InboxRepository, InboxWriter

log = logging.getLogger(__name__)

REPLAY = "closeloop_inbox_replay"
QUIET_GAP = 0.005  # seconds without a delivery that count as a gap in a burst
GIVE_WAY_AT_MOST = 0.5  # seconds; even in an endless burst the worker handles two events a second
# A claimed batch must finish inside its lease even when the worker gives way before every event.
CLAIM_BATCH = 10


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
        if req.context.get(REPLAY) or body.get("type") != "event_callback" or not body.get("event_id"):
            await next()
            return resp
        self.last_arrival = asyncio.get_running_loop().time()
        raw = req.raw_body or json.dumps(body, ensure_ascii=False)
        if await self._writer.add(body["event_id"], raw, self._clock.now()):
            self.arrived.set()
        return BoltResponse(status=200, body="")

    async def close(self) -> None:
        """Release the writer's connection."""
        await self._writer.close()


class InboxWorker:
    """The after-ack half: replay stored deliveries through the app, one at a time, in arrival order."""

    def __init__(self, app: AsyncApp, inbox: EventInbox, repository: InboxRepository, clock: Clock):
        self._app = app
        self._inbox = inbox
        self._repository = repository
        self._clock = clock

    async def run(self, poll_seconds: float = 2.0) -> None:
        """Drain now, then whenever a delivery arrives (or every `poll_seconds`, for other replicas' leftovers)."""
        while True:
            self._inbox.arrived.clear()  # before draining, so an arrival during the drain is not missed
            try:
                await self.drain()
            except Exception:
                log.exception("inbox drain failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._inbox.arrived.wait(), poll_seconds)

    async def drain(self) -> int:
        """Process every claimable delivery; returns how many were handled."""
        handled = 0
        while batch := await self._repository.claim(self._clock.now(), limit=CLAIM_BATCH):
            for event in batch:
                await self._give_way_to_acks()
                await self._process(event)
                handled += 1
        return handled

    async def _give_way_to_acks(self) -> None:
        """Acks come first: during a burst, wait for a short gap in deliveries, but not for long.

        The worker shares the event loop with the HTTP server; processing one archive costs far more
        than acking one event, so without this a burst of deliveries queues behind the worker.
        """
        loop = asyncio.get_running_loop()
        give_up = loop.time() + GIVE_WAY_AT_MOST
        while (gap := self._inbox.last_arrival + QUIET_GAP - loop.time()) > 0 and loop.time() < give_up:
            await asyncio.sleep(gap)

    async def _process(self, event: ClaimedEvent) -> None:
        request = AsyncBoltRequest(body=json.loads(event.body), mode="socket_mode", context={REPLAY: True})
        try:
            response = await self._app.async_dispatch(request)
        except Exception as error:  # a listener bug must not stop the queue
            log.exception("inbox event %s failed", event.id)
            await self._repository.fail(event, repr(error), self._clock.now())
            return
        # 5xx: a listener raised; 401: authorization (auth.test) failed. Both deserve another try.
        if response.status >= 500 or response.status == 401:
            await self._repository.fail(event, f"dispatch answered {response.status}", self._clock.now())
        else:
            await self._repository.complete(event.id, self._clock.now())
