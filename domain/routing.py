"""Decide which pool a lead belongs to and which rep gets it, with a reason for every candidate.

Routing is a weighted rotation (start-time fair queuing): each rep holds a position per pool that
advances by 1 / effective weight whenever they receive a lead, and the eligible rep with the lowest
position goes next. A rep who was away or at their cap re-enters at the pool's clock, the position of
the front of the queue, so time off neither banks leads for later nor floods a returning rep. Two
adjustments sit on top: reps who contact leads within 72 h rotate faster (and stale ones slower), and
new reps are guaranteed a share of S/A leads.

`route` only reads; `advance` folds a decision into the state for the next one. A decision carries
every figure it was based on, so changing the rules later never changes how a past decision reads.

Offer pools are fair too. A claim counts against the claimer's cap and moves them on in the rotation
like an assignment (`claim_turn`), and an S/A lead is first offered only to the reps furthest below
their fair share (the new reps while their share is due, otherwise those at the front of the rotation)
for the pool's first-offer window, and then to everyone eligible (`offer_phase`, `may_claim_offer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from itertools import product
from operator import attrgetter
from types import MappingProxyType
from typing import NamedTuple

from domain.leads import Grade, Lead, Reason, Rep, RepState, newcomer_cutoff

# A rep with a poor contact record still gets some leads, so they have the chance to recover it.
MIN_MULTIPLIER = 0.1


class PoolMode(StrEnum):
    """Whether the bot picks the owner or asks the eligible reps to claim the lead."""

    ASSIGN = "assign"
    OFFER = "offer"


class Outcome(StrEnum):
    """What happened to a lead: an owner, an open offer, the fallback owner, or the public pool."""

    ASSIGNED = "assigned"
    OFFERED = "offered"
    FALLBACK = "fallback"
    PUBLIC_POOL = "public_pool"


class OfferPhase(StrEnum):
    """Who may claim an offered lead now: the reps furthest below their fair share, or everyone."""

    FIRST = "first"
    EVERYONE = "everyone"


class ReasonCode(StrEnum):
    """Every code a routing `Reason` can carry; the bot's catalogue has a message for each."""

    # Why a candidate was skipped, checked in this order; only the first that applies is recorded.
    NOT_POOL_MEMBER = "not_pool_member"
    WRONG_REGION = "wrong_region"
    WRONG_INDUSTRY = "wrong_industry"
    AWAY = "away"
    EXCLUDED = "excluded"
    AT_CAP = "at_cap"
    # Why the owner was picked among the eligible.
    NEW_REP_SHARE = "new_rep_share"
    HIGHEST_PRIORITY = "highest_priority"
    ROUND_ROBIN_TIE = "round_robin_tie"
    # The facts `explain` lays out.
    POOL = "pool"
    REGION = "region"
    INDUSTRY = "industry"
    OPEN_LEADS = "open_leads"
    WEIGHT = "weight"
    CONTACT_RECORD = "contact_record"
    OFFERED = "offered"
    OFFERED_FIRST = "offered_first"
    NO_ELIGIBLE_REP = "no_eligible_rep"
    FALLBACK_OWNER = "fallback_owner"
    PUBLIC_POOL = "public_pool"


@dataclass(frozen=True, slots=True)
class BudgetBand:
    """A budget range a pool takes, from `low` (inclusive) up to `high` (exclusive); None is open."""

    low: Decimal | None = None
    high: Decimal | None = None

    def contains(self, budget: Decimal | None) -> bool:
        """A lead that gave no budget cannot be placed in a band, so it falls through to later pools."""
        if budget is None:
            return False
        return (self.low is None or budget >= self.low) and (self.high is None or budget < self.high)


