"""The `[leads]` section of the rules file: lead scoring, pools, roster and routing defaults.

Unknown keys are errors so a typo never silently switches a rule off. The defaults are domain.md's
numbers; `score_card`, `routing_table`, `release_after` and `fairness_policy` hand the section to the
domain as plain values.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from config.clock_time import ClockTime
from config.references import ChannelRef, PersonRef, SlackRef
from domain.fairness import FairnessPolicy
from domain.leads import Rep, Urgency
from domain.routing import BudgetBand, Pool, PoolMode, RoutingTable
from domain.scoring import (
    AttributeIs,
    BudgetIs,
    Comparison,
    Condition,
    FactIn,
    GradeThresholds,
    HasSignal,
    LeadFact,
    RuleLabel,
    ScoreCard,
    ScoringRule,
)

NonEmptyStr = Annotated[str, Field(min_length=1)]
RuleId = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
Fraction = Annotated[float, Field(ge=0, le=1)]
OneOrMore = NonEmptyStr | list[NonEmptyStr]

DEFAULT_POOL_ID = "default"

# What a scoring condition can test; `_FACTS` are the lead's text facts matched against listed values.
_FACTS: tuple[LeadFact, ...] = ("source", "region", "industry", "urgency")
_SUBJECTS = (*_FACTS, "signal", "budget", "attribute")

T = TypeVar("T")


class Strict(BaseModel):
    """Base for every part of the section: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _the_one_comparison(model: BaseModel) -> tuple[Comparison, Any]:
    """The single comparison a condition states; stating none or several is ambiguous."""
    stated = [(op, getattr(model, op.value)) for op in Comparison if getattr(model, op.value) is not None]
    if len(stated) != 1:
        raise ValueError("give exactly one of gt, gte, lt, lte, eq")
    return stated[0]


class BudgetTest(Strict):
    """`budget = { gte = 500000 }`: compares the lead's budget (its top figure) with an amount."""

    gt: Decimal | None = None
    gte: Decimal | None = None
    lt: Decimal | None = None
    lte: Decimal | None = None
    eq: Decimal | None = None

    @model_validator(mode="after")
    def _one_comparison(self) -> Self:
        _the_one_comparison(self)
        return self


class ConditionSpec(Strict):
    """When a scoring rule applies: exactly one of the lead facts below.

    `source`, `region`, `industry`, `urgency` take a value or a list; `signal` a behaviour signal;
    `budget` a comparison table; `attribute` names a lead attribute compared with one of gt, gte, lt,
    lte, eq (eq may also be text).
    """

    source: OneOrMore | None = None
    region: OneOrMore | None = None
    industry: OneOrMore | None = None
    urgency: Urgency | list[Urgency] | None = None
    signal: NonEmptyStr | None = None
    budget: BudgetTest | None = None
    attribute: NonEmptyStr | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    eq: float | str | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        subjects = [name for name in _SUBJECTS if getattr(self, name) is not None]
        if len(subjects) != 1:
            raise ValueError(f"a condition tests exactly one of {', '.join(_SUBJECTS)}; got {subjects}")
        if self.attribute is not None:
            _the_one_comparison(self)
        elif any(getattr(self, op.value) is not None for op in Comparison):
            raise ValueError(
                "gt, gte, lt, lte and eq go with `attribute`; compare budgets with budget = {...}"
            )
        return self

    def to_domain(self) -> Condition:
        """The domain condition this table describes."""
        if self.signal is not None:
            return HasSignal(self.signal)
        if self.budget is not None:
            op, amount = _the_one_comparison(self.budget)
            return BudgetIs(op, amount)
        if self.attribute is not None:
            op, value = _the_one_comparison(self)
            return AttributeIs(self.attribute, op, value)
        fact = next(name for name in _FACTS if getattr(self, name) is not None)
        values = getattr(self, fact)
        return FactIn(fact, frozenset([values] if isinstance(values, str) else values))


class LabelSpec(Strict):
    """`label = { en = "Asked for a trial", zh = "申请试用" }`: a name in both languages."""

    en: NonEmptyStr
    zh: NonEmptyStr


class ScoringRuleSpec(Strict):
    """Points a lead earns (negative: loses) when its condition holds.

    `label` is one text for every reader, or `{ en = "...", zh = "..." }` to show each their language.
    """

    id: RuleId
    label: NonEmptyStr | LabelSpec
    points: int
    when: ConditionSpec

    def to_domain(self) -> ScoringRule:
        """The rule as the scorer reads it."""
        label = self.label
        rule_label = RuleLabel(label) if isinstance(label, str) else RuleLabel(label.en, label.model_dump())
        return ScoringRule(self.id, rule_label, self.points, self.when.to_domain())


