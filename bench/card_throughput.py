"""Card throughput: `#archive` replies in, record cards out, per replica, when every Slack call is slow.

Run `python bench/card_throughput.py [--events 600] [--channels 50] [--latency 0.3]` from the repo root.
One closeloop (SQLite, its inbox and delivery workers inside the server) gets signed `#archive` replies
over HTTP, each in a fresh thread, spread round-robin over the channels (one author per channel),
while the Web API stand-in takes `--latency` seconds to answer every call the card path makes:
users.info, chat.getPermalink, chat.postMessage and conversations.replies. The clock runs from the
first event sent to the last card the stand-in accepted.

The same run's baseline is the ideal one-at-a-time rate, 1 / (latency x Slack calls per card), with
the calls per card counted in this run: what a bot that waits for each call in turn could reach. Aim:
at least 20 cards/s (noise-sensitive: PASS/MISS). A record without exactly one card in its thread, or
an event not acked 200, fails the run (FAIL, exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

# Run as a script from a checkout: make the project's packages (and tests.support) importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_bot
from bot.delivery import METADATA_EVENT
from bot.server import build_web_app
from storage.db import Database
from tests.support.harness import SIGNING_SECRET, settings_for
from tests.support.signing import event_body, signed_headers
from tests.support.slack_api import TEAM_ID, SlackApiStub

CARD_METHODS = ("users.info", "chat.getPermalink", "chat.postMessage", "conversations.replies")
MIN_CARDS_PER_SECOND = 20.0
SENDERS = 20  # events in flight, as Slack's own delivery fans out
POLL_SECONDS = 0.1
_EPOCH = int(time.time()) - 86_400  # thread roots: one second apart, starting a day ago


@dataclass(frozen=True)
class Thread:
    """Where one `#archive` reply lands and who wrote it."""

    channel: str
    author: str
    root: str


@dataclass
class Outcome:
    """What one run measured."""

    events: int
    refused: int
    seconds: float
    cards: int
    calls: Counter[str]
    rate_limited: int
    records: int
    problems: list[str]

    @property
    def cards_per_second(self) -> float:
        return self.cards / self.seconds

    @property
    def calls_per_card(self) -> float:
        return sum(self.calls.values()) / max(1, self.cards)


def plan_threads(slack: SlackApiStub, events: int, channels: int) -> list[Thread]:
    """One fresh thread per event, round-robin over the channels; the stand-in knows each root."""
    threads = []
    for number in range(events):
        channel, author = f"CSALES{number % channels:03d}", f"UREP{number % channels:03d}"
        root = f"{_EPOCH + number}.000100"
        slack.set_thread(channel, root, [{"user": author, "text": f"Called ACME {number}", "ts": root}])
        threads.append(Thread(channel, author, root))
    for author in {thread.author for thread in threads}:
        slack.set_user(author, name=author.lower(), locale="en-US", tz="Asia/Shanghai")
    return threads


def archive_body(thread: Thread, number: int) -> str:
    """The signed-to-be body of a `#archive` reply in `thread`."""
    ts = f"{thread.root[:-6]}000200"
    text = "they want a quote #archive next: send the quote by Friday"
    event = {"type": "message", "channel": thread.channel, "user": thread.author, "text": text}
    event |= {"team": TEAM_ID, "ts": ts, "thread_ts": thread.root, "event_ts": ts, "channel_type": "channel"}
    return event_body(event, event_id=f"EvCard{number:08d}")


async def send_events(http: aiohttp.ClientSession, url: str, bodies: list[str]) -> int:
    """Post every body signed, `SENDERS` in flight; returns how many were not acked 200."""
    pending = iter(bodies)
    refused = 0

    async def sender() -> None:
        nonlocal refused
        for body in pending:
            try:
                async with http.post(
                    url, data=body.encode(), headers=signed_headers(SIGNING_SECRET, body)
                ) as r:
                    await r.read()
                refused += r.status != 200
            except (aiohttp.ClientError, TimeoutError):
                refused += 1

    await asyncio.gather(*(sender() for _ in range(SENDERS)))
    return refused


async def wait_for_cards(slack: SlackApiStub, count: int, timeout: float, start: float) -> float:
    """Wait until the stand-in has accepted `count` posts; returns seconds since `start`."""
    while len(slack.performed("chat.postMessage")) < count and time.perf_counter() - start < timeout:
        await asyncio.sleep(POLL_SECONDS)
    return time.perf_counter() - start


def query(path: Path, sql: str) -> list[tuple]:
    """Rows from closeloop's SQLite file, read beside the bot's own connections (WAL never blocks it)."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def card_problems(database: Path, slack: SlackApiStub, threads: list[Thread]) -> tuple[int, list[str]]:
    """The number of records, and what is wrong: a record with no card, or a thread with several."""
    records = query(database, "SELECT channel_id, thread_ts, card_ts FROM activities")
    posted = Counter(
        (message["channel"], message.get("thread_ts"))
        for message in slack.messages_with_metadata(METADATA_EVENT)
    )
    expected = {(thread.channel, thread.root) for thread in threads}
    filed = Counter((channel, thread_ts) for channel, thread_ts, _card in records)
    checks = (
        (len(expected - filed.keys()), "threads without a record"),
        (sum(1 for times in filed.values() if times > 1), "threads with several records"),
        (sum(1 for _c, _t, card in records if card is None), "records whose card is not remembered"),
        (sum(1 for key in filed if posted[key] == 0), "records without a card in their thread"),
        (sum(1 for times in posted.values() if times > 1), "threads with more than one card"),
    )
    return len(records), [f"{number} {what}" for number, what in checks if number]


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve `app` on a free local port; returns the runner and the events URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"


