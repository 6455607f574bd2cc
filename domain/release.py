"""Find the leads whose owner has not contacted them in time, so they go back to the pool.

domain.md: a lead not contacted for 3 days is released and its owner loses priority. A released lead is
routed again with everyone it was ever released from excluded, so it never bounces back to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.leads import Reason

DEFAULT_RELEASE_AFTER = timedelta(days=3)

NOT_CONTACTED = "not_contacted"


@dataclass(frozen=True, slots=True)
class OwnedLead:
    """A lead's current ownership: who has it, since when, whether they have contacted it yet.

    `released_from` lists earlier owners the lead was already taken back from.
    """

    lead_id: str
    owner: str
    assigned_at: datetime
    first_contact_at: datetime | None = None
    released_from: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Release:
    """A lead to take back from its owner and route again without the reps in `exclude`."""

    lead_id: str
    owner: str
    exclude: frozenset[str]
    reason: Reason


def due_for_release(
    leads: Iterable[OwnedLead], now: datetime, release_after: timedelta = DEFAULT_RELEASE_AFTER
) -> tuple[Release, ...]:
    """The uncontacted leads whose owner has had them for `release_after` or longer at `now`.

    Contact at any time before `now`, even late, keeps the lead with its owner: the lead is being worked.
    """
    return tuple(
        Release(
            lead.lead_id,
            lead.owner,
            lead.released_from | {lead.owner},
            Reason(NOT_CONTACTED, {"assigned_at": lead.assigned_at.isoformat(), "days": release_after.days}),
        )
        for lead in leads
        if _uncontacted(lead, now) and now - lead.assigned_at >= release_after
    )


def _uncontacted(lead: OwnedLead, now: datetime) -> bool:
    # A contact stamped after `now` has not happened yet from the caller's point of view.
    return lead.first_contact_at is None or lead.first_contact_at > now
