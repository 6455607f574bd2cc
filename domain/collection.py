"""Payment collection figures (回款): collected this month against what fell due, overdue by level, and
each rep's rate (回款达成率).

Pure: the digest and App Home hand in the month's receivables and payments; amounts in other
currencies are counted in the team's currency through the rules file's rates (a currency with no rate
is left out rather than guessed). A contract waiting for its new owner's confirmation after a
handover does not count in anyone's figures yet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from domain.money import cents

LEVELS = ("yellow", "orange", "red")


@dataclass(frozen=True, slots=True)
class Receivable:
    """An instalment as the figures see it."""

    owner: str
    currency: str
    amount: Decimal
    paid: Decimal
    due_this_month: bool
    level: str | None
    counted: bool = True  # False while a handover waits for confirmation


@dataclass(frozen=True, slots=True)
class Received:
    """A payment received this month."""

    owner: str
    currency: str
    amount: Decimal
    counted: bool = True


@dataclass(frozen=True)
class RepCollection:
    owner: str
    collected: Decimal
    due: Decimal

    @property
    def rate(self) -> int | None:
        return rate(self.collected, self.due)


def rate(collected: Decimal, due: Decimal) -> int | None:
    """Collected as a whole percentage of what fell due (回款达成率); None when nothing fell due."""
    return None if not due else int(cents(collected * 100 / due))


@dataclass(frozen=True)
class Collection:
    """The month so far: due, collected, the rate, unpaid instalments by level, and per rep."""

    currency: str
    due: Decimal = Decimal(0)
    collected: Decimal = Decimal(0)
    overdue: Mapping[str, int] = field(default_factory=dict)
    reps: tuple[RepCollection, ...] = ()

    @property
    def rate(self) -> int | None:
        return rate(self.collected, self.due)

    @property
    def empty(self) -> bool:
        return not (self.due or self.collected or any(self.overdue.values()))

    def to_json(self) -> dict[str, object]:
        return {
            "currency": self.currency,
            "due": str(self.due),
            "collected": str(self.collected),
            "overdue": dict(self.overdue),
            "reps": [[r.owner, str(r.collected), str(r.due)] for r in self.reps],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Collection:
        return cls(
            currency=str(data["currency"]),
            due=Decimal(str(data["due"])),
            collected=Decimal(str(data["collected"])),
            overdue=dict(data.get("overdue") or {}),  # type: ignore[call-overload]
            reps=tuple(RepCollection(o, Decimal(c), Decimal(d)) for o, c, d in data.get("reps") or []),  # type: ignore[union-attr]
        )


def collection(
    receivables: Iterable[Receivable],
    received: Iterable[Received],
    currency: str,
    rates: Mapping[str, Decimal],
) -> Collection:
    """The month's figures in `currency`, each rep's too (reps with nothing due or collected left out)."""

    def converted(amount: Decimal, code: str) -> Decimal | None:
        if code == currency:
            return amount
        exchange = rates.get(code)
        return None if exchange is None else amount * exchange

    due: Counter[str] = Counter()
    collected: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    for item in receivables:
        if not item.counted:
            continue
        if item.level and item.paid < item.amount:
            overdue[item.level] += 1
        amount = converted(item.amount, item.currency)
        if item.due_this_month and amount is not None:
            due[item.owner] += amount  # type: ignore[assignment]
    for payment in received:
        amount = converted(payment.amount, payment.currency)
        if payment.counted and amount is not None:
            collected[payment.owner] += amount  # type: ignore[assignment]
    owners = sorted(set(due) | set(collected))
    return Collection(
        currency=currency,
        due=cents(sum(due.values(), Decimal(0))),
        collected=cents(sum(collected.values(), Decimal(0))),
        overdue={level: overdue[level] for level in LEVELS if overdue[level]},
        reps=tuple(RepCollection(o, cents(Decimal(collected[o])), cents(Decimal(due[o]))) for o in owners),
    )
