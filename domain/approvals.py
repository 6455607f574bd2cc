"""Which approvals a quote needs, and why: readable rules over its amount, discount and terms.

`choose_chain` is the whole decision: every step the rules file lists, in order, either needed (with
the tests that made it so, or "always") or skipped (with the test that skipped it, or "no test
fired"). The reasons are kept with the version, so `/closeloop quote why` and the approver's DM say
what decided the chain even after the rules file changes.

Approvers are named by role: `manager` is the rep's manager from the roster; any other name is a group
of the `[approvals]` section, where any one member decides, or all of them when the step says `all`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from domain.quotes import QuoteContent, Remainder
from domain.scoring import Comparison

MANAGER = "manager"
QuoteFact = Literal["amount", "discount", "prepayment", "net_days", "terms"]
NUMERIC_FACTS: tuple[QuoteFact, ...] = ("amount", "discount", "prepayment", "net_days")


@dataclass(frozen=True, slots=True)
class QuoteFacts:
    """What the rules test, read off one version. `amount` is in the team's currency; None when the
    quote's currency has no rate to convert it (an amount test then fires: better asked than missed)."""

    amount: Decimal | None
    currency: str  # the quote's
    team_currency: str  # what `amount` and the rules' limits are in
    discount: Decimal
    prepayment: Decimal
    net_days: int | None  # None when the rest is paid on delivery
    terms: frozenset[str]


def facts_of(
    content: QuoteContent, team_currency: str, rates: dict[str, Decimal], standard_net_days: int
) -> QuoteFacts:
    """The facts of a quote: its total in the team's currency, and its terms as tags.

    Terms are `cash_on_delivery` or `net`, plus `prepayment` when some is paid up front, plus
    `nonstandard` for written special terms or a net period beyond the standard one.
    """
    terms = content.terms
    rate = Decimal(1) if content.currency == team_currency else rates.get(content.currency)
    tags = {terms.remainder.value}
    if terms.prepayment_pct > 0:
        tags.add("prepayment")
    on_delivery = terms.remainder is Remainder.ON_DELIVERY
    if terms.special.strip() or (not on_delivery and terms.net_days > standard_net_days):
        tags.add("nonstandard")
    return QuoteFacts(
        amount=None if rate is None else content.total * rate,
        currency=content.currency,
        team_currency=team_currency,
        discount=content.discount_pct,
        prepayment=terms.prepayment_pct,
        net_days=None if on_delivery else terms.net_days,
        terms=frozenset(tags),
    )


@dataclass(frozen=True, slots=True)
class Test:
    """One readable test: a figure compared with a limit (`discount > 10`), or a terms tag present."""

    fact: QuoteFact
    comparison: Comparison | None = None
    limit: Decimal | None = None
    tag: str | None = None

    def fires(self, facts: QuoteFacts) -> bool:
        if self.fact == "terms":
            return self.tag in facts.terms
        actual = self.actual(facts)
        if actual is None:
            return self.fact == "amount"  # an amount we cannot convert is one someone should see
        assert self.comparison is not None and self.limit is not None
        return self.comparison.holds(actual, self.limit)

    def actual(self, facts: QuoteFacts) -> Decimal | None:
        """The quote's figure this test reads (None for a terms test, or an amount with no rate)."""
        if self.fact == "terms":
            return None
        value = getattr(facts, self.fact)
        return None if value is None else Decimal(value)

    def as_json(self, facts: QuoteFacts | None = None) -> dict[str, Any]:
        """The test as a stored reason; with `facts`, the quote's own figure beside the limit."""
        data: dict[str, Any] = {"fact": self.fact}
        if self.fact == "terms":
            data["tag"] = self.tag
        else:
            data["op"] = self.comparison.value if self.comparison else None
            data["limit"] = str(self.limit)
            if facts is not None:
                actual = self.actual(facts)
                data["actual"] = None if actual is None else str(actual)
                if self.fact == "amount":
                    data["currency"] = facts.currency
                    data["in"] = facts.team_currency
        return data


