"""The lead desk on each database: intake, duplicates, routing with its audit, claims, releases."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from config.lead_rules import LeadRules
from storage.db import Database
from storage.models import LeadDecision, LeadRecord
from usecases.lead_input import LeadInput
from usecases.leads import LeadDesk, LeadError

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
TEAM = "T1"

RULES = LeadRules.model_validate(
    {
        "managers": ["UBOSS"],
        "pools": [
            {
                "id": "east",
                "channel": "CEAST",
                "regions": ["East"],
                "mode": "assign",
                "fallback_owner": "UBOSS",
            },
            {"id": "open", "channel": "COPEN", "regions": ["North"], "mode": "offer"},
        ],
        "reps": [
            {"user_id": "UALICE", "name": "Alice", "joined": "2024-01-01", "regions": ["East"]},
            {"user_id": "UBOB", "name": "Bob", "joined": "2024-01-01", "regions": ["East", "North"]},
            {"user_id": "UCHEN", "name": "Chen", "joined": "2026-10-01", "regions": ["North"]},
        ],
    }
)


@pytest.fixture
async def desk(database_url: str) -> AsyncIterator[LeadDesk]:
    database = Database(database_url)
    await database.upgrade()
    yield LeadDesk(database, RULES)
    await database.dispose()


def lead(company: str, region: str = "East", **extra: object) -> LeadInput:
    phone = f"138 {zlib.crc32(company.encode()) % 10**8:08d}"
    return LeadInput.model_validate(
        {"company": company, "contact": "Li", "phone": phone, "region": region, **extra}
    )


async def test_intake_scores_routes_and_audits_in_one_go(desk: LeadDesk) -> None:
    placed = await desk.intake(TEAM, lead("ACME", signals=["website_form", "phone_inquiry"]), NOW)
    assert placed.lead.score == 25 and placed.lead.grade == "B"
    assert [f["id"] for f in placed.lead.fired_rules] == ["website_form", "phone_inquiry"]
    assert placed.lead.pool_id == "east" and placed.lead.owner_id in {"UALICE", "UBOB"}
    async with desk._db.sessions() as session:
        [decision] = list(await session.scalars(select(LeadDecision)))
    assert decision.kind == "routed" and decision.owner_id == placed.lead.owner_id
    skipped = {c["user_id"]: c["reason"]["code"] for c in decision.candidates if c["verdict"] == "skipped"}
    assert skipped == {"UCHEN": "wrong_region"}


async def test_assign_pools_rotate_between_eligible_reps(desk: LeadDesk) -> None:
    owners = [(await desk.intake(TEAM, lead(f"Co{n:04d}"), NOW)).lead.owner_id for n in range(4)]
    assert sorted(owners) == ["UALICE", "UALICE", "UBOB", "UBOB"]


async def test_a_duplicate_is_merged_not_added(desk: LeadDesk) -> None:
    first = await desk.intake(TEAM, lead("ACME", notes="first call"), NOW)
    again = await desk.intake(
        TEAM, LeadInput(company="acme", contact="li", email="li@acme.cn", notes="web form"), NOW
    )
    assert again.merged and again.lead.id == first.lead.id and again.lead.email == "li@acme.cn"
    same_phone = "+86 " + first.lead.phone.replace(" ", "-")
    by_phone = await desk.intake(TEAM, LeadInput(company="ACME Holdings", phone=same_phone), NOW)
    assert by_phone.merged and by_phone.lead.id == first.lead.id
    async with desk._db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(LeadRecord)) == 1


async def test_nobody_eligible_goes_to_the_fallback_owner(desk: LeadDesk) -> None:
    for n in range(10):  # fill Alice and Bob to their cap of 5
        await desk.intake(TEAM, lead(f"Fill{n:04d}"), NOW)
    placed = await desk.intake(TEAM, lead("Late0001"), NOW)
    assert placed.decision.outcome.value == "fallback" and placed.lead.owner_id == "UBOSS"
    assert placed.decision.notify_manager


async def test_fifty_simultaneous_claims_leave_one_owner(desk: LeadDesk) -> None:
    offered = await desk.intake(TEAM, lead("North01", region="North"), NOW)
    assert offered.lead.status == "offered" and set(offered.lead.offered_to) == {"UBOB", "UCHEN"}
    claimants = ["UBOB", "UCHEN"] * 25
    results = await asyncio.gather(
        *(desk.claim(offered.lead.id, user, NOW) for user in claimants), return_exceptions=True
    )
    winners = {r.owner_id for r in results if not isinstance(r, Exception)}
    assert len(winners) == 1
    [winner] = winners
    refused = [c for c, r in zip(claimants, results, strict=True) if isinstance(r, Exception)]
    assert len(refused) == 25 and winner not in refused
    assert all(r.code == "lead_taken" for r in results if isinstance(r, LeadError))
    async with desk._db.sessions() as session:
        stored = await session.get(LeadRecord, offered.lead.id)
        claims = await session.scalar(
            select(func.count()).select_from(LeadDecision).where(LeadDecision.kind == "claimed")
        )
    assert stored.owner_id == winner and claims == 1


async def test_only_offered_reps_may_claim(desk: LeadDesk) -> None:
    offered = await desk.intake(TEAM, lead("North02", region="North"), NOW)
    with pytest.raises(LeadError) as refused:
        await desk.claim(offered.lead.id, "UALICE", NOW)
    assert refused.value.code == "not_offered"


async def test_an_uncontacted_lead_is_released_to_someone_else(desk: LeadDesk) -> None:
    placed = await desk.intake(TEAM, lead("Slow0001"), NOW)
    first_owner = placed.lead.owner_id
    assert await desk.release_overdue(NOW + timedelta(days=2)) == []
    [again] = await desk.release_overdue(NOW + timedelta(days=3))
    assert again.lead.owner_id not in (None, first_owner) and first_owner in again.lead.released_from
    async with desk._db.sessions() as session:
        kinds = list(await session.scalars(select(LeadDecision.kind).order_by(LeadDecision.id)))
    assert kinds == ["routed", "expired", "routed"]


async def test_a_contacted_lead_is_not_released(desk: LeadDesk) -> None:
    placed = await desk.intake(TEAM, lead("Fast0001"), NOW)
    await desk.mark_contacted(placed.lead.id, placed.lead.owner_id, NOW + timedelta(hours=5))
    assert await desk.release_overdue(NOW + timedelta(days=5)) == []


async def test_only_managers_reassign(desk: LeadDesk) -> None:
    placed = await desk.intake(TEAM, lead("Move0001"), NOW)
    with pytest.raises(LeadError):
        await desk.reassign(placed.lead.id, "UCHEN", "UALICE", NOW)
    moved = await desk.reassign(placed.lead.id, "UCHEN", "UBOSS", NOW)
    assert moved.owner_id == "UCHEN"


async def test_concurrent_intakes_keep_the_rotation_consistent(desk: LeadDesk) -> None:
    placed = await asyncio.gather(*(desk.intake(TEAM, lead(f"Par{n:04d}"), NOW) for n in range(6)))
    owners = sorted(p.lead.owner_id for p in placed)
    assert owners == ["UALICE"] * 3 + ["UBOB"] * 3


async def test_a_merge_never_takes_a_phone_another_lead_has(desk: LeadDesk) -> None:
    no_phone = await desk.intake(
        TEAM, LeadInput(company="Umbrella", contact="Wei", email="wei@umbrella.cn"), NOW
    )
    with_phone = await desk.intake(TEAM, lead("Other0001"), NOW)
    merged = await desk.intake(
        TEAM, LeadInput(company="Umbrella", contact="Wei", phone=with_phone.lead.phone, region="East"), NOW
    )
    assert merged.merged and merged.lead.id == no_phone.lead.id
    assert merged.lead.phone_key is None and merged.lead.region == "East"
