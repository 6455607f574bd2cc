"""The `[daily]` and `[ladders]` sections: the morning to-do card, digests, and escalation ladders.

Defaults are domain.md's: the to-do card at 09:00 in each rep's own zone with at most three items,
digests at 18:00 and Mondays 10:00, a lead not contacted told to its owner at 24 h and their manager
at 36 h (its release at `[leads] release_after_days` is the ladder's last rung), an overdue follow-up
told to the owner when due, their manager a working day later, the director three working days later.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from config.clock_time import ClockTime
from config.references import ChannelRef, SlackRef
from domain.ladders import Step, WorkingHours


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DailyRules(Strict):
    """When the morning card and the digests go out, and how long the card may be."""

    todo_at: ClockTime = time(9, 0)
    todo_items: Annotated[int, Field(ge=1, le=10)] = 3
    digest_at: ClockTime = time(18, 0)
    weekly_at: ClockTime = time(10, 0)
    # Channels that get the digests besides every pool channel.
    digest_channels: list[ChannelRef] = Field(default_factory=list)
    # Quiet hours: escalations due outside them wait for the recipient's next working morning.
    working_from: ClockTime = time(9, 0)
    working_until: ClockTime = time(20, 0)

    @model_validator(mode="after")
    def _hours_make_a_day(self) -> DailyRules:
        if self.working_from >= self.working_until:
            raise ValueError("working_from must be earlier than working_until")
        return self

    def references(self) -> list[tuple[tuple[str | int, ...], SlackRef]]:
        """The channels the section names, with their key paths in the file (from `daily`)."""
        return [(("daily", "digest_channels", i), ref) for i, ref in enumerate(self.digest_channels)]

    def resolved(self, ids: Mapping[str, str | None]) -> DailyRules:
        """The section with each channel name's Slack ID from `ids` (None: Slack knows no such name)."""
        found = [
            ref.found(ids.get(ref.key)) if ref.is_name and ref.id is None else ref
            for ref in self.digest_channels
        ]
        return self.model_copy(update={"digest_channels": found})

    @property
    def working_hours(self) -> WorkingHours:
        return WorkingHours(self.working_from, self.working_until)


class StepSpec(Strict):
    """A ladder step: after `hours` or `working_days` (from the item's anchor), tell `tell`."""

    tell: Literal["owner", "manager", "director"]
    hours: Annotated[float, Field(ge=0, le=24 * 90)] = 0
    working_days: Annotated[int, Field(ge=0, le=60)] = 0

    def to_domain(self) -> Step:
        return Step(self.tell, self.hours, self.working_days)


class LadderRules(Strict):
    """The ladders, by the kind of item they watch."""

    lead_not_contacted: list[StepSpec] = Field(
        default_factory=lambda: [StepSpec(tell="owner", hours=24), StepSpec(tell="manager", hours=36)]
    )
    follow_up_overdue: list[StepSpec] = Field(
        default_factory=lambda: [
            StepSpec(tell="owner", hours=0),
            StepSpec(tell="manager", working_days=1),
            StepSpec(tell="director", working_days=3),
        ]
    )

    # A deal with no new record for `[deals] stale_days` (its red line): the owner, then the manager.
    deal_stale: list[StepSpec] = Field(
        default_factory=lambda: [StepSpec(tell="owner", hours=0), StepSpec(tell="manager", working_days=1)]
    )
    # A quote's approval step counted from when it reached the approver: reminded after a working
    # day, and the approver's manager told after a second one.
    approval_pending: list[StepSpec] = Field(
        default_factory=lambda: [
            StepSpec(tell="owner", working_days=1),
            StepSpec(tell="manager", working_days=2),
        ]
    )

    # A signed contract with no payment `[contracts] unpaid_working_days` after the agreed date.
    payment_missing: list[StepSpec] = Field(
        default_factory=lambda: [StepSpec(tell="owner", hours=0), StepSpec(tell="manager", working_days=1)]
    )
    # A handover the new owner has not confirmed: their manager is told after 48 hours.
    handover_unconfirmed: list[StepSpec] = Field(default_factory=lambda: [StepSpec(tell="manager", hours=48)])

    def for_kind(self, kind: str) -> tuple[Step, ...]:
        """The steps a new ladder for an item of `kind` starts with; items of other kinds (an invoice
        to request, a dunning level, a customer-success call) are on a list with no ladder: their
        reminders are their own."""
        specs = {
            "lead_contact": self.lead_not_contacted,
            "follow_up": self.follow_up_overdue,
            "deal_stale": self.deal_stale,
            "approval": self.approval_pending,
            "payment_missing": self.payment_missing,
            "handover": self.handover_unconfirmed,
        }.get(kind, [])
        return tuple(spec.to_domain() for spec in specs)
