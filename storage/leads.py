"""Leads, their audit trail and the pools' rotation, as routing needs them stored.

Duplicate checks use normalised keys (a phone's digits; company + contact case-folded) that are also
unique in the database, so two webhooks racing with the same lead cannot both insert it. A claim is one
conditional UPDATE, which is what makes "the first claim wins" hold under fifty simultaneous clicks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.leads import PROMPT_CONTACT_WINDOW, Reason, RepState
from domain.routing import PoolRotation, RotationSlot
from storage.models import LeadDecision, LeadRecord, PoolRotationRecord
from storage.upsert import insert_into

OPEN_STATUSES = ("offered", "public")
EXPIRED = "expired"  # a release for lack of contact: it counts against the owner's priority


def phone_key(phone: str | None) -> str | None:
    """A phone number's digits (the last 11, so +86 and 0086 prefixes match), None if too short."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-11:] if len(digits) >= 5 else None


def identity_key(company: str, contact: str) -> str:
    """Company and contact as duplicates are recognised: case and spacing do not matter."""
    return f"{_fold(company)}|{_fold(contact)}"


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


async def find_duplicate(
    session: AsyncSession, team_id: str, phone: str | None, identity: str
) -> LeadRecord | None:
    """The existing lead with the same phone, or the same company and contact."""
    conditions = [LeadRecord.identity_key == identity]
    if phone:
        conditions.append(LeadRecord.phone_key == phone)
    return (
        await session.scalars(
            select(LeadRecord)
            .where(LeadRecord.team_id == team_id, or_(*conditions))
            .order_by(LeadRecord.id)
            .limit(1)
        )
    ).first()


async def phone_in_use(session: AsyncSession, team_id: str, phone: str) -> bool:
    """Whether a lead of the team already has this phone key."""
    found = await session.scalar(
        select(LeadRecord.id).where(LeadRecord.team_id == team_id, LeadRecord.phone_key == phone).limit(1)
    )
    return found is not None


async def get(session: AsyncSession, lead_id: int, *, for_update: bool = False) -> LeadRecord | None:
    """A lead by id."""
    statement = select(LeadRecord).where(LeadRecord.id == lead_id).execution_options(populate_existing=True)
    if for_update:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).one_or_none()


async def by_card(session: AsyncSession, channel_id: str, ts: str) -> LeadRecord | None:
    """The lead whose card is the message `ts` in `channel_id` (its thread is the lead's conversation)."""
    return (
        await session.scalars(
            select(LeadRecord).where(LeadRecord.card_channel == channel_id, LeadRecord.card_ts == ts)
        )
    ).one_or_none()


async def rep_states(
    session: AsyncSession, team_id: str, now: datetime, window: timedelta
) -> dict[str, RepState]:
    """Each owner's open uncontacted load and their contact record over the last `window`."""
    since = now - window
    rows = await session.execute(
        select(
            LeadRecord.owner_id, LeadRecord.status, LeadRecord.assigned_at, LeadRecord.first_contact_at
        ).where(LeadRecord.team_id == team_id, LeadRecord.owner_id.is_not(None))
    )
    open_load: Counter[str] = Counter()
    prompt: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for owner, status, assigned_at, contacted_at in rows:
        if status == "assigned":
            open_load[owner] += 1
        elif contacted_at is not None and assigned_at is not None and contacted_at >= since:
            (prompt if contacted_at - assigned_at <= PROMPT_CONTACT_WINDOW else late)[owner] += 1
    stale = Counter(
        await session.scalars(
            select(LeadDecision.owner_id).where(
                LeadDecision.team_id == team_id,
                LeadDecision.kind == EXPIRED,
                LeadDecision.decided_at >= since,
            )
        )
    )
    owners = set(open_load) | set(prompt) | set(late) | set(stale)
    return {o: RepState(open_load[o], prompt[o], late[o], stale[o]) for o in owners if o}


async def rotations(session: AsyncSession, team_id: str) -> dict[str, tuple[PoolRotation, int]]:
    """Each pool's rotation and its version, for optimistic saving."""
    rows = await session.scalars(select(PoolRotationRecord).where(PoolRotationRecord.team_id == team_id))
    return {row.pool_id: (_rotation_from_json(row.state), row.version) for row in rows}


async def save_rotation(
    session: AsyncSession, team_id: str, pool_id: str, rotation: PoolRotation, version: int | None
) -> bool:
    """Store a pool's new rotation unless another router saved one since it was read (then False)."""
    state = _rotation_to_json(rotation)
    if version is None:
        result = await session.execute(
            insert_into(session, PoolRotationRecord)
            .values(team_id=team_id, pool_id=pool_id, state=state, version=1)
            .on_conflict_do_nothing(index_elements=["team_id", "pool_id"])
        )
    else:
        result = await session.execute(
            update(PoolRotationRecord)
            .where(
                PoolRotationRecord.team_id == team_id,
                PoolRotationRecord.pool_id == pool_id,
                PoolRotationRecord.version == version,
            )
            .values(state=state, version=version + 1)
        )
    return result.rowcount == 1


async def claim(session: AsyncSession, lead_id: int, user_id: str, now: datetime) -> bool:
    """Give an unowned lead to `user_id` if nobody got there first: one UPDATE, one winner."""
    result = await session.execute(
        update(LeadRecord)
        .where(LeadRecord.id == lead_id, LeadRecord.owner_id.is_(None), LeadRecord.status.in_(OPEN_STATUSES))
        .values(owner_id=user_id, status="assigned", assigned_at=now, offer_widens_at=None, updated_at=now)
    )
    return result.rowcount == 1


