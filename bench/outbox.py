"""Outbox drain: how close the delivery worker gets to Slack's posting limit, and that it loses nothing.

Run `python bench/outbox.py [--messages 10000] [--reps 1000] [--rate 200]` from the repo root. One
transaction queues N direct messages (`text` kind, `storage.outbox.send_once`), spread round-robin over
the reps, whose profiles are already remembered (`storage.users.remember`) so rendering reads them from
the database and never calls users.info: the bench measures sending, not profile lookups. The bot's
own DeliveryWorker (`bot.start_workers()`, as `closeloop run` does) then sends them to the Web API
stand-in, which allows R `chat.postMessage` calls per 1-s window and answers 429 + Retry-After beyond.

The floor is N/R seconds: no sender can do better against that limit. Phase "paced" sets the bot's
post rate to R (it knows the limit); phase "learning" sets it to 3R, so it learns the limit only from
429 and Retry-After (informational). Drain time runs from the workers' start to the last message the
stand-in accepted. Aim: drain/floor <= 1.2 when paced (noise-sensitive: PASS/MISS). A lost or doubled
message in either phase (an outbox row not `sent`, a stored message count other than N, an outbox id
seen twice or never in the stored messages' metadata) fails the run (FAIL, exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# Run as a script from a checkout: make the project's packages (and tests.support) importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bot.app import Bot, build_bot
from bot.delivery import METADATA_EVENT
from storage import outbox, users
from storage.db import Database
from storage.models import OutboxMessage
from tests.support.harness import settings_for
from tests.support.slack_api import TEAM_ID, SlackApiStub

MAX_DRAIN_RATIO = 1.2
LEARNING_FACTOR = 3
POLL_SECONDS = 0.1  # counting the stand-in's calls costs CPU the bot shares; 0.1 s of 50 is noise
TIMEOUT_FLOOR_FACTOR, MIN_TIMEOUT = 3.0, 30.0  # a drain slower than 3x its floor is cut short
POST = "chat.postMessage"


@dataclass
class Drain:
    """One phase's figures: how long the queue took to send and what the stand-in saw."""

    name: str
    messages: int
    limit: float
    post_rate: float
    queued_in: float
    drain: float
    rate_limited: int
    posts: int
    sent: int
    profile_lookups: int
    doubt_checks: int
    problems: list[str]

    @property
    def floor(self) -> float:
        return self.messages / self.limit

    @property
    def ratio(self) -> float:
        return self.drain / self.floor


def rep_ids(count: int) -> list[str]:
    """User ids for the reps; a DM's channel is its reader's id."""
    return [f"U{number:06d}" for number in range(count)]


async def remember_reps(db: Database, reps: list[str], bot: Bot) -> None:
    """Store every rep's profile as a fresh users.info answer would, so no send has to ask Slack."""
    now = bot.services.clock.now()
    async with db.sessions.begin() as session:
        for rep in reps:
            await users.remember(
                session,
                team_id=TEAM_ID,
                user_id=rep,
                name=f"rep-{rep.lower()}",
                locale="en-US",
                tz="Asia/Shanghai",
                is_bot=False,
                now=now,
            )


async def queue_messages(db: Database, reps: list[str], count: int, bot: Bot) -> float:
    """Queue `count` DMs in one transaction, round-robin over the reps; returns the seconds it took.

    Round-robin is how a burst of lead routings lands: consecutive rows rarely share a reader, so the
    one-message-a-second-per-channel rule is not what limits the drain.
    """
    now = bot.services.clock.now()
    start = time.perf_counter()
    async with db.sessions.begin() as session:
        for number in range(count):
            reader = reps[number % len(reps)]
            message = outbox.Outgoing(
                key=f"bench-dm:{number}",
                kind="text",
                team_id=TEAM_ID,
                channel=reader,
                payload={
                    "reader": reader,
                    "key": "lead.dm_owner",
                    "params": {"company": f"ACME {number}", "grade": "A", "days": 3},
                },
            )
            if not await outbox.send_once(session, message, now):
                raise RuntimeError(f"outbox key {message.key} was already used")
    return time.perf_counter() - start


async def wait_for_posts(slack: SlackApiStub, count: int, timeout: float) -> float:
    """Wait until the stand-in has accepted `count` posts; returns the seconds it took (or the timeout)."""
    start = time.perf_counter()
    while len(slack.performed(POST)) < count and time.perf_counter() - start < timeout:
        await asyncio.sleep(POLL_SECONDS)
    return time.perf_counter() - start


async def wait_until_recorded(db: Database, timeout: float) -> None:
    """Wait until no outbox row is pending: the worker records a send just after Slack accepts it."""
    deadline = time.perf_counter() + timeout
    while await count_rows(db, OutboxMessage.state == outbox.PENDING) and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)


async def count_rows(db: Database, *conditions: object) -> int:
    """Outbox rows matching every condition."""
    async with db.sessions() as session:
        query = select(func.count()).select_from(OutboxMessage).where(*conditions)
        return int(await session.scalar(query) or 0)


