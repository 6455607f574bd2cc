"""Dunning sweep: one sweep over 100,000 open instalments with 1,000 changing level, against 10,000.

Run `python bench/dunning.py [--instalments 100000] [--baseline 10000] [--due 1000] [--repeats 5]
[--database-url URL]` from the repo root (`--backends sqlite` skips PostgreSQL). For each backend and
each size the database is made afresh by the project's migrations (a SQLite file in a temporary folder;
on PostgreSQL the schema is dropped first), then filled with core multi-row inserts: customers and
deals, one approved quote and version per contract, and one unpaid instalment per contract. Exactly
`--due` instalments, spread evenly through the table, have `next_level_at` at or before `now`: a third
each about to turn yellow (due in 3 days), orange (5 days late, yellow now) and red (20 days late,
orange now, no reason). Of the rest, one in ten is red already (nothing more to come: no
`next_level_at`), the others are due 8 to 97 days from now and turn yellow later.

What is timed is one `DunningDesk(...).sweep(now)`, the use case the scheduler runs: it reads the
instalments whose level is due to change (an index range on `next_level_at`), moves each by
compare-and-set, puts the level on the owner's list and writes its DMs to the outbox, 200 to a
transaction. Before every repeat the due instalments get their level and `next_level_at` back and the
tasks and outbox are emptied, so each sweep does the same work; the figure is the median of the
repeats (the machine is shared and noisy). Aim: sweep(instalments) / sweep(baseline) <= 2, the cost
follows the changes, not the table (PASS/MISS). Anything other than every due instalment on its new
level with its next change after `now`, one list item and one DM per reader each, and a second sweep
at the same instant moving nothing, fails the run (FAIL, exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# Run as a script from a checkout: make the project's packages importable without installing them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, insert, select, text, update

from bench.sweep import database_arguments, fresh_url
from config.rules import Rules
from domain.dunning import Level, dunning_day
from storage.db import Database
from storage.models import (
    Contract,
    Customer,
    Deal,
    Instalment,
    OutboxMessage,
    Quote,
    QuoteVersion,
    Task,
)
from usecases.dunning import DunningDesk
from usecases.task_book import DUNNING, TaskBook

MAX_RATIO = 2.0
TEAM, TZ = "T1", "Asia/Shanghai"
NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai: today's levels have begun
REPS, CUSTOMERS, BOSS, DIRECTOR = 1_000, 1_000, "UBOSS", "UDIR"
RULES = Rules.model_validate({"leads": {"managers": [BOSS], "directors": [DIRECTOR]}})
DUNNING_RULES = RULES.contracts.dunning
TODAY = dunning_day(NOW, TZ, DUNNING_RULES)
INSERT_BATCH = 5_000


def nine(day: date) -> datetime:
    """A level's instant: `at` o'clock on `day` in the customer's zone."""
    return datetime.combine(day, DUNNING_RULES.at, ZoneInfo(TZ))


@dataclass(frozen=True)
class Change:
    """One kind of due change: the instalment's due day, the level it has, the one the sweep must give
    it, and the next change the sweep must leave."""

    due_on: date
    before: Level | None
    after: Level
    next_at: datetime | None  # where the sweep must leave `next_level_at`

    @property
    def seen_at(self) -> datetime:
        """The boundary the instalment waits for: the day its new level begins, at 09:00 local."""
        if self.after is Level.YELLOW:
            return nine(self.due_on - timedelta(days=DUNNING_RULES.yellow_before))
        if self.after is Level.ORANGE:
            return nine(self.due_on + timedelta(days=DUNNING_RULES.orange_after))
        return nine(self.due_on + timedelta(days=DUNNING_RULES.red_after))


CHANGES = (
    Change(TODAY + timedelta(days=3), None, Level.YELLOW, nine(TODAY + timedelta(days=6))),
    Change(TODAY - timedelta(days=5), Level.YELLOW, Level.ORANGE, nine(TODAY + timedelta(days=10))),
    Change(TODAY - timedelta(days=20), Level.ORANGE, Level.RED, None),
)


@dataclass
class Sweep:
    """One size on one backend: filling time, each repeat's sweep time, and what went wrong."""

    backend: str
    instalments: int
    filled_in: float = 0.0
    seconds: list[float] = field(default_factory=list)
    moved: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def owner_of(number: int) -> str:
    return f"U{number % REPS:05d}"