@dataclass(frozen=True, slots=True)
class StepRule:
    """A step the rules file lists: who decides, and when it is needed or skipped.

    No `when_any`: always needed. Otherwise needed when any of its tests fires, unless one of
    `skip_when_any` fires (a cash-on-delivery quote skips legal however big its prepayment looks).
    """

    id: str
    approvers: str = MANAGER
    all_of_group: bool = False
    when_any: tuple[Test, ...] = ()
    skip_when_any: tuple[Test, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a step is needed or skipped: `code` is always, fired, skipped_by or nothing_fired."""

    code: str
    test: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "test": self.test}

    @property
    def summary(self) -> str:
        """The reason in a few plain characters for ledgers and exports: `fired:discount>10`,
        `skipped_by:terms=cash_on_delivery`, `always`."""
        test = self.test
        if not test:
            return self.code
        if test["fact"] == "terms":
            return f"{self.code}:terms={test['tag']}"
        op = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "eq": "="}.get(test.get("op") or "", "?")
        return f"{self.code}:{test['fact']}{op}{test['limit']}"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        return cls(str(data["code"]), data.get("test"))


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One step of a chosen chain."""

    id: str
    approvers: str
    all_of_group: bool
    needed: bool
    reasons: tuple[Reason, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "approvers": self.approvers,
            "all": self.all_of_group,
            "needed": self.needed,
            "reasons": [reason.as_json() for reason in self.reasons],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChainStep:
        return cls(
            str(data["id"]),
            str(data["approvers"]),
            bool(data.get("all", False)),
            bool(data["needed"]),
            tuple(Reason.from_json(r) for r in data.get("reasons", [])),
        )


def choose_chain(facts: QuoteFacts, steps: tuple[StepRule, ...]) -> tuple[ChainStep, ...]:
    """Every listed step, needed or skipped, each with its reasons, in the rules file's order."""
    chosen = []
    for rule in steps:
        skipped_by = [Reason("skipped_by", t.as_json(facts)) for t in rule.skip_when_any if t.fires(facts)]
        if not rule.when_any:
            fired = [Reason("always")]
        else:
            fired = [Reason("fired", t.as_json(facts)) for t in rule.when_any if t.fires(facts)]
        if skipped_by:
            chosen.append(ChainStep(rule.id, rule.approvers, rule.all_of_group, False, tuple(skipped_by)))
        elif fired:
            chosen.append(ChainStep(rule.id, rule.approvers, rule.all_of_group, True, tuple(fired)))
        else:
            chosen.append(
                ChainStep(rule.id, rule.approvers, rule.all_of_group, False, (Reason("nothing_fired"),))
            )
    return tuple(chosen)


def risk_reasons(chain: tuple[ChainStep, ...]) -> tuple[Reason, ...]:
    """What made this quote need more than the usual look: every test that fired, once each."""
    seen: list[Reason] = []
    for step in chain:
        for reason in step.reasons:
            if reason.code == "fired" and reason not in seen:
                seen.append(reason)
    return tuple(seen)


Decision = Literal["approve", "reject", "changes"]


def step_outcome(decisions: list[Decision], members: int, all_of_group: bool) -> Decision | None:
    """A step's outcome from its members' decisions so far; None while it still waits.

    Any one member decides a group step; with `all_of_group`, every member must approve, and any one
    rejection or request for changes ends the step at once.
    """
    for blocking in ("reject", "changes"):
        if blocking in decisions:
            return blocking  # type: ignore[return-value]
    if not decisions:
        return None
    if all_of_group and decisions.count("approve") < members:
        return None
    return "approve"


def delegation_loops(delegations: dict[str, str], giver: str, taker: str) -> bool:
    """Would `giver` → `taker` close a loop with the delegations in force (each person → their delegate)?"""
    seen = {giver}
    current: str | None = taker
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = delegations.get(current)
    return False


def acting_for(delegations: dict[str, str], approver: str) -> str:
    """Who decides for `approver` now: their delegate's delegate…, or themselves. Loops cannot exist
    (`delegation_loops` refuses them), but a bound keeps a bad row from hanging the bot."""
    current = approver
    for _ in range(len(delegations) + 1):
        following = delegations.get(current)
        if following is None:
            return current
        current = following
    return current