@dataclass(frozen=True, slots=True)
class Pool:
    """A group of reps that shares leads of a region / industry / budget band, and how it shares them.

    Empty regions, industries or members mean "any"; empty members is the whole roster. The fallback
    owner (e.g. the pool's manager) takes leads nobody eligible could, whatever their own load.
    """

    id: str
    channel_id: str | None = None
    regions: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    budget_band: BudgetBand | None = None
    mode: PoolMode = PoolMode.ASSIGN
    members: frozenset[str] = frozenset()
    fallback_owner: str | None = None
    new_rep_share: float = 0.2
    cap: int = 5
    contact_bonus: float = 0.2
    stale_penalty: float = 0.2
    offer_first_window: timedelta = timedelta(minutes=10)

    def takes(self, lead: Lead) -> bool:
        """Whether the lead belongs here; a pool that names regions needs a lead with a region."""
        return (
            (not self.regions or lead.region in self.regions)
            and (not self.industries or lead.industry in self.industries)
            and (self.budget_band is None or self.budget_band.contains(lead.budget))
        )

    def contact_multiplier(self, state: RepState) -> float:
        """How much faster (prompt contact) or slower (stale leads) the rep rotates than their weight.

        Scaled by the share of the rep's contacted-or-released leads, so one stale lead among fifty
        barely counts; a rep with no such leads yet rotates at exactly their weight.
        """
        return max(
            MIN_MULTIPLIER,
            1.0 + self.contact_bonus * state.prompt_share - self.stale_penalty * state.stale_share,
        )


def choose_pool(lead: Lead, pools: Sequence[Pool], default: Pool) -> Pool:
    """The first pool in rules-file order that takes the lead, so admins order pools specific-first."""
    return next((pool for pool in pools if pool.takes(lead)), default)


@dataclass(frozen=True, slots=True)
class RotationSlot:
    """A rep's place in one pool's rotation; `last_turn` breaks ties round-robin (-1 = never)."""

    position: float = 0.0
    last_turn: int = -1


@dataclass(frozen=True, slots=True)
class PoolRotation:
    """One pool's rotation: its clock, turn counter, reps' slots and the new-rep share tally.

    The tally counts only S/A leads routed while some new rep was eligible, so months without new reps
    do not build up a debt that would flood the next hire.
    """

    clock: float = 0.0
    turn: int = 0
    premium_routed: int = 0
    premium_to_new_reps: int = 0
    slots: Mapping[str, RotationSlot] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RoutingState:
    """Everything routing remembers between decisions: each rep's load and each pool's rotation.

    Treat it as immutable: `advance` and the caller's own updates build a new state instead of editing.
    """

    reps: Mapping[str, RepState] = field(default_factory=dict)
    pools: Mapping[str, PoolRotation] = field(default_factory=dict)


class EligibleRep(NamedTuple):
    """A rep who could take the lead, with the figures they were ranked on (lower position first).

    A named tuple rather than a frozen dataclass: a decision holds one per eligible rep, and building
    them is the hot path of routing.
    """

    user_id: str
    weight: float
    multiplier: float
    open_leads: int
    cap: int
    position: float
    last_turn: int
    is_new: bool

    @property
    def effective_weight(self) -> float:
        """The weight after the contact-record bonus or penalty: the rep's rotation speed."""
        return self.weight * self.multiplier


class SkippedRep(NamedTuple):
    """A roster rep who could not take the lead, and the first reason that ruled them out."""

    user_id: str
    reason: Reason


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    """A self-contained record of one routing decision, fit for the audit log as it stands.

    `eligible` is in rank order: the owner (assign) or first to be offered (offer) comes first.
    `offered_first` names the reps an S/A lead is offered to alone until `widens_at`, when the offer
    widens to all of `offered_to`; both are empty / None when the lead is offered to everyone at once.
    `skipped` lists the reps ruled out by this moment's facts (excluded, at cap) in roster order, then
    those ruled out by standing facts (pool membership, region, industry, away).
    """

    lead_id: str
    grade: Grade
    region: str | None
    industry: str | None
    pool_id: str
    channel_id: str | None
    mode: PoolMode
    outcome: Outcome
    owner: str | None
    offered_to: tuple[str, ...]
    owner_reason: Reason | None
    counts_for_new_rep_share: bool
    eligible: tuple[EligibleRep, ...]
    skipped: tuple[SkippedRep, ...]
    decided_at: datetime
    offered_first: tuple[str, ...] = ()
    widens_at: datetime | None = None

    @property
    def notify_manager(self) -> bool:
        """Nobody eligible is a staffing problem the pool's manager should hear about."""
        return self.outcome in (Outcome.FALLBACK, Outcome.PUBLIC_POOL)

    def eligible_rep(self, user_id: str) -> EligibleRep | None:
        """The ranking figures of one rep, or None if they were not eligible."""
        return next((rep for rep in self.eligible if rep.user_id == user_id), None)


@dataclass(frozen=True, slots=True)
class _Contest:
    """A pool's roster split for one region and industry: who may compete and who never can."""

    contenders: tuple[Rep, ...]
    standing_skips: tuple[SkippedRep, ...]


