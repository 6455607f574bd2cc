"""Ack latency: closeloop's inbox path against a bare Bolt app, under the same signed load, in one process.

Run `python bench/ack_latency.py [--events 2000] [--concurrency 20] [--serial 300] [--rounds 3]` from the
repo root. A bare `AsyncApp` with an empty listener and closeloop (SQLite inbox, worker inside) are served
on 127.0.0.1 beside the Web API stand-in; every request is a signed, unique `#archive` reply in a thread
of its own. Each round runs, for both targets and alternating which goes first, a serial phase (the ack
service time) and a concurrent phase (latency, and requests/s over the phase's wall time). closeloop's
worker drains after each of its phases, so its backlog never slows the baseline. Table figures are medians
over the rounds; "max" is the slowest request of all. A phase stops at its first ack over 3 s (the hard
aim has failed; a stalled server would otherwise take the run hours). Verdicts: the two ratios are
noise-sensitive, so a miss is only reported; a slow or non-200 ack, or an event not archived exactly once
(one inbox row, one record, one card), fails the run with exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
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

CHANNEL, USER = "CSALES", "UALICE"
WARMUP = 50
ACK_LIMIT = 3.0
DRAIN_TIMEOUT = 900.0
CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=10)  # past the 3 s limit: count it and stop the phase
MAX_P50_RATIO, MIN_RATE_RATIO = 1.5, 0.67
_EPOCH = int(time.time()) - 86_400  # thread roots: one second apart, a day ago
_numbers = itertools.count(1)


@dataclass
class Phase:
    """One batch of requests against one target: per-request latencies (s) and the batch's wall time."""

    latencies: list[float]
    wall: float
    failures: int

    def ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall


@dataclass
class Target:
    """A server under test, how to wait for its after-ack work, and what was measured on it."""

    name: str
    url: str
    settle: Callable[[], Awaitable[float]]
    sent: int = 0
    phases: dict[str, list[Phase]] = field(default_factory=lambda: {"serial": [], "concurrent": []})

    def median(self, kind: str, figure: Callable[[Phase], float]) -> float:
        return statistics.median(figure(phase) for phase in self.phases[kind])

    def all_phases(self) -> list[Phase]:
        return self.phases["serial"] + self.phases["concurrent"]


def archive_events(slack: SlackApiStub, prefix: str, count: int) -> list[str]:
    """Bodies to sign and send: each the `#archive` reply in a fresh thread the stand-in can return."""
    bodies = []
    for number in itertools.islice(_numbers, count):
        second = _EPOCH + number
        root, ts = f"{second}.000100", f"{second}.000200"
        slack.set_thread(CHANNEL, root, [{"user": USER, "text": "Called ACME Corp", "ts": root}])
        event = {
            "type": "message",
            "channel": CHANNEL,
            "user": USER,
            "text": "they want a quote #archive next: send the quote by Friday",
            "ts": ts,
            "thread_ts": root,
            "team": TEAM_ID,
            "channel_type": "channel",
            "event_ts": ts,
        }
        bodies.append(event_body(event, event_id=f"Ev{prefix}{number:08d}"))
    return bodies


async def run_phase(http: aiohttp.ClientSession, url: str, bodies: list[str], concurrency: int) -> Phase:
    """Send the bodies, `concurrency` in flight, each signed just before it goes; stop at an ack over 3 s."""
    pending = iter(bodies)
    latencies: list[float] = []
    failures = 0
    stalled = False

    async def sender() -> None:
        nonlocal failures, stalled
        for body in pending:
            if stalled:
                return
            data, headers = body.encode(), signed_headers(SIGNING_SECRET, body)
            start = time.perf_counter()
            try:
                async with http.post(url, data=data, headers=headers) as response:
                    await response.read()
                failures += response.status != 200
            except (aiohttp.ClientError, TimeoutError):
                failures += 1
            latencies.append(time.perf_counter() - start)
            stalled = stalled or latencies[-1] > ACK_LIMIT

    start = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return Phase(latencies, time.perf_counter() - start, failures)


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
        if time.perf_counter() - start > DRAIN_TIMEOUT:
            break
        await asyncio.sleep(0.05)
    return time.perf_counter() - start


async def no_backlog() -> float:
    return 0.0


