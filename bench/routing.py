"""Benchmark lead routing: 10,000 leads over 500 reps, against the floor of a bare loop over the same data.

Run `python bench/routing.py`. The floor visits every rep once per lead doing nothing but a region
check, which is what a naive router costs before it decides anything. The eligibility index is built
first and timed on its own, as the bot builds it once per roster. Routing is then timed end to end as
the bot runs it: `route`, then `advance` into the next state, with reps contacting their leads as the
simulated week goes by so caps bind realistically. Exits 1 below 5,000 decisions a second.
"""

from __future__ import annotations

import random
import sys
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

# Run as a script from a checkout: make the project's packages importable without installing them.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.lead_rules import LeadRules
from domain.leads import Grade, Lead, Rep
from domain.routing import BudgetBand, Pool, PoolMode, RoutingState, RoutingTable, advance, route
from domain.scoring import score_lead

REPS = 500
LEADS = 10_000
TARGET_PER_SECOND = 5_000
SEED = 20240601
REGIONS = ("East", "South", "North", "West", "Central", "Northeast", "Northwest", "Southwest")
INDUSTRIES = ("machinery", "chemicals", "textiles", "electronics", "food", "auto", "medical", "energy")
SIGNALS = ("website_form", "wechat_contact", "phone_inquiry", "trial_request", "competitor_employee")
START = datetime(2024, 6, 3, 9, tzinfo=UTC)
LEAD_INTERVAL = timedelta(minutes=1)
# Each lead is contacted this many decisions after it was routed: about three open leads per rep.
CONTACT_LAG = 1_500


@dataclass(frozen=True)
class Workload:
    """The benchmark's fixed inputs, identical on every run."""

    table: RoutingTable
    reps: tuple[Rep, ...]
    leads: tuple[Lead, ...]
    grades: tuple[Grade, ...]


def build_workload(rng: random.Random) -> Workload:
    """A team of 500 with eight regional pools, a key-account pool and a catch-all default pool."""
    reps = tuple(
        Rep(
            user_id=f"U{i:04d}",
            name=f"Rep {i}",
            joined_at=date(2024, 6, 1) - timedelta(days=rng.randrange(10, 2_000)),
            regions=frozenset(rng.sample(REGIONS, rng.choice((1, 1, 2)))),
            industries=frozenset(rng.sample(INDUSTRIES, rng.randrange(2, 5))),
            weight=rng.choice((0.8, 1.0, 1.0, 1.2, 1.5)),
            away=rng.random() < 0.05,
        )
        for i in range(REPS)
    )
    key_account_team = frozenset(rep.user_id for rep in rng.sample(reps, 80))
    pools = [
        Pool(
            id="key_accounts",
            budget_band=BudgetBand(low=Decimal(2_500_000)),
            members=key_account_team,
            mode=PoolMode.ASSIGN,
            fallback_owner="UMANAGER",
        ),
        *(Pool(id=f"region_{region.lower()}", regions=frozenset({region})) for region in REGIONS),
    ]
    leads = tuple(
        Lead(
            id=f"L{i:05d}",
            source=rng.choice(("web", "wechat", "phone", "expo")),
            created_at=START + i * LEAD_INTERVAL,
            region=rng.choice(REGIONS) if rng.random() > 0.03 else None,
            industry=rng.choice(INDUSTRIES),
            budget_max=Decimal(rng.randrange(10, 3_000)) * 1_000 if rng.random() > 0.2 else None,
            signals=frozenset(s for s in SIGNALS if rng.random() < 0.3),
            attributes={"page_dwell_seconds": float(rng.randrange(0, 400))},
        )
        for i in range(LEADS)
    )
    # The shipped scoring defaults, so the grade mix matches what a real team would see.
    card = LeadRules().score_card
    return Workload(
        table=RoutingTable(pools, Pool(id="default", fallback_owner="UMANAGER"), reps),
        reps=reps,
        leads=leads,
        grades=tuple(score_lead(lead, card).grade for lead in leads),
    )


def time_index(work: Workload) -> float:
    """Seconds to precompute every pool's standing eligibility for the regions and industries in use."""
    started = time.perf_counter()
    work.table.precompute((*REGIONS, None), INDUSTRIES)
    return time.perf_counter() - started


def time_floor(work: Workload) -> float:
    """Seconds for the bare loop: every lead visits every rep once, with a region check."""
    started = time.perf_counter()
    matched = 0
    for lead in work.leads:
        for rep in work.reps:
            if lead.region in rep.regions:
                matched += 1
    elapsed = time.perf_counter() - started
    assert matched > 0
    return elapsed


def time_routing(work: Workload) -> tuple[float, dict[str, int]]:
    """Seconds to route every lead and advance the state, plus how the leads ended up."""
    state = RoutingState()
    waiting: deque[tuple[str, datetime]] = deque()
    outcomes: dict[str, int] = {}
    started = time.perf_counter()
    for lead, grade in zip(work.leads, work.grades, strict=True):
        decision = route(lead, grade, work.table, state, lead.created_at)
        state = advance(state, decision)
        outcomes[decision.outcome.value] = outcomes.get(decision.outcome.value, 0) + 1
        if decision.owner is not None:
            waiting.append((decision.owner, lead.created_at))
        if len(waiting) > CONTACT_LAG:
            state = _contacted(state, *waiting.popleft(), lead.created_at)
    return time.perf_counter() - started, outcomes


def _contacted(state: RoutingState, owner: str, assigned_at: datetime, now: datetime) -> RoutingState:
    reps = dict(state.reps)
    reps[owner] = reps[owner].after_first_contact(assigned_at, now)
    return RoutingState(reps, state.pools)


def main() -> int:
    """Print the figures; exit status 1 if routing misses the target rate."""
    work = build_workload(random.Random(SEED))
    index = time_index(work)
    floor = time_floor(work)
    elapsed, outcomes = time_routing(work)
    rate = LEADS / elapsed
    print(f"reps: {REPS}, leads: {LEADS}, outcomes: {dict(sorted(outcomes.items()))}")
    print(f"eligibility index (built once per roster): {index:.3f} s")
    print(f"floor (bare loop, every rep once per lead): {floor:.3f} s = {LEADS / floor:,.0f} leads/s")
    print(f"route + advance: {elapsed:.3f} s = {rate:,.0f} decisions/s ({elapsed / floor:.2f}x the floor)")
    if rate < TARGET_PER_SECOND:
        print(f"FAIL: below the target of {TARGET_PER_SECOND:,} decisions/s")
        return 1
    print(f"ok: at least {TARGET_PER_SECOND:,} decisions/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