_EXCLUDED = Reason(ReasonCode.EXCLUDED)
_AWAY = Reason(ReasonCode.AWAY)
_NO_HISTORY = RepState()
_FIRST_SLOT = RotationSlot()
_NEW_ROTATION = PoolRotation()
_rotation_order = attrgetter("position", "last_turn")
# Positions are sums of 1 / weight; reps this close are level, whatever the float rounding.
_SAME_POSITION = 1e-9


class RoutingTable:
    """Pools and roster, with each pool's standing eligibility worked out once per region and industry.

    Membership, region, industry and time off do not change between leads, so their verdicts are
    computed on first use and shared by every later decision. Build a new table when the roster or
    pools change.
    """

    __slots__ = ("_contests", "default_pool", "new_rep_days", "pools", "roster")

    def __init__(
        self, pools: Sequence[Pool], default_pool: Pool, roster: Sequence[Rep], new_rep_days: int = 90
    ) -> None:
        user_ids = [rep.user_id for rep in roster]
        if len(set(user_ids)) != len(user_ids):
            raise ValueError("the roster lists a rep twice; each user id may appear once")
        # Rotation state is kept per pool id, so two pools sharing an id would share one rotation.
        by_id = {pool.id: pool for pool in pools}
        if len(by_id) != len(pools) or by_id.get(default_pool.id, default_pool) != default_pool:
            raise ValueError("two different pools share an id; give each pool its own")
        self.pools = tuple(pools)
        self.default_pool = default_pool
        self.roster = tuple(roster)
        self.new_rep_days = new_rep_days
        self._contests: dict[tuple[str, str | None, str | None], _Contest] = {}

    def pool_for(self, lead: Lead) -> Pool:
        """The pool that handles this lead."""
        return choose_pool(lead, self.pools, self.default_pool)

    def pool_by_id(self, pool_id: str) -> Pool:
        """A pool by its id; an id no longer in the rules (a lead routed before a change) is the default."""
        return next((pool for pool in self.pools if pool.id == pool_id), self.default_pool)

    def rep(self, user_id: str) -> Rep | None:
        """A roster rep by user id."""
        return next((rep for rep in self.roster if rep.user_id == user_id), None)

    def precompute(self, regions: Iterable[str | None], industries: Iterable[str | None]) -> None:
        """Work out standing eligibility for these combinations now, e.g. the roster's at start-up.

        Otherwise each combination is worked out when its first lead arrives, which makes that lead
        slower to route than the rest.
        """
        for pool, region, industry in product((*self.pools, self.default_pool), regions, industries):
            self._contest(pool, region, industry)

    def _contest(self, pool: Pool, region: str | None, industry: str | None) -> _Contest:
        """The pool's contenders and standing skips for leads of this region and industry."""
        key = (pool.id, region, industry)
        contest = self._contests.get(key)
        if contest is None:
            contest = self._contests[key] = self._split(pool, region, industry)
        return contest

    def _split(self, pool: Pool, region: str | None, industry: str | None) -> _Contest:
        # One reason object per contest: every rep ruled out for the same fact shares it.
        not_member = Reason(ReasonCode.NOT_POOL_MEMBER, {"pool": pool.id})
        wrong_region = Reason(ReasonCode.WRONG_REGION, {"region": region or ""})
        wrong_industry = Reason(ReasonCode.WRONG_INDUSTRY, {"industry": industry or ""})
        contenders: list[Rep] = []
        skips: list[SkippedRep] = []
        for rep in self.roster:
            if pool.members and rep.user_id not in pool.members:
                reason = not_member
            elif not rep.covers_region(region):
                reason = wrong_region
            elif not rep.covers_industry(industry):
                reason = wrong_industry
            elif rep.away:
                reason = _AWAY
            else:
                contenders.append(rep)
                continue
            skips.append(SkippedRep(rep.user_id, reason))
        return _Contest(tuple(contenders), tuple(skips))


