"""The plain facts that lead scoring, routing, release and fairness reason about.

Everything here is an immutable value: a lead as it arrived, a rep as the roster describes them, a rep's
routing counters, and the structured `Reason` every decision is explained with. Nothing here knows
about Slack, storage or the wall clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

# domain.md: first contact with a real conversation within 72 h raises the rep's allocation priority.
PROMPT_CONTACT_WINDOW = timedelta(hours=72)

ReasonParam = str | int | float


class Grade(StrEnum):
    """How promising a lead is, best first; S and A are the leads reps compete for."""

    S = "S"
    A = "A"
    B = "B"
    C = "C"

    @property
    def is_premium(self) -> bool:
        """S and A leads are the ones new reps are guaranteed a share of."""
        return self in (Grade.S, Grade.A)


class Urgency(StrEnum):
    """The traffic-light urgency a lead form or an operator may attach to a lead."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


@dataclass(frozen=True, slots=True)
class Reason:
    """A structured explanation: a stable code plus the figures behind it.

    The bot renders reasons through its en/zh message catalogue, so the domain never builds sentences.
    """

    code: str
    params: Mapping[str, ReasonParam] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        # Decisions share reasons and outlive the code that made them, so their params stay read-only.
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


@dataclass(frozen=True, slots=True)
class Lead:
    """A person or company that showed interest, as captured at intake from any channel."""

    id: str
    source: str
    created_at: datetime
    region: str | None = None
    industry: str | None = None
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    urgency: Urgency | None = None
    signals: frozenset[str] = frozenset()
    attributes: Mapping[str, str | float] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))

    @property
    def budget(self) -> Decimal | None:
        """The most the customer said they might spend, which is what budget rules and bands compare.

        A lead that gave a single figure may have it recorded as either end of the range.
        """
        return self.budget_max if self.budget_max is not None else self.budget_min


@dataclass(frozen=True, slots=True)
class Rep:
    """A sales rep as the roster describes them; empty regions or industries mean "covers all"."""

    user_id: str
    name: str
    joined_at: date
    regions: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    weight: float = 1.0
    away: bool = False
    cap: int | None = None

    def covers_region(self, region: str | None) -> bool:
        """A lead with no region recorded is not held against anyone."""
        return region is None or not self.regions or region in self.regions

    def covers_industry(self, industry: str | None) -> bool:
        """A lead with no industry recorded is not held against anyone."""
        return industry is None or not self.industries or industry in self.industries

    def is_new(self, newcomers_joined_after: date) -> bool:
        """New reps are guaranteed a share of S/A leads so they do not start on stale leftovers.

        Takes the cut-off date (see `newcomer_cutoff`) so callers checking a whole roster work it out once.
        """
        return self.joined_at > newcomers_joined_after


def newcomer_cutoff(today: date, new_rep_days: int) -> date:
    """Reps who joined after this date count as new on `today`, i.e. joined fewer than N days ago."""
    return today - timedelta(days=new_rep_days)


@dataclass(frozen=True, slots=True)
class RepState:
    """A rep's follow-up record that routing reads: open load and how promptly they contact leads.

    The contact counters cover whatever look-back window the caller keeps (e.g. the last 30 days), so a
    rep who improves is not punished forever.
    """

    open_uncontacted: int = 0
    prompt_contacts: int = 0
    late_contacts: int = 0
    stale_leads: int = 0
    # Shares of the judged leads (contacted or released), worked out once here because routing reads
    # them for every candidate of every lead.
    prompt_share: float = field(init=False, repr=False, compare=False)
    stale_share: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        judged = self.prompt_contacts + self.late_contacts + self.stale_leads
        object.__setattr__(self, "prompt_share", self.prompt_contacts / judged if judged else 0.0)
        object.__setattr__(self, "stale_share", self.stale_leads / judged if judged else 0.0)

    def after_assignment(self) -> RepState:
        """One more lead waiting for this rep's first contact."""
        return RepState(self.open_uncontacted + 1, self.prompt_contacts, self.late_contacts, self.stale_leads)

    def after_first_contact(self, assigned_at: datetime, contacted_at: datetime) -> RepState:
        """The lead leaves the rep's open load; contact within 72 h earns the priority bonus."""
        prompt = contacted_at - assigned_at <= PROMPT_CONTACT_WINDOW
        return RepState(
            max(self.open_uncontacted - 1, 0),
            self.prompt_contacts + prompt,
            self.late_contacts + (not prompt),
            self.stale_leads,
        )

    def after_release(self) -> RepState:
        """A lead taken back for lack of contact leaves the open load and counts against priority."""
        return RepState(
            max(self.open_uncontacted - 1, 0), self.prompt_contacts, self.late_contacts, self.stale_leads + 1
        )


@dataclass(frozen=True, slots=True)
class RepOverride:
    """What changed in Slack over the rules file's roster: `/closeloop rep …`, and the rep's Slack status.

    None means "as the rules file says"; the rules file stays the team's baseline. A Slack status that
    says the rep is away (on leave, sick) makes them away whatever else says: they come back by
    clearing the status, as they would for their colleagues.
    """

    away: bool | None = None
    regions: frozenset[str] | None = None
    industries: frozenset[str] | None = None
    weight: float | None = None
    status_away: bool = False


def apply_overrides(roster: tuple[Rep, ...], overrides: Mapping[str, RepOverride]) -> tuple[Rep, ...]:
    """The roster as routing should see it now: each rep with their Slack-side changes applied."""
    return tuple(
        _overridden(rep, overrides[rep.user_id]) if rep.user_id in overrides else rep for rep in roster
    )


def _overridden(rep: Rep, override: RepOverride) -> Rep:
    return Rep(
        user_id=rep.user_id,
        name=rep.name,
        joined_at=rep.joined_at,
        regions=rep.regions if override.regions is None else override.regions,
        industries=rep.industries if override.industries is None else override.industries,
        weight=rep.weight if override.weight is None else override.weight,
        away=(rep.away if override.away is None else override.away) or override.status_away,
        cap=rep.cap,
    )


def status_says_away(text: str, emoji: str, words: Iterable[str], emojis: Iterable[str]) -> bool:
    """Whether a Slack status ("On vacation :palm_tree:", "休假中") means the rep cannot take leads."""
    folded = text.casefold()
    return any(word.casefold() in folded for word in words) or emoji in set(emojis)
