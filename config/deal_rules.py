"""The `[deals]` and `[approvals]` sections: deal stages, the red line, and quote approval chains.

Defaults are domain.md's: stages 初谈 → 报价 → 样机测试 → 终审 → 签约 / 输单; a deal with no new record
for 5 days is a red line; a quote is approved by the rep's manager always, by finance when the
discount exceeds 10 % or the amount 500,000, by legal when more than half is paid up front or the
terms are not standard, and never by legal for cash on delivery.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from config.references import ChannelRef, PersonRef, SlackRef
from domain.approvals import MANAGER, NUMERIC_FACTS, StepRule, Test
from domain.scoring import Comparison

StepId = Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
# The default chain's groups: a file may leave them out, and their steps then fall to the managers.
DEFAULT_GROUPS = ("finance", "legal")
NonEmptyStr = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageSpec(Strict):
    """A deal stage: its id and its names. `won` and `lost` stages close the deal."""

    id: StepId
    en: NonEmptyStr
    zh: NonEmptyStr
    won: bool = False
    lost: bool = False


def _default_stages() -> list[StageSpec]:
    return [
        StageSpec(id="first_talk", en="First talk", zh="初谈"),
        StageSpec(id="quote", en="Quote", zh="报价"),
        StageSpec(id="trial", en="Trial", zh="样机测试"),
        StageSpec(id="final_review", en="Final review", zh="终审"),
        StageSpec(id="signed", en="Signed", zh="签约", won=True),
        StageSpec(id="lost", en="Lost", zh="输单", lost=True),
    ]


class DealRules(Strict):
    """Deal stages, where deal cards go, the currency amounts are compared in, and the red line."""

    stages: list[StageSpec] = Field(default_factory=_default_stages, min_length=2)
    # Deal cards go here; without it, to the lead's pool channel, else `[leads] channel`.
    channel: ChannelRef | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    # Rates into `currency`, for approval limits on quotes in other currencies.
    rates: dict[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], Annotated[Decimal, Field(gt=0)]] = Field(
        default_factory=dict
    )
    stale_days: Annotated[int, Field(ge=1, le=365)] = 5
    quote_valid_days: Annotated[int, Field(ge=1, le=365)] = 30

    @model_validator(mode="after")
    def _stages_make_sense(self) -> Self:
        ids = [stage.id for stage in self.stages]
        if len(set(ids)) != len(ids):
            raise ValueError("each stage id must be unique")
        if any(stage.won and stage.lost for stage in self.stages):
            raise ValueError("a stage cannot be both won and lost")
        if all(stage.won or stage.lost for stage in self.stages):
            raise ValueError("at least one stage must be open (neither won nor lost)")
        return self

    def stage(self, stage_id: str) -> StageSpec | None:
        return next((stage for stage in self.stages if stage.id == stage_id), None)

    @property
    def first_stage(self) -> str:
        return next(stage.id for stage in self.stages if not (stage.won or stage.lost))

    def closes(self, stage_id: str) -> bool:
        """A won or lost stage ends the deal's red line."""
        stage = self.stage(stage_id)
        return stage is not None and (stage.won or stage.lost)

    def references(self) -> list[tuple[tuple[str | int, ...], SlackRef]]:
        return [(("deals", "channel"), self.channel)] if self.channel is not None else []

    def resolved(self, ids: Mapping[str, str | None]) -> DealRules:
        channel = self.channel
        if channel is not None and channel.is_name and channel.id is None:
            channel = channel.found(ids.get(channel.key))
        return self.model_copy(update={"channel": channel})


class TestSpec(Strict):
    """One test: `{ discount = { gt = 10 } }`, `{ amount = { gte = 500000 } }`, `{ terms = "cash_on_delivery" }`.

    Figures: `amount` (the total, in `[deals] currency`), `discount` and `prepayment` (percent),
    `net_days`. Terms: `cash_on_delivery`, `net`, `prepayment` (some paid up front), `nonstandard`
    (written special terms, or net days beyond `standard_net_days`).
    """

    amount: dict[Comparison, Decimal] | None = None
    discount: dict[Comparison, Decimal] | None = None
    prepayment: dict[Comparison, Decimal] | None = None
    net_days: dict[Comparison, Decimal] | None = None
    terms: Literal["cash_on_delivery", "net", "prepayment", "nonstandard"] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        stated = [name for name in (*NUMERIC_FACTS, "terms") if getattr(self, name) is not None]
        if len(stated) != 1:
            raise ValueError(
                f"a test names exactly one of amount, discount, prepayment, net_days, terms; got {stated}"
            )
        name = stated[0]
        if name != "terms" and len(getattr(self, name)) != 1:
            raise ValueError(f"{name} takes exactly one of gt, gte, lt, lte, eq")
        return self

    def to_domain(self) -> Test:
        if self.terms is not None:
            return Test("terms", tag=self.terms)
        fact = next(name for name in NUMERIC_FACTS if getattr(self, name) is not None)
        [(comparison, limit)] = getattr(self, fact).items()
        return Test(fact, comparison, limit)


