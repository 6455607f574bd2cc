"""The `[contracts]` section: payment schedules, dunning levels, invoices and customer success.

Defaults are domain.md's: dunning is **yellow** 7 days before a due date, **orange** 3 days after it,
**red** 15 days after it while no reason is written; a signed contract with no payment 3 working days
after the agreed date is a red line of its own; after payment, a satisfaction call 7 days after
delivery, a usage check 5 days before the payment term ends, a renewal talk 45 days before the
contract ends.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from config.clock_time import ClockTime
from domain.contracts import SuccessRules
from domain.dunning import DunningRules

Days = Annotated[int, Field(ge=0, le=3650)]


class ContractRules(BaseModel):
    """How a signed quote becomes a contract, and how its money is chased."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # The `[approvals.groups]` group whose members handle invoices and payments (财务); an empty or
    # missing group falls to `[leads] managers`.
    finance: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")] = "finance"
    # What a customer must have on file before an invoice can be requested.
    required: list[Literal["tax_id", "bank_account"]] = Field(
        default_factory=lambda: ["tax_id", "bank_account"]
    )
    delivery_days: Days = 30  # expected delivery after signing, when the signer does not say
    term_months: Annotated[int, Field(ge=1, le=120)] = 12  # how long a contract runs
    dunning_at: ClockTime = time(9, 0)  # levels change at this hour of the customer's day
    yellow_days_before: Days = 7
    orange_days_after: Days = 3
    red_days_after: Days = 15
    unpaid_working_days: Annotated[int, Field(ge=1, le=60)] = 3
    satisfaction_days_after_delivery: Days = 7
    usage_check_days_before_term: Days = 5
    renewal_days_before_end: Days = 45

    @model_validator(mode="after")
    def _red_after_orange(self) -> ContractRules:
        if self.red_days_after <= self.orange_days_after:
            raise ValueError("red_days_after must be more than orange_days_after")
        return self

    @property
    def dunning(self) -> DunningRules:
        return DunningRules(
            yellow_before=self.yellow_days_before,
            orange_after=self.orange_days_after,
            red_after=self.red_days_after,
            at=self.dunning_at,
        )

    @property
    def success(self) -> SuccessRules:
        return SuccessRules(
            satisfaction_after=self.satisfaction_days_after_delivery,
            usage_before=self.usage_check_days_before_term,
            renewal_before=self.renewal_days_before_end,
        )