def due_change(number: int, instalments: int, due: int) -> Change | None:
    """The change due for instalment `number`, if it is one of the `due`: every (instalments / due)th
    row, so they are spread through the table (and its pages), not packed at its start; the three
    kinds take turns."""
    step = instalments // due
    if number % step or number // step >= due:
        return None
    return CHANGES[(number // step) % len(CHANGES)]


def instalment_row(number: int, instalments: int, due: int) -> dict[str, Any]:
    """The one instalment of contract `number` + 1: due to change, red already, or turning yellow later."""
    row: dict[str, Any] = {
        "id": number + 1,
        "contract_id": number + 1,
        "seq": 1,
        "part": "full",
        "amount": Decimal("10000.00"),
        "paid": Decimal(0),
    }
    change = due_change(number, instalments, due)
    if change is not None:
        return row | {"due_on": change.due_on, "level": change.before, "next_level_at": change.seen_at}
    if number % 10 == 1:
        late = TODAY - timedelta(days=30 + number % 300)
        return row | {"due_on": late, "level": Level.RED.value, "next_level_at": None}
    later = TODAY + timedelta(days=8 + number % 90)
    return row | {
        "due_on": later,
        "level": None,
        "next_level_at": nine(later - timedelta(days=DUNNING_RULES.yellow_before)),
    }


def contract_rows(first: int, last: int, instalments: int, due: int) -> dict[Any, list[dict[str, Any]]]:
    """Quotes, versions, contracts and instalments `first` to `last` - 1, by table, in insert order."""
    created = NOW - timedelta(days=60)
    signed_on = TODAY - timedelta(days=60)
    quotes, versions, contracts, rows = [], [], [], []
    for number in range(first, last):
        key, owner, deal = number + 1, owner_of(number), number % CUSTOMERS + 1
        quotes.append(
            {
                "id": key,
                "team_id": TEAM,
                "number": f"Q-2026-{key:06d}",
                "deal_id": deal,
                "owner_id": owner,
                "version": 1,
                "state": "approved",
                "created_at": created,
                "updated_at": created,
            }
        )
        versions.append(
            {
                "id": key,
                "quote_id": key,
                "version": 1,
                "content": {"currency": "CNY", "lump_sum": "10000"},
                "total": Decimal("10000.00"),
                "currency": "CNY",
                "chain": [],
                "changes": [],
                "state": "approved",
                "submitted_by": owner,
                "submitted_at": created,
                "decided_at": created,
            }
        )
        contracts.append(
            {
                "id": key,
                "team_id": TEAM,
                "number": f"C-2026-{key:06d}",
                "quote_id": key,
                "version_id": key,
                "deal_id": deal,
                "customer_id": deal,
                "owner_id": owner,
                "currency": "CNY",
                "total": Decimal("10000.00"),
                "paid": Decimal(0),
                "tz": TZ,
                "signed_on": signed_on,
                "delivery_on": signed_on + timedelta(days=30),
                "ends_on": signed_on + timedelta(days=365),
                "missing": [],
                "signed_by": owner,
                "created_at": created,
                "updated_at": created,
            }
        )
        rows.append(instalment_row(number, instalments, due))
    return {Quote: quotes, QuoteVersion: versions, Contract: contracts, Instalment: rows}


async def fill(database: Database, instalments: int, due: int) -> None:
    """Customers and their deals, then `instalments` contracts of one instalment each."""
    created = NOW - timedelta(days=90)
    async with database.sessions.begin() as session:
        await session.execute(
            insert(Customer.__table__),
            [
                {
                    "id": n + 1,
                    "team_id": TEAM,
                    "name": f"客户 {n}",
                    "name_key": f"客户 {n}",
                    "tz": TZ,
                    "created_at": created,
                }
                for n in range(CUSTOMERS)
            ],
        )
        await session.execute(
            insert(Deal.__table__),
            [
                {
                    "id": n + 1,
                    "team_id": TEAM,
                    "customer_id": n + 1,
                    "title": f"泵 {n}",
                    "value": Decimal("10000.00"),
                    "currency": "CNY",
                    "stage": "won",
                    "owner_id": owner_of(n),
                    "channel_id": "CDEALS",
                    "last_activity_at": created,
                    "created_by": owner_of(n),
                    "created_at": created,
                    "updated_at": created,
                    "closed_at": created,
                }
                for n in range(CUSTOMERS)
            ],
        )
    for first in range(0, instalments, INSERT_BATCH):
        tables = contract_rows(first, min(instalments, first + INSERT_BATCH), instalments, due)
        async with database.sessions.begin() as session:
            for model, rows in tables.items():
                await session.execute(insert(model.__table__), rows)
    if database.engine.dialect.name == "postgresql":
        async with database.engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            # The sequences the project's own inserts would draw from, and what autovacuum would do.
            for table in ("customers", "deals", "quotes", "quote_versions", "contracts", "instalments"):
                await connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
                )
            await connection.execute(text("VACUUM ANALYZE"))


async def reset(database: Database, instalments: int, due: int) -> None:
    """The due instalments back on their old level and boundary; no list items and no outbox rows, so
    every repeat does the first sweep's work."""
    rows = []
    for number in range(instalments):
        change = due_change(number, instalments, due)
        if change is not None:
            rows.append({"id": number + 1, "level": change.before, "next_level_at": change.seen_at})
    async with database.sessions.begin() as session:
        await session.execute(update(Instalment), rows)
        await session.execute(delete(Task))
        await session.execute(delete(OutboxMessage))


def readers(owner: str, level: Level) -> list[str]:
    """Whom the rules say a level concerns: yellow the owner, orange also the boss, red also the director."""
    found = [owner]
    if level in (Level.ORANGE, Level.RED):
        found.append(BOSS)
    if level is Level.RED:
        found.append(DIRECTOR)
    return found


async def check(database: Database, instalments: int, due: int) -> list[str]:
    """Every due instalment on its new level, its next change after now; one item and the DMs each."""
    expected_levels, expected_keys = {}, set()
    for number in range(instalments):
        change = due_change(number, instalments, due)
        if change is not None:
            expected_levels[number + 1] = (change.after.value, change.next_at)
            expected_keys |= {
                f"dunning:{number + 1}:{change.after.value}:{reader}"
                for reader in readers(owner_of(number), change.after)
            }
    async with database.sessions() as session:
        found = await session.execute(
            select(Instalment.id, Instalment.level, Instalment.next_level_at).where(
                Instalment.id.in_(list(expected_levels))
            )
        )
        levels = {row.id: (row.level, row.next_level_at) for row in found}
        still_due = await session.scalar(select(func.count()).where(Instalment.next_level_at <= NOW))
        keys = set(
            await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "dunning"))
        )
        items = await session.scalar(select(func.count()).where(Task.kind == DUNNING, Task.state == "open"))
    problems = []
    wrong = sum(1 for key, value in expected_levels.items() if levels.get(key) != value)
    if wrong:
        problems.append(f"{wrong} of {len(expected_levels)} due instalments not on their new level")
    if still_due:
        problems.append(f"{still_due} instalments still due after the sweep")
    if keys != expected_keys:
        problems.append(f"{len(keys)} dunning DMs, {len(keys ^ expected_keys)} not as expected")
    if items != due:
        problems.append(f"{items} dunning items on the owners' lists, expected {due}")
    return problems


