"""Ack latency: closeloop's inbox path against a bare Bolt app, under the same signed load, in one process.

Run `python bench/ack_latency.py [--events 2000] [--concurrency 20] [--serial 300] [--rounds 3]` from
the repo root. Both servers (a bare `AsyncApp` with an empty message listener, and closeloop with its
SQLite inbox and worker) run on 127.0.0.1 beside the Web API stand-in. Every request is a signed,
unique `#archive` reply in a thread of its own. Each round runs a serial phase (concurrency 1: the ack
service time) and a concurrent phase (latency and requests/s over the phase's wall time) for both
targets, alternating which goes first; after each closeloop phase the worker drains before the next
phase starts, so its backlog never slows the baseline. Figures are medians over the rounds; "max" is the
slowest single request seen. The verdict compares closeloop with bare Bolt (ratios) and checks that
every ack came within 3 s and every event became exactly one record and one card. Exits 1 when either
of those last two fails; the ratio aims are noise-sensitive on a shared machine and only reported.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

# Run as a script from a checkout: make the project's packages (and tests.support) importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_bot
from bot.server import build_web_app
from storage.db import Database
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET, settings_for
from tests.support.signing import event_body, signed_headers
from tests.support.slack_api import TEAM_ID, SlackApiStub

CHANNEL = "CSALES"
USER = "UALICE"
WARMUP = 50
ACK_LIMIT_SECONDS = 3.0
DRAIN_TIMEOUT_SECONDS = 900.0
MAX_P50_RATIO = 1.5
MIN_THROUGHPUT_RATIO = 0.67


@dataclass
class Phase:
    """One batch of requests against one target: per-request latencies and the batch's wall time."""

    latencies: list[float]
    wall: float
    failures: int

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall


class Events:
    """Unique signed archive events, each the `#archive` reply in a thread the stand-in can return."""

    def __init__(self, slack: SlackApiStub, prefix: str):
        self._slack = slack
        self._prefix = prefix
        self._base = int(time.time()) - 86_400
        self.sent = 0

    def make(self, count: int) -> list[str]:
        bodies = []
        for _ in range(count):
            self.sent += 1
            root, ts = f"{self._base + self.sent}.000100", f"{self._base + self.sent}.000200"
            self._slack.set_thread(CHANNEL, root, [{"user": USER, "text": "Called ACME Corp", "ts": root}])
            event = {
                "type": "message",
                "channel": CHANNEL,
                "user": USER,
                "text": "they want the quote by Friday #archive next: send the quote by Friday",
                "ts": ts,
                "thread_ts": root,
                "team": TEAM_ID,
                "channel_type": "channel",
                "event_ts": ts,
            }
            bodies.append(event_body(event, event_id=f"Ev{self._prefix}{self.sent:08d}"))
        return bodies


@dataclass
class Target:
    """A server under test, the events sent to it, and how to wait for its after-ack work."""

    name: str
    url: str
    events: Events
    settle: Callable[[], Awaitable[float]]
    phases: dict[str, list[Phase]] = field(default_factory=lambda: {"serial": [], "concurrent": []})

    def median(self, kind: str, figure: Callable[[Phase], float]) -> float:
        return statistics.median(figure(phase) for phase in self.phases[kind])

    @property
    def slowest_ms(self) -> float:
        return 1000 * max(max(p.latencies) for runs in self.phases.values() for p in runs)

    @property
    def failures(self) -> int:
        return sum(p.failures for runs in self.phases.values() for p in runs)


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve `app` on a free local port; returns the runner and the events URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"


def bare_bolt(api_url: str) -> web.Application:
    """The baseline: Bolt with an empty listener, mounted the way bot/server.py mounts closeloop."""
    bolt = AsyncApp(signing_secret=SIGNING_SECRET, client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url))

    @bolt.event("message")
    async def ignore() -> None:
        """Acked by Bolt; nothing to do."""

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    return app


async def closeloop(path: Path, api_url: str) -> web.Application:
    """closeloop on a fresh SQLite database, its inbox worker running inside the server."""
    url = f"sqlite+aiosqlite:///{path}"
    database = Database(url)
    await database.upgrade()
    await database.dispose()
    return build_web_app(build_bot(settings_for(url, api_url)))


def query(path: Path, sql: str) -> tuple[int, ...]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchone()


async def drain(path: Path) -> float:
    """Wait until every inbox row is processed (or the timeout passes); returns the seconds waited."""
    start = time.perf_counter()
    while query(path, "SELECT count(*) FROM inbox_events WHERE processed_at IS NULL")[0]:
        if time.perf_counter() - start > DRAIN_TIMEOUT_SECONDS:
            break
        await asyncio.sleep(0.05)
    return time.perf_counter() - start


async def no_backlog() -> float:
    return 0.0


async def run_phase(http: aiohttp.ClientSession, url: str, bodies: list[str], concurrency: int) -> Phase:
    """Send every body, `concurrency` requests in flight, each signed just before it is sent."""
    pending = iter(bodies)
    latencies: list[float] = []
    failures = 0

    async def sender() -> None:
        nonlocal failures
        for body in pending:
            data, headers = body.encode(), signed_headers(SIGNING_SECRET, body)
            start = time.perf_counter()
            async with http.post(url, data=data, headers=headers) as response:
                await response.read()
            latencies.append(time.perf_counter() - start)
            failures += response.status != 200

    start = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return Phase(latencies, time.perf_counter() - start, failures)