async def offers_to_widen(session: AsyncSession, now: datetime) -> list[int]:
    """Offered leads whose first window has ended by `now`, the longest-waiting first."""
    return list(
        await session.scalars(
            select(LeadRecord.id)
            .where(LeadRecord.status == "offered", LeadRecord.offer_widens_at <= now)
            .order_by(LeadRecord.offer_widens_at, LeadRecord.id)
        )
    )


async def widen_offer(session: AsyncSession, lead_id: int, now: datetime) -> bool:
    """Open a still-unclaimed offer to everyone, once: False when a claim or another job came first."""
    result = await session.execute(
        update(LeadRecord)
        .where(
            LeadRecord.id == lead_id,
            LeadRecord.status == "offered",
            LeadRecord.offer_widens_at <= now,
        )
        .values(offer_widens_at=None, updated_at=now)
    )
    return result.rowcount == 1


async def record(
    session: AsyncSession,
    lead: LeadRecord,
    *,
    kind: str,
    now: datetime,
    actor_id: str | None = None,
    owner_id: str | None = None,
    reasons: Iterable[Reason] = (),
    candidates: list[dict[str, Any]] | None = None,
    mode: str | None = None,
    outcome: str | None = None,
) -> LeadDecision:
    """Append a decision to the lead's audit trail."""
    decision = LeadDecision(
        team_id=lead.team_id,
        lead_id=lead.id,
        kind=kind,
        actor_id=actor_id,
        pool_id=lead.pool_id,
        mode=mode,
        outcome=outcome,
        owner_id=owner_id,
        grade=lead.grade,
        reasons=[reason_to_json(r) for r in reasons],
        candidates=candidates or [],
        decided_at=now,
    )
    session.add(decision)
    await session.flush()
    return decision


async def decisions(session: AsyncSession, lead_id: int) -> list[LeadDecision]:
    """A lead's audit trail, oldest first."""
    return list(
        await session.scalars(
            select(LeadDecision).where(LeadDecision.lead_id == lead_id).order_by(LeadDecision.id)
        )
    )


async def uncontacted(session: AsyncSession, team_id: str | None = None) -> list[LeadRecord]:
    """Owned leads still waiting for first contact (candidates for release)."""
    statement = select(LeadRecord).where(
        LeadRecord.status == "assigned", LeadRecord.first_contact_at.is_(None)
    )
    if team_id is not None:
        statement = statement.where(LeadRecord.team_id == team_id)
    return list(await session.scalars(statement.order_by(LeadRecord.id)))


async def assigned_since(
    session: AsyncSession, team_id: str, owner_ids: Iterable[str], since: datetime
) -> list[tuple[str, datetime, datetime | None]]:
    """(owner, assigned at, first contact) of the leads these reps were given since `since`: an index
    range per rep (`ix_leads_owner_assigned`), however many leads the team has had."""
    rows = await session.execute(
        select(LeadRecord.owner_id, LeadRecord.assigned_at, LeadRecord.first_contact_at).where(
            LeadRecord.owner_id.in_(list(owner_ids)),
            LeadRecord.assigned_at >= since,
            LeadRecord.team_id == team_id,
        )
    )
    return [(owner, assigned, contacted) for owner, assigned, contacted in rows]


async def open_counts(session: AsyncSession, team_id: str, owner_ids: Iterable[str]) -> dict[str, int]:
    """How many assigned, not yet contacted leads each of these reps holds (`ix_leads_owner_status`)."""
    rows = await session.execute(
        select(LeadRecord.owner_id, func.count())
        .where(
            LeadRecord.owner_id.in_(list(owner_ids)),
            LeadRecord.status == "assigned",
            LeadRecord.team_id == team_id,
        )
        .group_by(LeadRecord.owner_id)
    )
    return {owner: int(count) for owner, count in rows}


def reason_to_json(reason: Reason) -> dict[str, Any]:
    """A reason as stored in the audit trail."""
    return {"code": str(reason.code), "params": dict(reason.params)}


def reason_from_json(data: Mapping[str, Any]) -> Reason:
    """A stored reason, ready to render."""
    return Reason(data["code"], data.get("params", {}))


def _rotation_to_json(rotation: PoolRotation) -> dict[str, Any]:
    return {
        "clock": rotation.clock,
        "turn": rotation.turn,
        "premium_routed": rotation.premium_routed,
        "premium_to_new_reps": rotation.premium_to_new_reps,
        "slots": {user: [slot.position, slot.last_turn] for user, slot in rotation.slots.items()},
    }


def _rotation_from_json(data: Mapping[str, Any]) -> PoolRotation:
    return PoolRotation(
        clock=data.get("clock", 0.0),
        turn=data.get("turn", 0),
        premium_routed=data.get("premium_routed", 0),
        premium_to_new_reps=data.get("premium_to_new_reps", 0),
        slots={
            user: RotationSlot(position, last_turn)
            for user, (position, last_turn) in data.get("slots", {}).items()
        },
    )


async def received_between(
    session: AsyncSession, team_id: str, start: datetime, end: datetime, kinds: Iterable[str]
) -> list[tuple[str, str, datetime, str | None, datetime | None]]:
    """(owner, grade, when, the lead's current owner, its first contact) for each lead handed to a rep."""
    rows = await session.execute(
        select(
            LeadDecision.owner_id,
            LeadDecision.grade,
            LeadDecision.decided_at,
            LeadRecord.owner_id,
            LeadRecord.first_contact_at,
        )
        .join(LeadRecord, LeadRecord.id == LeadDecision.lead_id)
        .where(
            LeadDecision.team_id == team_id,
            LeadDecision.kind.in_(list(kinds)),
            LeadDecision.owner_id.is_not(None),
            LeadDecision.decided_at >= start,
            LeadDecision.decided_at < end,
        )
        .order_by(LeadDecision.id)
    )
    return [tuple(row) for row in rows]
