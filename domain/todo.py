"""Today's three things: which of a rep's open items come first, and why.

domain.md: the daily to-do card holds at most three items. Late work comes first (overdue follow-ups,
then leads past their first-contact limit), then what falls due today; within a group the item that
is latest (or due soonest) leads. The ranking is a pure function of the items and `now`, so the
morning DM, App Home and `/closeloop todo` always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

TODO_LIMIT = 3


class Urgency(IntEnum):
    """Why an item is on the list, most urgent first (the order of the groups on the card)."""

    OVERDUE = 0  # a follow-up whose next action is past due
    UNCONTACTED = 1  # a lead past its first-contact limit
    DUE_TODAY = 2  # due before the end of the rep's day


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open item as ranking sees it: what it is and when it is (or was) due."""

    item_id: int
    kind: str  # "follow_up" or "lead_contact" (later issues add approvals, payments, service)
    due_at: datetime
    snoozed_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class RankedItem:
    """An item on the list with the reason it is there and how late it is (negative: not yet due)."""

    item: OpenItem
    urgency: Urgency
    late_by: timedelta


@dataclass(frozen=True, slots=True)
class TodoList:
    """The first `limit` items and how many more there are."""

    top: tuple[RankedItem, ...]
    more: int

    @property
    def empty(self) -> bool:
        return not self.top


def rank(items: Iterable[OpenItem], now: datetime, day_ends: datetime, limit: int = TODO_LIMIT) -> TodoList:
    """The items that belong on today's list at `now`, most urgent first, cut to `limit`.

    `day_ends` is the end of the rep's day in their own zone: an item due by then is today's. Snoozed
    items and items due later are not on the list.
    """
    ranked = sorted(
        (entry for item in items if (entry := _ranked(item, now, day_ends)) is not None),
        key=lambda entry: (entry.urgency, -entry.late_by, entry.item.item_id),
    )
    return TodoList(tuple(ranked[:limit]), max(0, len(ranked) - limit))


def _ranked(item: OpenItem, now: datetime, day_ends: datetime) -> RankedItem | None:
    if item.snoozed_until is not None and item.snoozed_until > now:
        return None
    late_by = now - item.due_at
    if item.due_at <= now:
        urgency = Urgency.UNCONTACTED if item.kind == "lead_contact" else Urgency.OVERDUE
    elif item.due_at <= day_ends:
        urgency = Urgency.DUE_TODAY
    else:
        return None
    return RankedItem(item, urgency, late_by)