def route(
    lead: Lead,
    grade: Grade,
    table: RoutingTable,
    state: RoutingState,
    now: datetime,
    excluded: frozenset[str] = frozenset(),
) -> RoutingDecision:
    """Pick the pool and the owner (or the reps to offer to) for one lead, recording every verdict.

    Pure: the same lead, grade, table, state, time and exclusions always give an equal decision.
    `excluded` names reps who must not get the lead again, e.g. those it was released from.
    """
    pool = table.pool_for(lead)
    rotation = state.pools.get(pool.id, _NEW_ROTATION)
    contest = table._contest(pool, lead.region, lead.industry)
    eligible, skipped = _rank(pool, contest, rotation, state, table, now, excluded)
    counts_for_share = grade.is_premium and any(rep.is_new for rep in eligible)
    share_due = counts_for_share and rotation.premium_to_new_reps < pool.new_rep_share * (
        rotation.premium_routed + 1
    )
    if share_due:
        # Stable sort: new reps move to the front, each group keeping its rotation order.
        eligible.sort(key=lambda rep: not rep.is_new)

    outcome, owner, owner_reason = _settle(pool, rotation, eligible, share_due)
    offered_first: tuple[str, ...] = ()
    widens_at = None
    if outcome is Outcome.OFFERED and grade.is_premium and pool.offer_first_window > timedelta(0):
        first = _furthest_below_share(eligible, share_due)
        if len(first) < len(eligible):
            offered_first, widens_at = first, now + pool.offer_first_window
    return RoutingDecision(
        lead_id=lead.id,
        grade=grade,
        region=lead.region,
        industry=lead.industry,
        pool_id=pool.id,
        channel_id=pool.channel_id,
        mode=pool.mode,
        outcome=outcome,
        owner=owner,
        offered_to=tuple(rep.user_id for rep in eligible) if outcome is Outcome.OFFERED else (),
        owner_reason=owner_reason,
        counts_for_new_rep_share=counts_for_share,
        eligible=tuple(eligible),
        skipped=(*skipped, *contest.standing_skips),
        decided_at=now,
        offered_first=offered_first,
        widens_at=widens_at,
    )


def _rank(
    pool: Pool,
    contest: _Contest,
    rotation: PoolRotation,
    state: RoutingState,
    table: RoutingTable,
    now: datetime,
    excluded: frozenset[str],
) -> tuple[list[EligibleRep], list[SkippedRep]]:
    """The contenders who may take a lead now, in rotation order, and those ruled out by this moment."""
    cutoff = newcomer_cutoff(now.date(), table.new_rep_days)
    # Bound lookups: this loop runs once per contender per lead, the hot path of routing.
    rep_state_of, slot_of, clock = state.reps.get, rotation.slots.get, rotation.clock
    eligible: list[EligibleRep] = []
    skipped: list[SkippedRep] = []
    for rep in contest.contenders:
        if rep.user_id in excluded:
            skipped.append(SkippedRep(rep.user_id, _EXCLUDED))
            continue
        rep_state = rep_state_of(rep.user_id, _NO_HISTORY)
        open_leads = rep_state.open_uncontacted
        cap = pool.cap if rep.cap is None else rep.cap
        if open_leads >= cap:
            skipped.append(SkippedRep(rep.user_id, _at_cap(open_leads, cap)))
            continue
        slot = slot_of(rep.user_id, _FIRST_SLOT)
        position = slot.position if slot.position > clock else clock
        multiplier = pool.contact_multiplier(rep_state)
        eligible.append(
            EligibleRep(
                rep.user_id,
                rep.weight,
                multiplier,
                open_leads,
                cap,
                position,
                slot.last_turn,
                rep.is_new(cutoff),
            )
        )
    eligible.sort(key=_rotation_order)
    return eligible, skipped


def _furthest_below_share(ranked: list[EligibleRep], share_due: bool) -> tuple[str, ...]:
    """Who an S/A lead is offered to first: the new reps while their share is due, else the front.

    A rotation position is how far a rep has come relative to their weight, so the reps at the lowest
    position are the ones furthest below their fair share.
    """
    if share_due:
        return tuple(rep.user_id for rep in ranked if rep.is_new)
    front = ranked[0].position
    return tuple(rep.user_id for rep in ranked if rep.position <= front + _SAME_POSITION)


def offer_phase(widens_at: datetime | None, now: datetime) -> OfferPhase:
    """Whether an offered lead is still in its first window at `now`, or open to everyone."""
    return OfferPhase.FIRST if widens_at is not None and now < widens_at else OfferPhase.EVERYONE


def may_claim_offer(
    user_id: str,
    offered_to: Sequence[str],
    offered_first: Sequence[str],
    widens_at: datetime | None,
    now: datetime,
) -> bool:
    """Whether `user_id` may claim an offered lead at `now`: the first group alone in the first window."""
    if offer_phase(widens_at, now) is OfferPhase.FIRST and offered_first:
        return user_id in offered_first
    return user_id in offered_to