async def measure(
    http: aiohttp.ClientSession, slack: SlackApiStub, targets: list[Target], args: argparse.Namespace
) -> None:
    """Warm both targets up, then run the rounds, alternating which target goes first."""
    plan = [("warm-up", WARMUP, args.concurrency)]
    plan += [("serial", args.serial, 1), ("concurrent", args.events, args.concurrency)] * args.rounds
    for step, (kind, size, concurrency) in enumerate(plan):
        for target in targets if step % 4 < 2 else targets[::-1]:
            bodies = archive_events(slack, target.name[:4], size)
            phase = await run_phase(http, target.url, bodies, concurrency)
            target.sent += len(phase.latencies)
            if kind != "warm-up":
                target.phases[kind].append(phase)
            drained = await target.settle()
            print(
                f"  {kind:<10} {target.name:<9} {len(phase.latencies):>5}/{size} req in {phase.wall:6.2f} s"
                f"  p50 {phase.ms(0.5):6.2f} ms  max {phase.ms(1):8.1f} ms  {phase.rate:5.0f} req/s"
                + (f"  drained in {drained:.1f} s" if drained else "")
            )


def report(bare: Target, loop: Target, path: Path, slack: SlackApiStub) -> bool:
    """Print the table and the verdicts; returns whether the hard aims (no slow ack, nothing lost) held."""
    print(f"\n{'target':<10}{'serial p50':>11}{'p99':>8}{'conc p50':>10}{'p99':>8}{'req/s':>8}{'max ms':>9}")
    for t in (bare, loop):
        print(
            f"{t.name:<10}{t.median('serial', lambda p: p.ms(0.5)):>11.2f}"
            f"{t.median('serial', lambda p: p.ms(0.99)):>8.2f}{t.median('concurrent', lambda p: p.ms(0.5)):>10.2f}"
            f"{t.median('concurrent', lambda p: p.ms(0.99)):>8.2f}{t.median('concurrent', lambda p: p.rate):>8.0f}"
            f"{max(p.ms(1) for p in t.all_phases()):>9.1f}"
        )
    p50_ratio = loop.median("serial", lambda p: p.ms(0.5)) / bare.median("serial", lambda p: p.ms(0.5))
    rate_ratio = loop.median("concurrent", lambda p: p.rate) / bare.median("concurrent", lambda p: p.rate)
    print(f"closeloop/bare: serial p50 {p50_ratio:.2f}x, throughput {rate_ratio:.2f}x")
    rows, pending, errors = query(
        path, "SELECT count(*), count(*) - count(processed_at), count(error) FROM inbox_events"
    )
    records, threads = query(path, "SELECT count(*), count(DISTINCT thread_ts) FROM activities")
    cards = len(slack.calls("chat.postMessage"))
    print(
        f"closeloop: {loop.sent} events acked or refused, {rows} inbox rows ({pending} unprocessed, "
        f"{errors} with errors), {records} records over {threads} threads, {cards} cards posted"
    )
    slowest = max(p.ms(1) for p in loop.all_phases())
    refused = sum(p.failures for p in loop.all_phases())
    fast = slowest <= 1000 * ACK_LIMIT and refused == 0
    archived = rows == records == threads == cards == loop.sent and pending == errors == 0
    verdicts = [
        (
            "MISS",
            p50_ratio <= MAX_P50_RATIO,
            f"ack service time: serial p50 {p50_ratio:.2f}x bare (aim <= 1.5x)",
        ),
        ("MISS", rate_ratio >= MIN_RATE_RATIO, f"throughput: {rate_ratio:.2f}x bare (aim >= 0.67x)"),
        ("FAIL", fast, f"every ack 200 within 3 s: slowest {slowest:.1f} ms, {refused} not 200"),
        ("FAIL", archived, "every event archived once: one inbox row, one record and one card each"),
    ]
    for miss, ok, text in verdicts:
        print(f"{'PASS' if ok else miss}  {text}")
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

            bare, loop = Target("bare Bolt", bare_url, no_backlog), Target("closeloop", loop_url, settle)
            try:
                async with aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=args.concurrency), timeout=CLIENT_TIMEOUT
                ) as http:
                    await measure(http, slack, [bare, loop], args)
                print(
                    f"closeloop drain after its phases: {sum(drains):.1f} s in all, longest {max(drains):.1f} s"
                )
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
    parser.add_argument("--rounds", type=int, default=3, help="rounds; each table figure is their median")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