def _default_scoring() -> list[ScoringRuleSpec]:
    def rule(rule_id: str, en: str, zh: str, points: int, **when: object) -> ScoringRuleSpec:
        return ScoringRuleSpec(
            id=rule_id,
            label=LabelSpec(en=en, zh=zh),
            points=points,
            when=ConditionSpec.model_validate(when),
        )

    return [
        rule("website_form", "Website form", "官网表单", 10, signal="website_form"),
        rule("wechat_contact", "WeChat contact", "微信联系", 10, signal="wechat_contact"),
        rule("phone_inquiry", "Phone inquiry", "电话咨询", 15, signal="phone_inquiry"),
        rule(
            "page_dwell",
            "Stayed on the site over 2 minutes",
            "网站停留超过 2 分钟",
            5,
            attribute="page_dwell_seconds",
            gt=120,
        ),
        rule("trial_request", "Asked for a trial", "申请试用", 20, signal="trial_request"),
        rule(
            "competitor_employee", "Works for a competitor", "竞争对手员工", -30, signal="competitor_employee"
        ),
    ]


class Grades(Strict):
    """Minimum points for S, A and B; anything lower is C."""

    s: int = 60
    a: int = 40
    b: int = 20

    @model_validator(mode="after")
    def _descending(self) -> Self:
        if not self.s > self.a > self.b:
            raise ValueError(f"grade thresholds must fall s > a > b, got s={self.s} a={self.a} b={self.b}")
        return self


class PoolSpec(Strict):
    """A pool of reps for a region / industry / budget band; unset figures use the section's defaults.

    The band runs from `budget_min` (inclusive) to `budget_max` (exclusive) and is compared with the top
    of the lead's budget. `channel` (`#name` or an ID) is where the pool's lead cards are posted; unset,
    its leads are stored and nobody is told. `members` (people, as on the roster) empty means the
    whole roster.
    """

    id: RuleId
    channel: ChannelRef | None = None
    regions: list[NonEmptyStr] = Field(default_factory=list)
    industries: list[NonEmptyStr] = Field(default_factory=list)
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    mode: PoolMode = PoolMode.ASSIGN
    members: list[PersonRef] = Field(default_factory=list)
    fallback_owner: PersonRef | None = None
    cap: Annotated[int, Field(ge=1)] | None = None
    new_rep_share: Fraction | None = None
    contact_bonus: Fraction | None = None
    stale_penalty: Fraction | None = None
    offer_first_window_minutes: Annotated[int, Field(ge=0, le=1440)] | None = None
    # The team's own hour for its members' to-do cards (else `[daily] todo_at`), "08:30".
    todo_at: ClockTime | None = None

    @model_validator(mode="after")
    def _band_in_order(self) -> Self:
        if self.budget_min is not None and self.budget_max is not None and self.budget_min >= self.budget_max:
            raise ValueError(f"pool {self.id}: budget_min must be below budget_max")
        return self


class RepSpec(Strict):
    """A rep on the roster: who (`@handle`, email or member ID), where and what they sell, their
    rotation weight, and their status."""

    user_id: PersonRef
    name: NonEmptyStr
    joined: date
    regions: list[NonEmptyStr] = Field(default_factory=list)
    industries: list[NonEmptyStr] = Field(default_factory=list)
    weight: Annotated[float, Field(gt=0, le=10)] = 1.0
    away: bool = False
    cap: Annotated[int, Field(ge=1)] | None = None
    # Whom escalations about this rep's items reach first; without one, every listed manager.
    manager: PersonRef | None = None

    def to_domain(self) -> Rep | None:
        """The rep as routing reads them; None while their name has no Slack ID."""
        if self.user_id.id is None:
            return None
        return Rep(
            user_id=self.user_id.id,
            name=self.name,
            joined_at=self.joined,
            regions=frozenset(self.regions),
            industries=frozenset(self.industries),
            weight=self.weight,
            away=self.away,
            cap=self.cap,
        )


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{what} {item!r} appears twice; each must be unique")
        seen.add(item)


def _unique_people(refs: list[SlackRef], what: str) -> None:
    """Nobody twice, however they are written (`@alice` and her ID are one person once looked up)."""
    seen: dict[str, SlackRef] = {}
    for ref in refs:
        if ref.key in seen:
            first = seen[ref.key]
            same = "" if first.written == ref.written else f" (as {first.written!r})"
            raise ValueError(f"{what} {ref.written!r} appears twice{same}; each must be unique")
        seen[ref.key] = ref