async def run(backend: str, url: str, instalments: int, due: int, repeats: int) -> Sweep:
    result = Sweep(backend, instalments)
    database = Database(url)
    await database.upgrade()
    desk = DunningDesk(database, RULES, TaskBook(RULES, TZ))
    try:
        started = time.perf_counter()
        await fill(database, instalments, due)
        result.filled_in = time.perf_counter() - started
        for repeat in range(repeats):
            await reset(database, instalments, due)
            started = time.perf_counter()
            result.moved = await desk.sweep(NOW)
            result.seconds.append(time.perf_counter() - started)
            if result.moved != due:
                result.problems.append(f"repeat {repeat + 1}: the sweep moved {result.moved}, expected {due}")
            if repeat == 0:
                if (again := await desk.sweep(NOW)) != 0:
                    result.problems.append(f"a second sweep at the same instant moved {again}")
                result.problems += await check(database, instalments, due)
    finally:
        await database.dispose()
    return result


def report(baseline: Sweep, large: Sweep) -> bool:
    """Print one backend's figures; True when the ratio of the medians meets the aim."""
    ratio = large.median / baseline.median
    for run_ in (baseline, large):
        spread = ", ".join(f"{s:.3f}" for s in run_.seconds)
        print(
            f"{run_.backend:<10} {run_.instalments:>9,} instalments: filled in {run_.filled_in:6.1f} s, "
            f"sweep median {run_.median:6.3f} s ({run_.moved:,} moved; repeats {spread})"
        )
    verdict = "PASS" if ratio <= MAX_RATIO else "MISS"
    print(f"{large.backend:<10} ratio {ratio:.2f}x (aim <= {MAX_RATIO:g}x): {verdict}", flush=True)
    return ratio <= MAX_RATIO


async def main_async(args: argparse.Namespace) -> int:
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends:
            runs = []
            for instalments in (args.baseline, args.instalments):
                url = await fresh_url(backend, args.database_url, Path(folder), instalments)
                runs.append(await run(backend, url, instalments, args.due, args.repeats))
                for problem in runs[-1].problems:
                    print(f"FAIL {backend} {instalments:,}: {problem}")
                    failed = True
            report(*runs)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--instalments", type=int, default=100_000, help="open instalments in the large table"
    )
    parser.add_argument("--baseline", type=int, default=10_000, help="open instalments in the baseline table")
    parser.add_argument("--due", type=int, default=1_000, help="instalments whose level changes, in both")
    parser.add_argument("--repeats", type=int, default=5, help="sweeps per size; the figure is their median")
    database_arguments(parser)
    args = parser.parse_args()
    if not 0 < args.due <= args.baseline < args.instalments:
        parser.error("need 0 < --due <= --baseline < --instalments")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
