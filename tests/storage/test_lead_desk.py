"""The lead desk on each database: intake, duplicates, routing with its audit, claims, releases."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from config.lead_rules import LeadRules
from storage.db import Database
from storage.models import LeadDecision, LeadRecord, OutboxMessage, PoolRotationRecord
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


# --- fair offers ------------------------------------------------------------------------------------

OFFER_RULES = LeadRules.model_validate(
    {
        "cap": 2,
        "offer_first_window_minutes": 10,
        "scoring": [
            {"id": "trial", "label": {"en": "Asked for a trial", "zh": "申请试用"}, "points": 70,
             "when": {"signal": "trial_request"}},
            {"id": "form", "label": "Website form", "points": 10, "when": {"signal": "website_form"}},
        ],
        "pools": [{"id": "north", "channel": "CNORTH", "regions": ["North"], "mode": "offer"}],
        "reps": [
            {"user_id": "UALICE", "name": "Alice", "joined": "2024-01-01", "regions": ["North"]},
            {"user_id": "UBOB", "name": "Bob", "joined": "2024-01-01", "regions": ["North"]},
            {"user_id": "UCHEN", "name": "Chen", "joined": "2024-01-01", "regions": ["North"]},
        ],
    }
)  # fmt: skip


@pytest.fixture
async def offer_desk(database_url: str) -> AsyncIterator[LeadDesk]:
    database = Database(database_url)
    await database.upgrade()
    yield LeadDesk(database, OFFER_RULES)
    await database.dispose()


async def test_a_rep_at_cap_cannot_claim(offer_desk: LeadDesk) -> None:
    leads = [await offer_desk.intake(TEAM, lead(f"Cap{n}", region="North"), NOW) for n in range(3)]
    for placed in leads[:2]:
        await offer_desk.claim(placed.lead.id, "UALICE", NOW)
    with pytest.raises(LeadError) as refused:
        await offer_desk.claim(leads[2].lead.id, "UALICE", NOW)
    assert refused.value.code == "at_cap" and refused.value.params == {"open": 2, "cap": 2}
    assert (await offer_desk.lead(leads[2].lead.id)).owner_id is None
    await offer_desk.mark_contacted(leads[0].lead.id, "UALICE", NOW)
    assert (await offer_desk.claim(leads[2].lead.id, "UALICE", NOW)).owner_id == "UALICE"


async def rotation_of(desk: LeadDesk, pool_id: str) -> tuple[dict, int]:
    async with desk._db.sessions() as session:
        row = await session.get(PoolRotationRecord, (TEAM, pool_id))
    return (row.state, row.version) if row else ({}, 0)


async def test_claims_move_the_offer_pools_rotation(offer_desk: LeadDesk) -> None:
    first = await offer_desk.intake(TEAM, lead("Rot1", region="North"), NOW)
    second = await offer_desk.intake(TEAM, lead("Rot2", region="North"), NOW)
    assert await rotation_of(offer_desk, "north") == ({}, 0)  # offering alone moves nothing
    await offer_desk.claim(first.lead.id, "UBOB", NOW)
    state, version = await rotation_of(offer_desk, "north")
    assert version == 1 and state["turn"] == 1 and set(state["slots"]) == {"UBOB"}
    await offer_desk.claim(second.lead.id, "UCHEN", NOW)
    state, version = await rotation_of(offer_desk, "north")
    assert version == 2 and set(state["slots"]) == {"UBOB", "UCHEN"}
    # So the next S lead goes first to the one rep who has claimed nothing.
    hot = await offer_desk.intake(TEAM, lead("Hot1", region="North", signals=["trial_request"]), NOW)
    assert hot.lead.grade == "S" and hot.lead.offered_first == ["UALICE"]
    assert hot.lead.offer_widens_at == NOW + timedelta(minutes=10)


async def test_a_public_pool_claim_counts_against_the_cap_too(desk: LeadDesk) -> None:
    for n in range(10):  # Alice and Bob at their cap of 5; the default pool has no fallback owner
        await desk.intake(TEAM, lead(f"Full{n:04d}"), NOW)
    public = await desk.intake(TEAM, lead("Nowhere", region="West"), NOW)
    assert public.lead.status == "public"
    with pytest.raises(LeadError) as refused:
        await desk.claim(public.lead.id, "UBOB", NOW)
    assert refused.value.code == "at_cap"
    assert (await desk.claim(public.lead.id, "UCHEN", NOW)).owner_id == "UCHEN"
    assert await desk.open_load(TEAM, "UCHEN", NOW) == 1
    # Chen does not cover West, so the default pool's rotation has no place to move them on.
    assert await rotation_of(desk, "default") == ({}, 0)


async def test_only_the_first_group_claims_until_the_job_widens_the_offer(offer_desk: LeadDesk) -> None:
    warm = await offer_desk.intake(TEAM, lead("Warm1", region="North"), NOW)
    await offer_desk.claim(warm.lead.id, "UALICE", NOW)
    hot = await offer_desk.intake(TEAM, lead("Hot2", region="North", signals=["trial_request"]), NOW)
    assert set(hot.lead.offered_first) == {"UBOB", "UCHEN"}
    with pytest.raises(LeadError) as refused:
        await offer_desk.claim(hot.lead.id, "UALICE", NOW + timedelta(minutes=4))
    assert refused.value.code == "offered_first_only" and refused.value.params == {"minutes": 6}

    assert await offer_desk.widen_offers(NOW + timedelta(minutes=9)) == []
    assert await offer_desk.widen_offers(NOW + timedelta(minutes=10)) == [hot.lead.id]
    assert await offer_desk.widen_offers(NOW + timedelta(minutes=11)) == []  # once
    widened = await offer_desk.lead(hot.lead.id)
    assert widened.offer_widens_at is None and widened.status == "offered"
    async with offer_desk._db.sessions() as session:
        kinds = list(
            await session.scalars(select(LeadDecision.kind).where(LeadDecision.lead_id == hot.lead.id))
        )
        cards = list(await session.scalars(select(OutboxMessage.dedupe_key)))
    assert kinds == ["routed", "widened"] and f"lead-card:{hot.lead.id}" in cards
    assert (await offer_desk.claim(hot.lead.id, "UALICE", NOW + timedelta(minutes=11))).owner_id == "UALICE"


async def test_a_claimed_lead_is_not_widened(offer_desk: LeadDesk) -> None:
    warm = await offer_desk.intake(TEAM, lead("Warm2", region="North"), NOW)
    await offer_desk.claim(warm.lead.id, "UALICE", NOW)
    hot = await offer_desk.intake(TEAM, lead("Hot3", region="North", signals=["trial_request"]), NOW)
    await offer_desk.claim(hot.lead.id, "UBOB", NOW + timedelta(minutes=1))
    assert await offer_desk.widen_offers(NOW + timedelta(minutes=10)) == []


async def test_scoring_labels_keep_both_languages_or_the_one_text(offer_desk: LeadDesk) -> None:
    placed = await offer_desk.intake(
        TEAM, lead("Labels", region="North", signals=["trial_request", "website_form"]), NOW
    )
    assert placed.lead.fired_rules == [
        {"id": "trial", "label": "Asked for a trial", "labels": {"en": "Asked for a trial", "zh": "申请试用"},
         "points": 70},
        {"id": "form", "label": "Website form", "points": 10},
    ]  # fmt: skip


async def test_a_batch_reads_the_reps_loads_once(desk: LeadDesk) -> None:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = desk._db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await desk.intake_many(TEAM, [lead(f"Few{n:04d}") for n in range(5)], NOW)
        few = len(statements)
        statements.clear()
        await desk.intake_many(TEAM, [lead(f"Many{n:04d}", region="North") for n in range(25)], NOW)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    loads = [s for s in statements if "lead_decisions.kind" in s and "lead_decisions.owner_id" in s]
    assert len(loads) == 1  # rep_states' stale-lead count: once for the batch, not per lead
    assert len(statements) / 25 <= few / 5 * 1.2