class StepSpec(Strict):
    """A step of the chain: `approvers` is `manager` (the rep's) or a group name; `all` asks every
    member of the group; without `when_any` the step is always needed."""

    id: StepId
    en: NonEmptyStr
    zh: NonEmptyStr
    approvers: StepId = MANAGER
    all: bool = False
    when_any: list[TestSpec] = Field(default_factory=list)
    skip_when_any: list[TestSpec] = Field(default_factory=list)

    def to_domain(self) -> StepRule:
        return StepRule(
            self.id,
            self.approvers,
            self.all,
            tuple(test.to_domain() for test in self.when_any),
            tuple(test.to_domain() for test in self.skip_when_any),
        )


def _default_steps() -> list[StepSpec]:
    return [
        StepSpec(id="manager", en="Manager", zh="主管", approvers=MANAGER),
        StepSpec(
            id="finance",
            en="Finance",
            zh="财务",
            approvers="finance",
            when_any=[
                TestSpec(discount={Comparison.GT: Decimal(10)}),
                TestSpec(amount={Comparison.GT: Decimal(500000)}),
            ],
        ),
        StepSpec(
            id="legal",
            en="Legal",
            zh="法务",
            approvers="legal",
            when_any=[TestSpec(prepayment={Comparison.GT: Decimal(50)}), TestSpec(terms="nonstandard")],
            skip_when_any=[TestSpec(terms="cash_on_delivery")],
        ),
    ]


class ApprovalRules(Strict):
    """The approval chain: its steps in order, the groups that decide, and how long they may take.

    An empty group (or one whose names Slack does not know) is decided by `[leads] managers`, and the
    chain says so. A step pending for a working day reminds its approver and then goes up their ladder
    (`[ladders] approval_pending`); the chain as a whole should finish within `chain_working_days`.
    """

    steps: list[StepSpec] = Field(default_factory=_default_steps, min_length=1)
    groups: dict[StepId, list[PersonRef]] = Field(default_factory=dict)
    standard_net_days: Annotated[int, Field(ge=0, le=365)] = 60
    chain_working_days: Annotated[int, Field(ge=1, le=60)] = 5

    @model_validator(mode="after")
    def _steps_name_known_approvers(self) -> Self:
        ids = [step.id for step in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError("each step id must be unique")
        for step in self.steps:
            if step.approvers not in (MANAGER, *self.groups, *DEFAULT_GROUPS):
                raise ValueError(f"step {step.id}: no group {step.approvers!r} in approvals.groups")
            if step.all and step.approvers == MANAGER:
                raise ValueError(f"step {step.id}: `all` needs a group; the manager step has one approver")
        return self

    def group(self, name: str) -> tuple[str, ...]:
        """The Slack IDs of a group's members (names Slack does not know count for nobody)."""
        return tuple(ref.id for ref in self.groups.get(name, []) if ref.id)

    def step_label(self, step_id: str, lang: str) -> str:
        step = next((s for s in self.steps if s.id == step_id), None)
        if step is None:
            return step_id
        return step.zh if lang == "zh" else step.en

    @property
    def chain_rules(self) -> tuple[StepRule, ...]:
        return tuple(step.to_domain() for step in self.steps)

    def references(self) -> list[tuple[tuple[str | int, ...], SlackRef]]:
        return [
            (("approvals", "groups", name, i), ref)
            for name, refs in self.groups.items()
            for i, ref in enumerate(refs)
        ]

    def resolved(self, ids: Mapping[str, str | None]) -> ApprovalRules:
        groups = {
            name: [ref.found(ids.get(ref.key)) if ref.is_name and ref.id is None else ref for ref in refs]
            for name, refs in self.groups.items()
        }
        return self.model_copy(update={"groups": groups})