async def outbox_ids(db: Database) -> list[int]:
    """Every outbox row's id."""
    async with db.sessions() as session:
        return list(await session.scalars(select(OutboxMessage.id)))


async def delivery_problems(db: Database, slack: SlackApiStub, count: int) -> list[str]:
    """What went wrong, if anything: rows not sent, messages missing, doubled or unknown."""
    problems = []
    unsent = await count_rows(db, OutboxMessage.state != outbox.SENT)
    if unsent:
        in_doubt = await count_rows(db, OutboxMessage.state != outbox.SENT, OutboxMessage.in_doubt)
        problems.append(f"{unsent} outbox rows not sent when the drain was cut short ({in_doubt} in doubt)")
    stored = slack.messages_with_metadata(METADATA_EVENT)
    if len(stored) != count:
        problems.append(f"{len(stored)} messages stored by the stand-in, expected {count}")
    seen = Counter(message["metadata"]["event_payload"]["outbox_id"] for message in stored)
    expected = set(await outbox_ids(db))
    doubled = sum(1 for times in seen.values() if times > 1)
    lost = len(expected - seen.keys())
    unknown = len(seen.keys() - expected)
    for number, what in ((doubled, "posted more than once"), (lost, "never posted"), (unknown, "unknown")):
        if number:
            problems.append(f"{number} outbox ids {what}")
    return problems


async def run_phase(name: str, args: argparse.Namespace, post_rate: float) -> Drain:
    """Queue the messages on a fresh database, start the workers, and time the drain."""
    timeout = max(MIN_TIMEOUT, TIMEOUT_FLOOR_FACTOR * args.messages / args.rate)
    async with SlackApiStub() as slack:
        slack.rate_limit(POST, args.rate)
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'closeloop.db'}"
            await Database(url).upgrade()
            bot = build_bot(settings_for(url, slack.base_url, closeloop_post_rate=post_rate))
            db = bot.services.db
            reps = rep_ids(args.reps)
            try:
                await remember_reps(db, reps, bot)
                queued_in = await queue_messages(db, reps, args.messages, bot)
                bot.start_workers()
                drain = await wait_for_posts(slack, args.messages, timeout)
                await wait_until_recorded(db, timeout=10.0)
                await bot.stop_workers()
                problems = await delivery_problems(db, slack, args.messages)
            finally:
                await bot.close()
            posts = slack.calls(POST)
            return Drain(
                name=name,
                messages=args.messages,
                limit=args.rate,
                post_rate=post_rate,
                queued_in=queued_in,
                drain=drain,
                rate_limited=sum(1 for call in posts if call.status == 429),
                posts=len(posts),
                sent=len(slack.performed(POST)),
                profile_lookups=len(slack.calls("users.info")),
                doubt_checks=len(slack.calls("conversations.history")),
                problems=problems,
            )


def report(phase: Drain) -> None:
    """One phase's figures, on a few lines."""
    print(
        f"{phase.name}: {phase.messages} DMs queued in {phase.queued_in:.1f} s; bot post rate "
        f"{phase.post_rate:g}/s, stand-in limit {phase.limit:g}/s"
    )
    print(
        f"  drained in {phase.drain:.1f} s, floor {phase.floor:.1f} s: {phase.ratio:.2f}x the floor "
        f"({phase.sent} sent, {phase.sent / phase.drain:.0f} msg/s); {phase.rate_limited} answered 429 of "
        f"{phase.posts} posts; {phase.profile_lookups} users.info calls, "
        f"{phase.doubt_checks} in-doubt checks (conversations.history)"
    )
    for problem in phase.problems:
        print(f"  {problem}")


def verdict(paced: Drain, learning: Drain) -> bool:
    """Print the verdicts; returns whether the hard aims held (nothing lost, nothing doubled)."""
    print()
    for ok, otherwise, text in (
        (
            paced.ratio <= MAX_DRAIN_RATIO,
            "MISS",
            f"paced drain: {paced.ratio:.2f}x the floor (aim <= {MAX_DRAIN_RATIO}x)",
        ),
        (not paced.problems, "FAIL", "paced: every message sent once, none lost, none doubled"),
        (not learning.problems, "FAIL", "learning: every message sent once, none lost, none doubled"),
    ):
        print(f"{'PASS' if ok else otherwise}  {text}")
    print(
        f"info  learning from 429 (bot rate {learning.post_rate:g}/s): {learning.ratio:.2f}x the floor, "
        f"{learning.rate_limited} answered 429"
    )
    return not paced.problems and not learning.problems


async def main(args: argparse.Namespace) -> int:
    # The worker logs every 429 it schedules a retry for; thousands of lines would bury the figures.
    logging.basicConfig(level=logging.ERROR)
    paced = await run_phase("paced", args, post_rate=args.rate)
    report(paced)
    learning = await run_phase("learning", args, post_rate=LEARNING_FACTOR * args.rate)
    report(learning)
    return 0 if verdict(paced, learning) else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000, help="direct messages to queue")
    parser.add_argument("--reps", type=int, default=1_000, help="readers they are spread over")
    parser.add_argument("--rate", type=int, default=100, help="stand-in's chat.postMessage limit per second")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