def cap_refusal(rep: Rep, pool: Pool, rep_state: RepState) -> Reason | None:
    """Why `rep` may not take one more lead of `pool` (at their cap), or None when they may."""
    cap = pool.cap if rep.cap is None else rep.cap
    open_leads = rep_state.open_uncontacted
    return _at_cap(open_leads, cap) if open_leads >= cap else None


@dataclass(frozen=True, slots=True)
class ClaimTurn:
    """What a claim does to routing: the state after it, or the reason it is refused."""

    state: RoutingState
    refusal: Reason | None = None


def claim_turn(
    lead: Lead,
    grade: Grade,
    pool_id: str,
    table: RoutingTable,
    state: RoutingState,
    claimer: Rep,
    now: datetime,
    excluded: frozenset[str] = frozenset(),
) -> ClaimTurn:
    """A claim as routing sees it: refused at the claimer's cap, otherwise counted like an assignment.

    The claimer's load grows and, when they are among the pool's eligible reps for the lead, they move
    on in the pool's rotation and the new-rep tally counts the lead, exactly as `advance` does for an
    owner the rotation picked. Who may claim (offered, first window) is the caller's check.
    """
    pool = table.pool_by_id(pool_id)
    rep_state = state.reps.get(claimer.user_id, _NO_HISTORY)
    refusal = cap_refusal(claimer, pool, rep_state)
    if refusal is not None:
        return ClaimTurn(state, refusal)
    reps = dict(state.reps)
    reps[claimer.user_id] = rep_state.after_assignment()
    rotation = state.pools.get(pool.id, _NEW_ROTATION)
    contest = table._contest(pool, lead.region, lead.industry)
    eligible, _ = _rank(pool, contest, rotation, state, table, now, excluded)
    won = next((rep for rep in eligible if rep.user_id == claimer.user_id), None)
    if won is None:
        return ClaimTurn(RoutingState(reps, state.pools))
    counts = grade.is_premium and any(rep.is_new for rep in eligible)
    pools = dict(state.pools)
    pools[pool.id] = _rotated(rotation, eligible, counts, won)
    return ClaimTurn(RoutingState(reps, pools))


@cache
def _at_cap(open_leads: int, cap: int) -> Reason:
    # Reasons are immutable and only a handful of (open, cap) pairs occur, so each is built once.
    return Reason(ReasonCode.AT_CAP, {"open": open_leads, "cap": cap})


def _settle(
    pool: Pool, rotation: PoolRotation, ranked: list[EligibleRep], share_due: bool
) -> tuple[Outcome, str | None, Reason | None]:
    """Turn the ranked eligible reps into an outcome, an owner and the reason for that owner."""
    if not ranked:
        if pool.fallback_owner is not None:
            return Outcome.FALLBACK, pool.fallback_owner, None
        return Outcome.PUBLIC_POOL, None, None
    if pool.mode is PoolMode.OFFER:
        return Outcome.OFFERED, None, None
    winner = ranked[0]
    if share_due:
        params = {
            "share": pool.new_rep_share,
            "received": rotation.premium_to_new_reps,
            "routed": rotation.premium_routed,
        }
        return Outcome.ASSIGNED, winner.user_id, Reason(ReasonCode.NEW_REP_SHARE, params)
    tied = sum(1 for rep in ranked if rep.position == winner.position)
    if tied > 1:
        return Outcome.ASSIGNED, winner.user_id, Reason(ReasonCode.ROUND_ROBIN_TIE, {"tied": tied})
    return Outcome.ASSIGNED, winner.user_id, Reason(ReasonCode.HIGHEST_PRIORITY, {"eligible": len(ranked)})


def advance(state: RoutingState, decision: RoutingDecision, claimed_by: str | None = None) -> RoutingState:
    """Fold a decision (and, for an offer or the public pool, who claimed it) into the routing state.

    The owner's open load grows; an eligible owner also moves on in the pool's rotation and the
    new-rep tally is updated. Call it once per decision, in decision order.
    """
    owner = _owner(decision, claimed_by)
    if owner is None:
        return state
    reps = dict(state.reps)
    reps[owner] = reps.get(owner, _NO_HISTORY).after_assignment()
    won = decision.eligible_rep(owner)
    if won is None:
        return RoutingState(reps, state.pools)
    pools = dict(state.pools)
    rotation = pools.get(decision.pool_id, _NEW_ROTATION)
    pools[decision.pool_id] = _rotated(rotation, decision.eligible, decision.counts_for_new_rep_share, won)
    return RoutingState(reps, pools)