async def run(args: argparse.Namespace) -> Outcome:
    """Start closeloop beside a slow stand-in, send the events, wait for the cards, check them."""
    async with SlackApiStub() as slack:
        for method in CARD_METHODS:
            slack.delay(method, args.latency)
        threads = plan_threads(slack, args.events, args.channels)
        bodies = [archive_body(thread, number) for number, thread in enumerate(threads)]
        with tempfile.TemporaryDirectory() as tmp:
            database = Path(tmp) / "closeloop.db"
            url = f"sqlite+aiosqlite:///{database}"
            await Database(url).upgrade()
            runner, events_url = await serve(build_web_app(build_bot(settings_for(url, slack.base_url))))
            try:
                timeout = aiohttp.ClientTimeout(total=10)
                async with aiohttp.ClientSession(timeout=timeout) as http:
                    start = time.perf_counter()
                    refused = await send_events(http, events_url, bodies)
                    seconds = await wait_for_cards(slack, args.events, args.timeout, start)
                await asyncio.sleep(1.0)  # the worker records each card just after Slack accepts it
                records, problems = card_problems(database, slack, threads)
            finally:
                await runner.cleanup()
        calls = Counter({method: len(slack.calls(method)) for method in CARD_METHODS})
        return Outcome(
            events=args.events,
            refused=refused,
            seconds=seconds,
            cards=len(slack.performed("chat.postMessage")),
            calls=calls,
            rate_limited=sum(1 for call in slack.calls() if call.status == 429),
            records=records,
            problems=problems,
        )


def verdict(outcome: Outcome, latency: float) -> bool:
    """Print the figures and verdicts; returns whether the hard aims held."""
    ideal = 1 / (latency * outcome.calls_per_card)
    calls = ", ".join(f"{method} {count}" for method, count in outcome.calls.items())
    print(
        f"{outcome.events} #archive events over HTTP ({outcome.refused} not acked 200): "
        f"{outcome.records} records, {outcome.cards} cards in {outcome.seconds:.1f} s"
    )
    print(f"Slack calls ({latency * 1000:.0f} ms each): {calls}; {outcome.rate_limited} answered 429")
    print(
        f"cards/s: {outcome.cards_per_second:.2f}; ideal one-at-a-time baseline "
        f"1/({latency:g} s x {outcome.calls_per_card:.2f} calls per card) = {ideal:.2f}/s "
        f"({outcome.cards_per_second / ideal:.1f}x)"
    )
    for problem in outcome.problems:
        print(f"  {problem}")
    complete = outcome.cards == outcome.events and not outcome.problems and outcome.refused == 0
    print()
    for ok, otherwise, text in (
        (
            outcome.cards_per_second >= MIN_CARDS_PER_SECOND,
            "MISS",
            f"throughput: {outcome.cards_per_second:.2f} cards/s (aim >= {MIN_CARDS_PER_SECOND:g})",
        ),
        (complete, "FAIL", "every event acked 200, every record has exactly one card"),
    ):
        print(f"{'PASS' if ok else otherwise}  {text}")
    return complete


async def main(args: argparse.Namespace) -> int:
    # Retries and refusals are logged as warnings per message; the figures say what matters here.
    logging.basicConfig(level=logging.ERROR)
    outcome = await run(args)
    return 0 if verdict(outcome, args.latency) else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=600, help="#archive replies, one thread each")
    parser.add_argument("--channels", type=int, default=50, help="channels they are spread over")
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the stand-in takes per call")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for the cards")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