class LeadRules(Strict):
    """The whole `[leads]` section.

    `default_pool` takes leads no listed pool takes; when no pool has that id, it is a whole-roster
    assign pool with the section's defaults, posting in `channel`, whose leads go to the public pool if
    nobody is eligible. `managers` may reassign any lead and hear when nobody could take one.

    Channels and people may be written by name (`#sales-leads`, `@alice`, `alice@corp.com`); the bot
    looks them up at start and `resolved` gives the section with their IDs. Until then, and for a
    name Slack does not know, the domain sees no channel and no such person.
    """

    cap: Annotated[int, Field(ge=1)] = 5
    release_after_days: Annotated[int, Field(ge=1)] = 3
    contact_bonus: Fraction = 0.2
    stale_penalty: Fraction = 0.2
    new_rep_days: Annotated[int, Field(ge=0)] = 90
    new_rep_share: Fraction = 0.2
    # An S/A lead in an offer pool goes first to the reps furthest below their fair share, for this
    # long, then to everyone eligible; 0 offers it to everyone at once.
    offer_first_window_minutes: Annotated[int, Field(ge=0, le=1440)] = 10
    grades: Grades = Grades()
    scoring: list[ScoringRuleSpec] = Field(default_factory=_default_scoring)
    pools: list[PoolSpec] = Field(default_factory=list)
    default_pool: RuleId = DEFAULT_POOL_ID
    channel: ChannelRef | None = None
    managers: list[PersonRef] = Field(default_factory=list)
    # The last rung of an escalation ladder (督导 / 区域总监).
    directors: list[PersonRef] = Field(default_factory=list)
    reps: list[RepSpec] = Field(default_factory=list)
    # A rep whose Slack status holds one of these words or is one of these emoji counts as away.
    away_status_words: list[NonEmptyStr] = Field(
        default_factory=lambda: ["vacation", "holiday", "out of office", "ooo", "on leave", "sick",
                                 "休假", "请假", "年假", "病假", "不在岗"]
    )  # fmt: skip
    away_status_emoji: list[NonEmptyStr] = Field(
        default_factory=lambda: [":palm_tree:", ":beach_with_umbrella:", ":face_with_thermometer:", ":sick:"]
    )

    @field_validator("scoring")
    @classmethod
    def _unique_rule_ids(cls, rules: list[ScoringRuleSpec]) -> list[ScoringRuleSpec]:
        _unique([rule.id for rule in rules], "scoring rule id")
        return rules

    @field_validator("reps")
    @classmethod
    def _unique_reps(cls, reps: list[RepSpec]) -> list[RepSpec]:
        _unique_people([rep.user_id for rep in reps], "rep user_id")
        return reps

    @model_validator(mode="after")
    def _pools_consistent(self) -> Self:
        _unique([pool.id for pool in self.pools], "pool id")
        roster = {rep.user_id.key for rep in self.reps}
        # A name not yet looked up may be the same person as a roster entry written another way.
        undecided = any(rep.user_id.id is None for rep in self.reps)
        for pool in self.pools:
            strangers = [
                member.written
                for member in pool.members
                if member.key not in roster and not (undecided or member.id is None)
            ]
            if strangers:
                raise ValueError(f"pool {pool.id} lists members not on the roster: {', '.join(strangers)}")
        if self.default_pool != DEFAULT_POOL_ID and self.default_pool not in {p.id for p in self.pools}:
            raise ValueError(f"default_pool {self.default_pool!r} is not one of the pools")
        return self

    @property
    def manager_ids(self) -> tuple[str, ...]:
        """The managers' Slack IDs in file order (names Slack does not know count for nobody)."""
        return tuple(ref.id for ref in self.managers if ref.id)

    @property
    def director_ids(self) -> tuple[str, ...]:
        """The directors' Slack IDs in file order."""
        return tuple(ref.id for ref in self.directors if ref.id)

    def managers_of(self, user_id: str) -> tuple[str, ...]:
        """Whom to tell about `user_id`'s late work: their own manager, else every listed manager."""
        rep = next((rep for rep in self.reps if rep.user_id.id == user_id), None)
        if rep is not None and rep.manager is not None and rep.manager.id:
            return (rep.manager.id,)
        return tuple(manager for manager in self.manager_ids if manager != user_id)

    def references(self) -> list[tuple[tuple[str | int, ...], SlackRef]]:
        """Every channel and person the section names, with its key path in the file (from `leads`)."""
        found: list[tuple[tuple[str | int, ...], SlackRef]] = []
        if self.channel is not None:
            found.append((("leads", "channel"), self.channel))
        found += [(("leads", "managers", i), ref) for i, ref in enumerate(self.managers)]
        found += [(("leads", "directors", i), ref) for i, ref in enumerate(self.directors)]
        for p, pool in enumerate(self.pools):
            where = ("leads", "pools", p)
            if pool.channel is not None:
                found.append(((*where, "channel"), pool.channel))
            found += [((*where, "members", i), ref) for i, ref in enumerate(pool.members)]
            if pool.fallback_owner is not None:
                found.append(((*where, "fallback_owner"), pool.fallback_owner))
        found += [(("leads", "reps", r, "user_id"), rep.user_id) for r, rep in enumerate(self.reps)]
        found += [
            (("leads", "reps", r, "manager"), rep.manager) for r, rep in enumerate(self.reps) if rep.manager
        ]
        return found

    def resolved(self, ids: Mapping[str, str | None]) -> LeadRules:
        """The section with each name's Slack ID from `ids` (keyed by `SlackRef.key`; None: unknown).

        Raises ValidationError when the IDs make two entries one person (`@alice` and her email).
        """

        def look_up(ref: SlackRef) -> SlackRef:
            return ref.found(ids.get(ref.key)) if ref.is_name and ref.id is None else ref

        def maybe(ref: SlackRef | None) -> SlackRef | None:
            return None if ref is None else look_up(ref)

        pools = [
            pool.model_copy(
                update={
                    "channel": maybe(pool.channel),
                    "members": [look_up(ref) for ref in pool.members],
                    "fallback_owner": maybe(pool.fallback_owner),
                }
            )
            for pool in self.pools
        ]
        reps = [
            rep.model_copy(update={"user_id": look_up(rep.user_id), "manager": maybe(rep.manager)})
            for rep in self.reps
        ]
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        fields |= {
            "channel": maybe(self.channel),
            "managers": [look_up(ref) for ref in self.managers],
            "directors": [look_up(ref) for ref in self.directors],
            "pools": pools,
            "reps": reps,
        }
        return type(self).model_validate(fields)

    def unannounced_pools(self) -> list[PoolSpec]:
        """Pools whose lead cards go nowhere: no channel, or a channel name Slack does not know.

        A team that has set up no leads (no roster, no pools) takes no leads to lose: nothing to say.
        """
        if not self.reps and not self.pools:
            return []
        table = self.routing_table
        specs = {spec.id: spec for spec in self.pools}
        return [
            specs.get(pool.id) or PoolSpec(id=pool.id, channel=self.channel)
            for pool in (*table.pools, table.default_pool)
            if pool.channel_id is None
        ]

    @classmethod
    def from_toml(cls, text: str) -> LeadRules:
        """Validate the `[leads]` table of a rules file; a file without one gets the defaults."""
        return cls.model_validate(tomllib.loads(text).get("leads", {}))

    @cached_property
    def score_card(self) -> ScoreCard:
        """The scoring rules and grade thresholds, in file order."""
        thresholds = GradeThresholds(self.grades.s, self.grades.a, self.grades.b)
        return ScoreCard(tuple(rule.to_domain() for rule in self.scoring), thresholds)

    @cached_property
    def routing_table(self) -> RoutingTable:
        """Pools, default pool and roster, ready to route; build once and reuse for its index."""
        pools = [self._pool(spec) for spec in self.pools]
        listed = [pool for pool in pools if pool.id == self.default_pool]
        default = listed[0] if listed else self._pool(PoolSpec(id=self.default_pool, channel=self.channel))
        roster = [rep for rep in (spec.to_domain() for spec in self.reps) if rep is not None]
        return RoutingTable(pools, default, roster, self.new_rep_days)

    @property
    def release_after(self) -> timedelta:
        """How long an owner has to make first contact before the lead is released."""
        return timedelta(days=self.release_after_days)

    @property
    def fairness_policy(self) -> FairnessPolicy:
        """The fairness report's new-rep figures, kept in step with routing's."""
        return FairnessPolicy(new_rep_share=self.new_rep_share, new_rep_days=self.new_rep_days)

    def _pool(self, spec: PoolSpec) -> Pool:
        band = None
        if spec.budget_min is not None or spec.budget_max is not None:
            band = BudgetBand(spec.budget_min, spec.budget_max)
        return Pool(
            id=spec.id,
            channel_id=spec.channel.id if spec.channel else None,
            regions=frozenset(spec.regions),
            industries=frozenset(spec.industries),
            budget_band=band,
            mode=spec.mode,
            # An unknown member stays listed by name: it matches nobody, so the pool does not widen
            # to the whole roster as an empty list would.
            members=frozenset(ref.key for ref in spec.members),
            fallback_owner=spec.fallback_owner.id if spec.fallback_owner else None,
            new_rep_share=_or_default(spec.new_rep_share, self.new_rep_share),
            cap=_or_default(spec.cap, self.cap),
            contact_bonus=_or_default(spec.contact_bonus, self.contact_bonus),
            stale_penalty=_or_default(spec.stale_penalty, self.stale_penalty),
            offer_first_window=timedelta(
                minutes=_or_default(spec.offer_first_window_minutes, self.offer_first_window_minutes)
            ),
        )


def _or_default(value: T | None, default: T) -> T:
    return default if value is None else value
