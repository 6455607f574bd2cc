"""Benchmark a lead import: time per row for 1,000 and 5,000 rows in one `intake_many` transaction.

Run `python bench/import.py`. Each run starts from an empty SQLite database in a temporary folder whose 50 reps already hold 200 leads, so reading the reps' loads is not
free. A batch reads those loads once and keeps them in memory, so time per row should not grow with
the batch: exits 1 when 5,000 rows cost more than 1.5 times as much per row as 1,000.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# Run as a script from a checkout: make the project's packages importable without installing them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.lead_rules import LeadRules
from storage.db import Database
from usecases.lead_input import LeadInput
from usecases.leads import LeadDesk

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
REGIONS = ("East", "South", "North", "West")
RULES = LeadRules.model_validate(
    {
        "cap": 1_000,
        "reps": [
            {"user_id": f"U{n:03d}", "name": f"Rep {n}", "joined": "2024-01-01", "regions": [REGIONS[n % 4]]}
            for n in range(50)
        ],
    }
)
MAX_RATIO = 1.5


def rows(prefix: str, count: int) -> list[LeadInput]:
    return [
        LeadInput(
            company=f"{prefix} Co {n}",
            contact="Li",
            phone=f"139{n:08d}"[-11:] if prefix == "batch" else f"137{n:08d}"[-11:],
            region=REGIONS[n % 4],
            signals=["website_form"],
        )
        for n in range(count)
    ]


async def seconds_per_row(url: str, count: int) -> float:
    database = Database(url)
    await database.upgrade()
    desk = LeadDesk(database, RULES)
    await desk.intake_many("T1", rows("seed", 200), NOW)
    batch = rows("batch", count)
    started = time.perf_counter()
    await desk.intake_many("T1", batch, NOW)
    elapsed = time.perf_counter() - started
    await database.dispose()
    return elapsed / count


async def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        per_row = {}
        for count in (1_000, 5_000):
            url = f"sqlite+aiosqlite:///{folder}/import-{count}.db"
            per_row[count] = await seconds_per_row(url, count)
            print(f"{count:>6} rows: {per_row[count] * 1000:.2f} ms per row")
    ratio = per_row[5_000] / per_row[1_000]
    print(f"ratio 5,000 / 1,000: {ratio:.2f} (aim <= {MAX_RATIO})")
    return 0 if ratio <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
