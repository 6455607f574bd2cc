"""The lead desk: intake → duplicate check → score → route → audit, and every later change of hands.

Each operation is one database transaction: a lead, the decision that placed it and the messages about
it (the lead's card, the new owner's DM, the managers' word when nobody could take it) are written
together or not at all. Routing reads the pool's rotation and saves it back only if nobody else did
meanwhile (otherwise it routes again), so replicas can take leads at the same moment. Slack stays out
of here: the outbox delivers what was queued.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from config.lead_rules import LeadRules
from domain.leads import Grade, Lead, Reason, Rep, RepOverride, Urgency, apply_overrides, status_says_away
from domain.release import OwnedLead, due_for_release
from domain.routing import (
    Outcome,
    ReasonCode,
    RoutingDecision,
    RoutingState,
    RoutingTable,
    advance,
    claim_turn,
    explain,
    may_claim_offer,
    route,
)
from domain.scoring import FiredRule, Score, score_lead
from storage import handovers, idempotency, outbox
from storage import leads as store
from storage import roster as roster_store
from storage.db import Database
from storage.models import LeadDecision, LeadRecord
from storage.outbox import Outgoing
from usecases.lead_input import LeadInput
from usecases.refusal import Refusal
from usecases.task_book import TaskBook, home_key

# What callers read of a lead's audit trail, named here so they need not reach into storage.
__all__ = [
    "IntakeAnswer",
    "LeadDecision",
    "LeadDesk",
    "LeadError",
    "Placement",
    "intake_answer",
    "lead_card",
    "reason_from_json",
]
reason_from_json = store.reason_from_json

CONTACT_RECORD_WINDOW = timedelta(days=90)
STATUS_SOURCE = "slack-status"  # the `updated_by` of changes read from reps' Slack statuses
_ROUTING_ATTEMPTS = 8
_INTAKE_SCOPE = "leads"  # the `Idempotency-Key` namespace of lead intake
_T = TypeVar("_T")


class LeadError(Refusal):
    """A lead operation refused for a reason the person can act on."""


def lead_card(lead: LeadRecord, channel: str | None = None) -> Outgoing:
    """The outbox message that shows a lead's card in its pool's channel."""
    return Outgoing(
        key=f"lead-card:{lead.id}",
        kind="lead_card",
        team_id=lead.team_id,
        channel=channel or lead.card_channel or "",
        payload={"lead_id": lead.id},
    )


@dataclass
class _Loads:
    """Routing's view of a team inside one transaction: reps' loads, pools' rotations and versions.

    Read once per transaction and kept up to date as each lead is placed, so a batch of leads reads
    the reps' loads once instead of once per lead.
    """

    state: RoutingState
    versions: dict[str, int] = field(default_factory=dict)

    @classmethod
    async def read(cls, session: AsyncSession, team_id: str, now: datetime) -> _Loads:
        rotations = await store.rotations(session, team_id)
        state = RoutingState(
            reps=await store.rep_states(session, team_id, now, CONTACT_RECORD_WINDOW),
            pools={pool_id: rotation for pool_id, (rotation, _) in rotations.items()},
        )
        return cls(state, {pool_id: version for pool_id, (_, version) in rotations.items()})

    async def save(self, session: AsyncSession, team_id: str, pool_id: str, moved: RoutingState) -> bool:
        """Take `moved` as the new state, storing the pool's rotation unless another writer moved it."""
        rotation = moved.pools.get(pool_id)
        if rotation is not None and rotation != self.state.pools.get(pool_id):
            version = self.versions.get(pool_id)
            if not await store.save_rotation(session, team_id, pool_id, rotation, version):
                return False
            self.versions[pool_id] = 1 if version is None else version + 1
        self.state = moved
        return True


@dataclass(frozen=True)
class Placement:
    """Where a lead went: the lead as stored, its score, and the routing decision (None when merged)."""

    lead: LeadRecord
    score: Score | None
    decision: RoutingDecision | None
    merged: bool = False


@dataclass(frozen=True)
class IntakeAnswer:
    """What an intake caller is told: 201 and the new lead, or 200 and the lead it merged into."""

    status: int
    body: dict[str, Any]


