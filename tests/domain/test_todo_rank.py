"""Today's three things: the ranking is a pure function of the items and the moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.todo import OpenItem, Urgency, rank

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
DAY_ENDS = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)  # midnight in Shanghai


def item(item_id: int, kind: str, due_in_hours: float, snoozed_for: float | None = None) -> OpenItem:
    snoozed = NOW + timedelta(hours=snoozed_for) if snoozed_for is not None else None
    return OpenItem(item_id, kind, NOW + timedelta(hours=due_in_hours), snoozed)


def test_overdue_follow_ups_come_first_then_leads_then_what_is_due_today() -> None:
    listing = rank(
        [
            item(1, "follow_up", 3),  # due today
            item(2, "lead_contact", -2),  # a lead 2 h past its first-contact limit
            item(3, "follow_up", -5),  # 5 h overdue
            item(4, "follow_up", -30),  # 30 h overdue: the latest comes first
        ],
        NOW,
        DAY_ENDS,
    )
    assert [entry.item.item_id for entry in listing.top] == [4, 3, 2]
    assert [entry.urgency for entry in listing.top] == [Urgency.OVERDUE, Urgency.OVERDUE, Urgency.UNCONTACTED]
    assert listing.top[0].late_by == timedelta(hours=30)
    assert listing.more == 1


def test_snoozed_and_later_items_are_not_on_the_list() -> None:
    listing = rank(
        [
            item(1, "follow_up", -5, snoozed_for=4),
            item(2, "follow_up", 20),
            item(3, "follow_up", -1, snoozed_for=-1),
        ],
        NOW,
        DAY_ENDS,
    )
    assert [entry.item.item_id for entry in listing.top] == [3]  # a snooze that ended counts again
    assert listing.more == 0


def test_an_empty_day_is_an_empty_list() -> None:
    listing = rank([item(1, "follow_up", 48)], NOW, DAY_ENDS)
    assert listing.empty and listing.more == 0


def test_the_limit_is_a_parameter_and_ties_keep_a_stable_order() -> None:
    items = [item(i, "follow_up", -1) for i in (5, 2, 9, 1)]
    listing = rank(items, NOW, DAY_ENDS, limit=2)
    assert [entry.item.item_id for entry in listing.top] == [1, 2] and listing.more == 2