async def measure(http: aiohttp.ClientSession, targets: list[Target], args: argparse.Namespace) -> None:
    """Warm both targets up, then run the rounds, alternating which target goes first."""
    for target in targets:
        await run_phase(http, target.url, target.events.make(WARMUP), args.concurrency)
        await target.settle()
    for round_number in range(args.rounds):
        order = targets if round_number % 2 == 0 else targets[::-1]
        for kind, size, concurrency in (
            ("serial", args.serial, 1),
            ("concurrent", args.events, args.concurrency),
        ):
            for target in order:
                phase = await run_phase(http, target.url, target.events.make(size), concurrency)
                target.phases[kind].append(phase)
                drained = await target.settle()
                print(
                    f"  round {round_number + 1} {target.name:<9} {kind:<10} {len(phase.latencies):>5} req "
                    f"in {phase.wall:6.2f} s  p50 {phase.percentile_ms(0.5):6.2f} ms  "
                    f"{phase.rate:6.0f} req/s" + (f"  drained in {drained:.1f} s" if drained else "")
                )


def report(bare: Target, loop: Target, path: Path, slack: SlackApiStub) -> bool:
    """Print the table and the verdict; returns whether the hard aims (no slow ack, nothing lost) held."""
    print(f"\n{'target':<10}{'serial p50':>11}{'p99':>8}{'conc p50':>10}{'p99':>8}{'req/s':>8}{'max ms':>9}")
    for target in (bare, loop):
        print(
            f"{target.name:<10}{target.median('serial', lambda p: p.percentile_ms(0.5)):>11.2f}"
            f"{target.median('serial', lambda p: p.percentile_ms(0.99)):>8.2f}"
            f"{target.median('concurrent', lambda p: p.percentile_ms(0.5)):>10.2f}"
            f"{target.median('concurrent', lambda p: p.percentile_ms(0.99)):>8.2f}"
            f"{target.median('concurrent', lambda p: p.rate):>8.0f}{target.slowest_ms:>9.1f}"
        )
    p50_ratio = loop.median("serial", lambda p: p.percentile_ms(0.5)) / bare.median(
        "serial", lambda p: p.percentile_ms(0.5)
    )
    rate_ratio = loop.median("concurrent", lambda p: p.rate) / bare.median("concurrent", lambda p: p.rate)
    print(f"closeloop/bare: serial p50 {p50_ratio:.2f}x, throughput {rate_ratio:.2f}x")

    sent = loop.events.sent
    rows, pending, errors = query(
        path, "SELECT count(*), count(*) - count(processed_at), count(error) FROM inbox_events"
    )
    records, threads = query(path, "SELECT count(*), count(DISTINCT thread_ts) FROM activities")
    cards = len(slack.calls("chat.postMessage"))
    print(
        f"closeloop: {sent} events sent, {rows} inbox rows ({pending} unprocessed, {errors} with errors), "
        f"{records} activity records over {threads} threads, {cards} cards posted"
    )
    fast = loop.slowest_ms <= 1000 * ACK_LIMIT_SECONDS and loop.failures == 0
    archived = rows == records == threads == cards == sent and pending == errors == 0
    verdicts = [
        (p50_ratio <= MAX_P50_RATIO, f"ack service time: serial p50 {p50_ratio:.2f}x bare Bolt (aim <= 1.5x)"),
        (rate_ratio >= MIN_THROUGHPUT_RATIO, f"throughput: {rate_ratio:.2f}x bare Bolt (aim >= 0.67x)"),
        (fast, f"every ack 200 within 3 s: slowest {loop.slowest_ms:.1f} ms, {loop.failures} not 200"),
        (archived, "every event archived once (one inbox row, one record, one card each)"),
    ]
    for index, (ok, text) in enumerate(verdicts):
        print(f"{'PASS' if ok else ('FAIL' if index >= 2 else 'MISS')}  {text}")
    return fast and archived


async def main(args: argparse.Namespace) -> int:
    async with SlackApiStub() as slack:
        slack.set_user(USER, name="alice", locale="en-US", tz="Asia/Shanghai")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "closeloop.db"
            bare_runner, bare_url = await serve(bare_bolt(slack.base_url))
            loop_runner, loop_url = await serve(await closeloop(path, slack.base_url))
            drains: list[float] = []

            async def settle() -> float:
                drains.append(await drain(path))
                return drains[-1]

            bare = Target("bare Bolt", bare_url, Events(slack, "Bare"), no_backlog)
            loop = Target("closeloop", loop_url, Events(slack, "Loop"), settle)
            connector = aiohttp.TCPConnector(limit=args.concurrency)
            try:
                async with aiohttp.ClientSession(connector=connector) as http:
                    await measure(http, [bare, loop], args)
                print(f"closeloop drains after its phases: total {sum(drains):.1f} s, longest {max(drains):.1f} s")
                ok = report(bare, loop, path, slack)
            finally:
                await loop_runner.cleanup()
                await bare_runner.cleanup()
    return 0 if ok else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="requests per concurrent phase")
    parser.add_argument("--concurrency", type=int, default=20, help="requests in flight in that phase")
    parser.add_argument("--serial", type=int, default=300, help="requests per serial phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each figure is their median")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