def intake_answer(placement: Placement, *, announced: bool) -> IntakeAnswer:
    """The answer for a placement, the same for the first request and every replay of it.

    `announced` is False when the lead is stored but its pool posts no card (no channel, or one
    Slack does not know), so whoever sent it knows nobody was told.
    """
    lead = placement.lead
    body = {
        "id": lead.id,
        "grade": lead.grade,
        "score": lead.score,
        "owner": lead.owner_id,
        "announced": announced,
    }
    return IntakeAnswer(200 if placement.merged else 201, body)


class LeadDesk:
    """Takes leads in and moves them between reps, keeping the audit trail."""

    def __init__(self, database: Database, rules: LeadRules, tasks: TaskBook | None = None):
        """`tasks` keeps each owner's "contact this lead" item; without it (routing tests) none is kept."""
        self._db = database
        self._rules = rules
        self._tasks = tasks
        # The routing table indexes eligibility; rebuild it only when the Slack-side roster changes.
        self._tables: dict[tuple[str, frozenset[tuple[str, RepOverride]]], RoutingTable] = {}

    @property
    def rules(self) -> LeadRules:
        """The `[leads]` rules this desk applies."""
        return self._rules

    def is_manager(self, user_id: str) -> bool:
        """Managers may reassign any lead and change anyone's roster entry."""
        return user_id in self._rules.manager_ids

    async def lead(self, lead_id: int) -> LeadRecord | None:
        """A lead as stored."""
        async with self._db.sessions() as session:
            return await store.get(session, lead_id)

    async def open_load(self, team_id: str, user_id: str, now: datetime) -> int:
        """How many assigned leads `user_id` has not yet contacted (what their cap counts)."""
        async with self._db.sessions() as session:
            states = await store.rep_states(session, team_id, now, CONTACT_RECORD_WINDOW)
        return states[user_id].open_uncontacted if user_id in states else 0

    async def trail(self, lead_id: int) -> tuple[LeadRecord | None, list[LeadDecision]]:
        """A lead and every decision about it, oldest first (`/closeloop lead why`)."""
        async with self._db.sessions() as session:
            lead = await store.get(session, lead_id)
            return lead, (await store.decisions(session, lead_id) if lead else [])

    async def received_between(
        self, team_id: str, start: datetime, end: datetime, kinds: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """Who received which lead when, for the fairness report."""
        async with self._db.sessions() as session:
            return list(await store.received_between(session, team_id, start, end, tuple(kinds)))

    async def roster(self, team_id: str) -> tuple[Rep, ...]:
        """The team's reps as routing sees them now: the rules file's roster with Slack-side changes."""
        async with self._db.sessions() as session:
            return (await self._table(session, team_id)).roster

    async def change_rep(
        self, team_id: str, user_id: str, changes: dict[str, Any], by: str, now: datetime
    ) -> Rep:
        """Change a roster entry (`/closeloop rep`): reps may set their own away flag, managers anything."""
        if user_id not in {rep.user_id for rep in self._rules.routing_table.roster}:
            raise LeadError("not_on_roster", user=user_id)
        if not self.is_manager(by) and (by != user_id or set(changes) - {"away"}):
            raise LeadError("managers_only_roster")
        async with self._db.sessions.begin() as session:
            # A rep whose work was handed over has left: only a manager brings them back into routing.
            if not self.is_manager(by) and await handovers.handed_over_from(session, team_id, user_id):
                raise LeadError("departed")
            await roster_store.change(session, team_id, user_id, changes, by, now)
            await outbox.reshow(session, home_key(user_id), now)  # their Home says whether they take leads
            table = await self._table(session, team_id)
        return next(rep for rep in table.roster if rep.user_id == user_id)

    async def note_statuses(
        self, team_id: str, statuses: Mapping[str, tuple[str, str]], now: datetime
    ) -> list[str]:
        """Record which reps' Slack status (text, emoji) says they are away; returns whose verdict changed."""
        rules = self._rules
        async with self._db.sessions.begin() as session:
            known = await roster_store.overrides(session, team_id)
            changed = []
            for user_id, (text, emoji) in statuses.items():
                away = status_says_away(text, emoji, rules.away_status_words, rules.away_status_emoji)
                if away != known.get(user_id, RepOverride()).status_away:
                    await roster_store.change(
                        session, team_id, user_id, {"status_away": away}, STATUS_SOURCE, now
                    )
                    await outbox.reshow(session, home_key(user_id), now)
                    changed.append(user_id)
        return changed

    async def _table(self, session: AsyncSession, team_id: str) -> RoutingTable:
        overrides = await roster_store.overrides(session, team_id)
        if not overrides:
            return self._rules.routing_table
        key = (team_id, frozenset(overrides.items()))
        if key not in self._tables:
            base = self._rules.routing_table
            roster = apply_overrides(base.roster, overrides)
            self._tables = {key: RoutingTable(base.pools, base.default_pool, roster, base.new_rep_days)}
        return self._tables[key]

    async def intake(
        self, team_id: str, submitted: LeadInput, now: datetime, actor_id: str | None = None
    ) -> Placement:
        """Add a lead (or merge it into its duplicate) and route it, all in one transaction."""
        [placement] = await self.intake_many(team_id, [submitted], now, actor_id)
        return placement

    async def intake_many(
        self, team_id: str, inputs: Sequence[LeadInput], now: datetime, actor_id: str | None = None
    ) -> list[Placement]:
        """Take in a batch of leads in one transaction, so an import lands whole or not at all.

        Leads are placed in order and each sees the ones before it: a duplicate within the batch merges
        into the lead an earlier entry created. If another router moves a pool's rotation meanwhile,
        the whole batch is placed again.
        """

        async def place(session: AsyncSession) -> list[Placement] | None:
            return await self._intake_all(session, team_id, inputs, now, actor_id)

        return await self._in_one_transaction(place)

    async def intake_keyed(
        self, team_id: str, submitted: LeadInput, now: datetime, key: str, request_hash: str
    ) -> IntakeAnswer:
        """Intake under an `Idempotency-Key`: the first request with the key does the work, the rest
        (at once or later) get its answer; the key with another request is refused (`key_reused`).

        The key is claimed in the lead's own transaction, so a request that fails leaves it free.
        """

        async def place(session: AsyncSession) -> IntakeAnswer | None:
            stored = await idempotency.claim(session, _INTAKE_SCOPE, key, request_hash, now)
            if stored is not None:
                if stored.request_hash not in (None, request_hash):
                    raise LeadError("key_reused")
                return IntakeAnswer(stored.status, stored.body)
            placed = await self._intake_all(session, team_id, [submitted], now, None)
            if placed is None:
                return None
            [placement] = placed
            answer = intake_answer(placement, announced=self.announces(placement.lead))
            await idempotency.answer(session, _INTAKE_SCOPE, key, answer.status, answer.body)
            return answer

        return await self._in_one_transaction(place)

    async def _in_one_transaction(self, work: Callable[[AsyncSession], Awaitable[_T | None]]) -> _T:
        """Run `work` in one transaction, again from the start when it lost a race.

        Lost races: another router moved a pool's rotation (`work` answers None), or another intake
        inserted the same lead or key first (a unique-key conflict; the next attempt finds theirs).
        """
        for _ in range(_ROUTING_ATTEMPTS):
            try:
                async with self._db.sessions.begin() as session:
                    result = await work(session)
                    if result is not None:
                        return result
                    await session.rollback()
            except IntegrityError:
                continue
        raise LeadError("busy")

    async def _intake_all(
        self,
        session: AsyncSession,
        team_id: str,
        inputs: Sequence[LeadInput],
        now: datetime,
        actor_id: str | None,
    ) -> list[Placement] | None:
        """Every lead's placement, or None as soon as one lost a race for a pool's rotation."""
        placements = []
        loads = await _Loads.read(session, team_id, now)
        table = await self._table(session, team_id)
        for submitted in inputs:
            placement = await self._intake_once(session, team_id, submitted, now, actor_id, loads, table)
            if placement is None:
                return None
            placements.append(placement)
        return placements

    async def _intake_once(
        self,
        session: AsyncSession,
        team_id: str,
        submitted: LeadInput,
        now: datetime,
        actor_id: str | None,
        loads: _Loads,
        table: RoutingTable,
    ) -> Placement | None:
        phone = store.phone_key(submitted.phone)
        identity = store.identity_key(submitted.company, submitted.contact)
        existing = await store.find_duplicate(session, team_id, phone, identity)
        if existing is not None:
            # A phone already on another lead stays there: the unique key allows one lead per number.
            take_phone = existing.phone_key is None and phone is not None
            if take_phone and await store.phone_in_use(session, team_id, phone):
                take_phone = False
            _merge(existing, submitted, now, take_phone=take_phone)
            await self._show_card(session, existing, now)
            return Placement(existing, None, None, merged=True)
        record = LeadRecord(
            team_id=team_id,
            company=submitted.company,
            contact=submitted.contact,
            phone=submitted.phone,
            email=submitted.email,
            phone_key=phone,
            identity_key=identity,
            region=submitted.region,
            industry=submitted.industry,
            source=submitted.source,
            budget_min=submitted.budget_min,
            budget_max=submitted.budget_max,
            urgency=submitted.urgency.value if submitted.urgency else None,
            signals=sorted(set(submitted.signals)),
            attributes=submitted.attributes,
            notes=submitted.notes,
            grade="C",
            pool_id="",
            status="new",
            created_at=now,
            updated_at=now,
        )
        session.add(record)
        await session.flush()
        score = score_lead(_domain_lead(record), self._rules.score_card)
        record.score, record.grade = score.points, score.grade.value
        record.fired_rules = [_fired_json(f) for f in score.fired]
        decision = await self._route(session, record, now, frozenset(), actor_id, loads, table)
        if decision is None:
            return None
        return Placement(record, score, decision)

    async def _route(
        self,
        session: AsyncSession,
        record: LeadRecord,
        now: datetime,
        excluded: frozenset[str],
        actor_id: str | None,
        loads: _Loads | None = None,
        table: RoutingTable | None = None,
    ) -> RoutingDecision | None:
        """Route `record` and store the outcome; None when another router moved the rotation first.

        `loads` and `table` are the batch's, when routing many leads in one transaction.
        """
        loads = loads or await _Loads.read(session, record.team_id, now)
        table = table or await self._table(session, record.team_id)
        state = loads.state
        decision = route(_domain_lead(record), Grade(record.grade), table, state, now, excluded)
        if not await loads.save(session, record.team_id, decision.pool_id, advance(state, decision)):
            return None
        record.pool_id = decision.pool_id
        record.owner_id = decision.owner
        record.offered_to = list(decision.offered_to)
        record.offered_first = list(decision.offered_first)
        record.offer_widens_at = decision.widens_at
        record.status = _STATUS_BY_OUTCOME[decision.outcome]
        record.assigned_at = now if decision.owner else None
        record.first_contact_at = None
        record.updated_at = now
        row = await store.record(
            session,
            record,
            kind="routed",
            now=now,
            actor_id=actor_id,
            owner_id=decision.owner,
            reasons=explain(decision),
            candidates=_candidates(decision),
            mode=decision.mode.value,
            outcome=decision.outcome.value,
        )
        await self._announce(session, record, decision, row, now)
        return decision

    async def _announce(
        self,
        session: AsyncSession,
        lead: LeadRecord,
        decision: RoutingDecision,
        row: LeadDecision,
        now: datetime,
    ) -> None:
        """Queue what people must hear of a routing: the card, the owner's DM, the managers' word."""
        await self._show_card(session, lead, now)
        if decision.owner:
            await outbox.send_once(
                session,
                Outgoing(
                    key=f"lead-owner:{lead.id}:{row.id}",
                    kind="text",
                    team_id=lead.team_id,
                    channel=decision.owner,
                    payload={
                        "reader": decision.owner,
                        "key": "lead.dm_owner",
                        "params": {
                            "company": lead.company,
                            "grade": lead.grade,
                            "days": self._rules.release_after_days,
                        },
                    },
                ),
                now,
            )
        if decision.notify_manager:
            for manager_id in self._rules.manager_ids:
                await outbox.send_once(
                    session,
                    Outgoing(
                        key=f"lead-unplaced:{lead.id}:{row.id}:{manager_id}",
                        kind="unplaced_lead",
                        team_id=lead.team_id,
                        channel=manager_id,
                        payload={"reader": manager_id, "lead_id": lead.id, "decision_id": row.id},
                    ),
                    now,
                )

    async def _show_card(self, session: AsyncSession, lead: LeadRecord, now: datetime) -> None:
        """After a change: the owner's item follows the lead, and its card, new or updated, is queued in
        its pool's channel (none when the pool has no channel)."""
        if self._tasks is not None:
            await self._tasks.lead(session, lead, now)
        channel = lead.card_channel or self.pool_channel(lead.pool_id)
        if channel:
            await outbox.show(session, lead_card(lead, channel), now)

    def announces(self, lead: LeadRecord) -> bool:
        """Whether the lead's card is (or will be) posted: its pool has a channel Slack knows."""
        return bool(lead.card_channel or self.pool_channel(lead.pool_id))

    def pool_channel(self, pool_id: str) -> str | None:
        """The channel where a pool's lead cards are posted."""
        table = self._rules.routing_table
        pool = next((p for p in (*table.pools, table.default_pool) if p.id == pool_id), None)
        return pool.channel_id if pool else None

    async def claim(self, lead_id: int, user_id: str, now: datetime) -> LeadRecord:
        """`user_id` takes an offered or public lead; exactly one of many simultaneous claims wins.

        The claim counts against the claimer's cap (a rep at cap is refused) and moves them on in the
        pool's rotation like an assignment. During an S/A lead's first window only the reps it was
        offered to first may claim it. A winner clicking again is told nothing new: the lead is theirs.
        """
        for _ in range(_ROUTING_ATTEMPTS):
            async with self._db.sessions.begin() as session:
                lead = await self._claim_once(session, lead_id, user_id, now)
                if lead is not None:
                    return lead
                await session.rollback()
        raise LeadError("busy")

    async def _claim_once(
        self, session: AsyncSession, lead_id: int, user_id: str, now: datetime
    ) -> LeadRecord | None:
        """The claimed lead, or None when another claim in the pool moved the rotation first."""
        lead = await store.get(session, lead_id)
        if lead is None:
            raise LeadError("lead_unknown", id=lead_id)
        if lead.owner_id is not None:
            return _already_owned(lead, user_id)
        table = await self._table(session, lead.team_id)
        claimer = table.rep(user_id)
        if lead.status == "offered":
            if claimer is None or user_id not in lead.offered_to:
                raise LeadError("not_offered")
            if not may_claim_offer(user_id, lead.offered_to, lead.offered_first, lead.offer_widens_at, now):
                minutes = math.ceil((lead.offer_widens_at - now) / timedelta(minutes=1))
                raise LeadError("offered_first_only", minutes=minutes)
        elif claimer is None or claimer.away:
            raise LeadError("not_offered")
        loads = await _Loads.read(session, lead.team_id, now)
        turn = claim_turn(
            _domain_lead(lead),
            Grade(lead.grade),
            lead.pool_id,
            table,
            loads.state,
            claimer,
            now,
            frozenset(lead.released_from),
        )
        if turn.refusal is not None:
            raise LeadError("at_cap", **turn.refusal.params)
        if not await store.claim(session, lead_id, user_id, now):
            return _already_owned(await store.get(session, lead_id), user_id)
        if not await loads.save(session, lead.team_id, lead.pool_id, turn.state):
            return None
        lead = await store.get(session, lead_id)
        await store.record(session, lead, kind="claimed", now=now, actor_id=user_id, owner_id=user_id)
        await self._show_card(session, lead, now)
        return lead

    async def widen_offers(self, now: datetime) -> list[int]:
        """Open every S/A offer whose first window has ended to everyone eligible (scheduler job).

        Each lead changes in its own transaction with its updated card; a lead claimed meanwhile, or
        widened by another replica, is left alone. Returns the ids widened.
        """
        async with self._db.sessions() as session:
            due = await store.offers_to_widen(session, now)
        widened = []
        for lead_id in due:
            async with self._db.sessions.begin() as session:
                if not await store.widen_offer(session, lead_id, now):
                    continue
                lead = await store.get(session, lead_id)
                reason = Reason(ReasonCode.OFFERED, {"reps": len(lead.offered_to)})
                await store.record(session, lead, kind="widened", now=now, reasons=[reason])
                await self._show_card(session, lead, now)
            widened.append(lead_id)
        return widened

    async def mark_contacted(self, lead_id: int, user_id: str, now: datetime) -> LeadRecord:
        """The owner (or a manager) made first contact: the lead leaves the open load."""
        async with self._db.sessions.begin() as session:
            lead = await self._owned(session, lead_id, user_id)
            if lead.first_contact_at is None:
                await self.contacted_in(session, lead, user_id, now)
                await self._show_card(session, lead, now)
            return lead

    async def contacted_in(
        self, session: AsyncSession, lead: LeadRecord, user_id: str, now: datetime
    ) -> None:
        """Within the caller's transaction: first contact made, the lead leaves its owner's open load."""
        lead.first_contact_at, lead.status, lead.updated_at = now, "contacted", now
        await store.record(session, lead, kind="contacted", now=now, actor_id=user_id, owner_id=lead.owner_id)
        if self._tasks is not None:
            await self._tasks.lead(session, lead, now, actor=user_id)

    async def release(self, lead_id: int, user_id: str, now: datetime) -> Placement:
        """The owner gives the lead back; it is routed again without them."""
        return await self._release(lead_id, now, actor_id=user_id, expired=False)

    async def reassign(self, lead_id: int, to_user: str, manager_id: str, now: datetime) -> LeadRecord:
        """A manager hands the lead to someone else on the roster."""
        if not self.is_manager(manager_id):
            raise LeadError("managers_only")
        async with self._db.sessions.begin() as session:
            lead = await store.get(session, lead_id, for_update=True)
            if lead is None:
                raise LeadError("lead_unknown", id=lead_id)
            # A manager may hand a lead to a rep who is away: that is their call to make.
            if not await self._on_roster(session, lead.team_id, to_user, available_only=False):
                raise LeadError("not_on_roster", user=to_user)
            previous = lead.owner_id
            lead.owner_id, lead.status, lead.assigned_at, lead.first_contact_at = (
                to_user,
                "assigned",
                now,
                None,
            )
            lead.updated_at = now
            previous_owner = [{"user_id": previous, "verdict": "previous_owner"}] if previous else []
            await store.record(
                session,
                lead,
                kind="reassigned",
                now=now,
                actor_id=manager_id,
                owner_id=to_user,
                candidates=previous_owner,
            )
            await self._show_card(session, lead, now)
            return lead

    async def release_overdue(self, now: datetime) -> list[Placement]:
        """Take back every lead not contacted within the rules' limit and route it again (scheduler job)."""
        async with self._db.sessions() as session:
            waiting = await store.uncontacted(session)
        owned = [_owned_lead(lead) for lead in waiting if lead.owner_id and lead.assigned_at]
        placements = []
        for release in due_for_release(owned, now, self._rules.release_after):
            try:
                placements.append(await self._release(int(release.lead_id), now, actor_id=None, expired=True))
            except LeadError as error:
                # Another replica's job, or the owner's contact, got there between our read and our lock.
                if error.code != "nothing_to_release":
                    raise
        return placements

    async def _release(
        self, lead_id: int, now: datetime, *, actor_id: str | None, expired: bool
    ) -> Placement:
        for _ in range(_ROUTING_ATTEMPTS):
            async with self._db.sessions.begin() as session:
                lead = await store.get(session, lead_id, for_update=True)
                if lead is None:
                    raise LeadError("lead_unknown", id=lead_id)
                if actor_id is not None and lead.owner_id != actor_id:
                    raise LeadError("not_owner", owner=lead.owner_id or "")
                overdue = bool(
                    lead.owner_id
                    and lead.assigned_at
                    and due_for_release([_owned_lead(lead)], now, self._rules.release_after)
                )
                if lead.owner_id is None or (expired and not overdue):
                    raise LeadError("nothing_to_release")
                owner = lead.owner_id
                lead.released_from = sorted({*lead.released_from, owner})
                kind = store.EXPIRED if expired else "released"
                await store.record(session, lead, kind=kind, now=now, actor_id=actor_id, owner_id=owner)
                lead.owner_id, lead.status = None, "released"
                await session.flush()
                decision = await self._route(session, lead, now, frozenset(lead.released_from), actor_id)
                if decision is not None:
                    return Placement(lead, None, decision)
                await session.rollback()
        raise LeadError("busy")

    async def _owned(self, session: AsyncSession, lead_id: int, user_id: str) -> LeadRecord:
        lead = await store.get(session, lead_id, for_update=True)
        if lead is None:
            raise LeadError("lead_unknown", id=lead_id)
        if lead.owner_id != user_id and not self.is_manager(user_id):
            raise LeadError("not_owner", owner=lead.owner_id or "")
        return lead

    async def _on_roster(
        self, session: AsyncSession, team_id: str, user_id: str, *, available_only: bool = True
    ) -> bool:
        """On the roster (and, by default, not away): who may take a lead from the public pool."""
        table = await self._table(session, team_id)
        return any(rep.user_id == user_id and not (available_only and rep.away) for rep in table.roster)


_STATUS_BY_OUTCOME = {
    Outcome.ASSIGNED: "assigned",
    Outcome.FALLBACK: "assigned",
    Outcome.OFFERED: "offered",
    Outcome.PUBLIC_POOL: "public",
}


def _owned_lead(lead: LeadRecord) -> OwnedLead:
    """A lead's ownership as the release rule reads it."""
    return OwnedLead(
        str(lead.id),
        lead.owner_id or "",
        lead.assigned_at,  # type: ignore[arg-type]  # callers check it is set
        lead.first_contact_at,
        frozenset(lead.released_from),
    )


def _already_owned(lead: LeadRecord | None, user_id: str) -> LeadRecord:
    """A claim of a lead someone owns: the claimer's own lead as it is, anyone else's refused."""
    if lead is None or lead.owner_id != user_id:
        raise LeadError("lead_taken", owner=lead.owner_id if lead else "")
    return lead


def _domain_lead(record: LeadRecord) -> Lead:
    return Lead(
        id=str(record.id),
        source=record.source or "",
        created_at=record.created_at,
        region=record.region,
        industry=record.industry,
        budget_min=record.budget_min,
        budget_max=record.budget_max,
        urgency=Urgency(record.urgency) if record.urgency else None,
        signals=frozenset(record.signals),
        attributes=record.attributes,
    )


def _fired_json(fired: FiredRule) -> dict[str, Any]:
    """A fired rule as the lead keeps it: its label in every language the rules file gave."""
    entry: dict[str, Any] = {"id": fired.rule_id, "label": fired.label.text, "points": fired.points}
    if fired.label.by_lang:
        entry["labels"] = dict(fired.label.by_lang)
    return entry


def _candidates(decision: RoutingDecision) -> list[dict[str, Any]]:
    """Every rep considered, with the figures they were ranked on or the reason they were skipped."""
    eligible = [
        {
            "user_id": rep.user_id,
            "verdict": "eligible",
            "rank": rank,
            "weight": rep.weight,
            "multiplier": round(rep.multiplier, 3),
            "open_leads": rep.open_leads,
            "cap": rep.cap,
            "is_new": rep.is_new,
        }
        for rank, rep in enumerate(decision.eligible, start=1)
    ]
    skipped = [
        {"user_id": s.user_id, "verdict": "skipped", "reason": store.reason_to_json(s.reason)}
        for s in decision.skipped
    ]
    return eligible + skipped


def _merge(existing: LeadRecord, submitted: LeadInput, now: datetime, *, take_phone: bool) -> None:
    """Fold a duplicate into the lead already known: fill gaps, add signals and notes, keep the owner."""
    for name in ("contact", "email", "region", "industry", "source", "budget_min", "budget_max"):
        if getattr(existing, name) in (None, "") and getattr(submitted, name) not in (None, ""):
            setattr(existing, name, getattr(submitted, name))
    if take_phone:
        existing.phone, existing.phone_key = submitted.phone, store.phone_key(submitted.phone)
    existing.signals = sorted({*existing.signals, *submitted.signals})
    existing.attributes = {**existing.attributes, **submitted.attributes}
    if submitted.notes and submitted.notes not in (existing.notes or ""):
        existing.notes = "\n".join(part for part in (existing.notes, submitted.notes) if part)
    existing.updated_at = now
