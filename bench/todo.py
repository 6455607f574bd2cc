"""Morning to-do cards: the three-item lists of 10,000 reps, ranked and queued, against the aim of 3 s.

Run `python bench/todo.py [--reps 10000] [--database-url URL]` from the repo root (`--backends sqlite`
skips PostgreSQL). Each backend gets a fresh database by the project's migrations; 10,000 reps are
remembered with their time zones (all at UTC+8, in four zones) and given 2 to 6 open items each (overdue
follow-ups, leads past their first-contact limit, items due later today or tomorrow), inserted directly.

What is timed is one `TaskDesk.morning_cards(now)` at 09:05 on a working Wednesday, the use case the
scheduler runs: it finds who has something to do, reads their profiles and items, ranks each list with
`domain.todo.rank`, claims each rep's 09:00 slot and writes each card to the outbox. Aim: under 3 s
(PASS/MISS). The pure ranking of the same lists is timed on its own. Anything but exactly one card per
rep, listing the items `rank` puts first, or a second call at the same instant queueing anything,
fails the run (FAIL, exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script from a checkout: make the project's packages importable without installing them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text

from bench.sweep import database_arguments, fresh_url
from config.rules import Rules
from domain.todo import TodoList, rank
from storage import users
from storage.db import Database
from storage.models import OutboxMessage, Task
from usecases.leads import LeadDesk
from usecases.task_book import FOLLOW_UP, LEAD_CONTACT
from usecases.tasks import TaskDesk, as_item

AIM_SECONDS = 3.0
TEAM, SEED = "T1", 20261202
ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore", "Asia/Taipei")  # 09:05 for everyone
NOW = datetime(2026, 12, 2, 1, 5, tzinfo=UTC)  # Wednesday 09:05 at UTC+8
DAY_ENDS = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)  # midnight at UTC+8


@dataclass
class Morning:
    """One backend's figures and what the cards held."""

    backend: str
    reps: int
    items: int = 0
    seconds: float = 0.0
    rank_seconds: float = 0.0
    queued: int = 0
    problems: list[str] = field(default_factory=list)


def rep_id(number: int) -> str:
    return f"U{number:05d}"


def task_rows(reps: int, rng: random.Random) -> list[dict[str, Any]]:
    """2 to 6 open items per rep, the first late: others late, due today, or tomorrow (not on today's card)."""
    rows = []
    for number in range(reps):
        for index in range(rng.randint(2, 6)):
            latest = -1 if index == 0 else 30 * 60  # everyone has something late: a card each
            due_at = NOW + timedelta(minutes=rng.randint(-5 * 24 * 60, latest))
            kind = LEAD_CONTACT if rng.random() < 0.3 else FOLLOW_UP
            rows.append(
                {
                    "team_id": TEAM,
                    "kind": kind,
                    "subject_id": len(rows) + 1,
                    "owner_id": rep_id(number),
                    "title": f"回访 {len(rows)}",
                    "customer": f"客户 {len(rows) % 5_000}",
                    "anchor_at": due_at,
                    "due_at": due_at,
                    "state": "open",
                    "steps": [],
                    "step": 0,
                    "next_step_at": None,
                    "told": [],
                    "created_at": NOW - timedelta(days=7),
                    "updated_at": NOW - timedelta(days=7),
                }
            )
    return rows


async def fill(database: Database, reps: int) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    rows = task_rows(reps, rng)
    async with database.sessions.begin() as session:
        for number in range(reps):
            await users.remember(
                session,
                team_id=TEAM,
                user_id=rep_id(number),
                name=rep_id(number),
                locale="zh-CN",
                tz=ZONES[number % len(ZONES)],
                is_bot=False,
                now=NOW,
            )
        for start in range(0, len(rows), 5_000):
            await session.execute(insert(Task), rows[start : start + 5_000])
    if database.engine.dialect.name == "postgresql":
        async with database.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))  # what autovacuum would have done by now
    return rows


def time_rank(database_rows: list[Task], limit: int) -> tuple[float, dict[str, TodoList]]:
    """Seconds for the pure ranking of every rep's list, and the lists."""
    mine: dict[str, list[Task]] = {}
    for task in database_rows:
        mine.setdefault(task.owner_id, []).append(task)
    items = {owner: [as_item(task) for task in tasks] for owner, tasks in mine.items()}
    started = time.perf_counter()
    lists = {owner: rank(owned, NOW, DAY_ENDS, limit) for owner, owned in items.items()}
    return time.perf_counter() - started, lists


async def check(database: Database, lists: dict[str, TodoList]) -> list[str]:
    """One card per rep with something on today's list, holding the items `rank` puts first."""
    async with database.sessions() as session:
        cards = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "todo_card")))
    expected = {owner: [entry.item.item_id for entry in listing.top] for owner, listing in lists.items()}
    expected = {owner: ids for owner, ids in expected.items() if ids}
    shown = {card.channel: card.payload["task_ids"] for card in cards}
    problems = []
    if len(cards) != len(expected) or shown.keys() != expected.keys():
        problems.append(f"{len(cards)} cards for {len(shown)} reps, expected one each for {len(expected)}")
    wrong = sum(1 for owner, ids in expected.items() if shown.get(owner) not in (None, ids))
    if wrong:
        problems.append(f"{wrong} cards list other items than the ranking puts first")
    return problems


async def run(backend: str, url: str, reps: int) -> Morning:
    result = Morning(backend, reps)
    database = Database(url)
    await database.upgrade()
    rules = Rules()
    desk = TaskDesk(database, rules, LeadDesk(database, rules.leads), ZONES[0])
    try:
        result.items = len(await fill(database, reps))
        started = time.perf_counter()
        result.queued = await desk.morning_cards(NOW, replica="bench")
        result.seconds = time.perf_counter() - started
        if (again := await desk.morning_cards(NOW, replica="bench")) != 0:
            result.problems.append(f"a second call at the same instant queued {again} cards")
        async with database.sessions() as session:
            stored = list(await session.scalars(select(Task)))
        result.rank_seconds, lists = time_rank(stored, rules.daily.todo_items)
        result.problems += await check(database, lists)
    finally:
        await database.dispose()
    return result


async def main_async(args: argparse.Namespace) -> int:
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends:
            url = await fresh_url(backend, args.database_url, Path(folder), args.reps)
            morning = await run(backend, url, args.reps)
            verdict = "PASS" if morning.seconds < AIM_SECONDS else "MISS"
            print(
                f"{backend:<10} {morning.reps:,} reps, {morning.items:,} open items: {morning.queued:,} cards "
                f"in {morning.seconds:.2f} s (aim < {AIM_SECONDS:g} s): {verdict}; "
                f"pure ranking {morning.rank_seconds * 1000:.0f} ms"
            )
            for problem in morning.problems:
                print(f"FAIL {backend}: {problem}")
                failed = True
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000, help="reps, each with 2 to 6 open items")
    database_arguments(parser)
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