def _owner(decision: RoutingDecision, claimed_by: str | None) -> str | None:
    if claimed_by is None:
        return decision.owner
    if decision.outcome is Outcome.OFFERED and claimed_by not in decision.offered_to:
        raise ValueError(f"{claimed_by} was not offered lead {decision.lead_id} and cannot claim it")
    if decision.outcome in (Outcome.ASSIGNED, Outcome.FALLBACK):
        raise ValueError(f"lead {decision.lead_id} already went to {decision.owner}; it cannot be claimed")
    return claimed_by


def _rotated(
    rotation: PoolRotation, eligible: Sequence[EligibleRep], counts: bool, won: EligibleRep
) -> PoolRotation:
    slot = rotation.slots.get(won.user_id, _FIRST_SLOT)
    slots = dict(rotation.slots)
    start = max(slot.position, rotation.clock)
    slots[won.user_id] = RotationSlot(start + 1.0 / won.effective_weight, rotation.turn)
    # The clock follows the front of the queue, where a rep coming back from time off rejoins.
    front = min(rep.position for rep in eligible)
    return PoolRotation(
        clock=max(rotation.clock, front),
        turn=rotation.turn + 1,
        premium_routed=rotation.premium_routed + counts,
        premium_to_new_reps=rotation.premium_to_new_reps + (counts and won.is_new),
        slots=slots,
    )


def explain(decision: RoutingDecision) -> tuple[Reason, ...]:
    """The reasons behind a decision's outcome, in display order, for the bot's one-line "why".

    For an assignment this reads like "Alice: East region, 2 open leads (cap 5), weight 1.2,
    new-rep share due" once the bot renders it.
    """
    reasons = [Reason(ReasonCode.POOL, {"pool": decision.pool_id})]
    if decision.outcome is Outcome.OFFERED:
        reasons.append(Reason(ReasonCode.OFFERED, {"reps": len(decision.offered_to)}))
        if decision.widens_at is not None:
            minutes = round((decision.widens_at - decision.decided_at) / timedelta(minutes=1))
            params = {"reps": len(decision.offered_first), "minutes": minutes}
            reasons.append(Reason(ReasonCode.OFFERED_FIRST, params))
    elif decision.outcome is Outcome.FALLBACK:
        reasons.append(Reason(ReasonCode.NO_ELIGIBLE_REP, {"considered": len(decision.skipped)}))
        reasons.append(Reason(ReasonCode.FALLBACK_OWNER, {"user_id": decision.owner or ""}))
    elif decision.outcome is Outcome.PUBLIC_POOL:
        reasons.append(Reason(ReasonCode.NO_ELIGIBLE_REP, {"considered": len(decision.skipped)}))
        reasons.append(Reason(ReasonCode.PUBLIC_POOL))
    else:
        reasons.extend(_owner_facts(decision, decision.eligible[0]))
    return tuple(reasons)


def _owner_facts(decision: RoutingDecision, owner: EligibleRep) -> list[Reason]:
    facts = []
    if decision.region is not None:
        facts.append(Reason(ReasonCode.REGION, {"region": decision.region}))
    if decision.industry is not None:
        facts.append(Reason(ReasonCode.INDUSTRY, {"industry": decision.industry}))
    facts.append(Reason(ReasonCode.OPEN_LEADS, {"open": owner.open_leads, "cap": owner.cap}))
    facts.append(Reason(ReasonCode.WEIGHT, {"weight": owner.weight}))
    if owner.multiplier != 1.0:
        facts.append(Reason(ReasonCode.CONTACT_RECORD, {"multiplier": round(owner.multiplier, 2)}))
    if decision.owner_reason is not None:
        facts.append(decision.owner_reason)
    return facts


def skipped_by_reason(decision: RoutingDecision) -> Mapping[str, tuple[str, ...]]:
    """User ids grouped by skip code, e.g. for the manager's "nobody eligible" message."""
    grouped: dict[str, list[str]] = {}
    for rep in decision.skipped:
        grouped.setdefault(rep.reason.code, []).append(rep.user_id)
    return MappingProxyType({code: tuple(user_ids) for code, user_ids in grouped.items()})
