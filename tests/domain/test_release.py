"""Releasing leads nobody contacted in time, and who they must not go back to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.leads import Reason
from domain.release import OwnedLead, Release, due_for_release

ASSIGNED = datetime(2024, 6, 3, 9, tzinfo=UTC)


def test_an_uncontacted_lead_is_released_three_days_after_assignment() -> None:
    lead = OwnedLead("L1", "U0ALICE", ASSIGNED)

    assert due_for_release([lead], ASSIGNED + timedelta(days=3) - timedelta(seconds=1)) == ()
    assert due_for_release([lead], ASSIGNED + timedelta(days=3)) == (
        Release(
            "L1",
            "U0ALICE",
            frozenset({"U0ALICE"}),
            Reason("not_contacted", {"assigned_at": ASSIGNED.isoformat(), "days": 3}),
        ),
    )


def test_a_contacted_lead_stays_with_its_owner_even_if_contact_was_late() -> None:
    late = OwnedLead("L1", "U0ALICE", ASSIGNED, first_contact_at=ASSIGNED + timedelta(days=2, hours=23))

    assert due_for_release([late], ASSIGNED + timedelta(days=10)) == ()


def test_a_contact_recorded_after_now_does_not_count_yet() -> None:
    lead = OwnedLead("L1", "U0ALICE", ASSIGNED, first_contact_at=ASSIGNED + timedelta(days=5))

    released = due_for_release([lead], ASSIGNED + timedelta(days=4))

    assert [r.lead_id for r in released] == ["L1"]


def test_a_lead_released_again_excludes_every_earlier_owner() -> None:
    lead = OwnedLead("L1", "U0BO", ASSIGNED, released_from=frozenset({"U0ALICE"}))

    (release,) = due_for_release([lead], ASSIGNED + timedelta(days=3))

    assert release.owner == "U0BO"
    assert release.exclude == frozenset({"U0ALICE", "U0BO"})


def test_release_period_comes_from_the_rules() -> None:
    lead = OwnedLead("L1", "U0ALICE", ASSIGNED)
    now = ASSIGNED + timedelta(days=1)

    assert due_for_release([lead], now, release_after=timedelta(days=2)) == ()
    (release,) = due_for_release([lead], now, release_after=timedelta(days=1))
    assert release.reason.params["days"] == 1


def test_only_due_leads_are_returned_in_input_order() -> None:
    now = ASSIGNED + timedelta(days=4)
    leads = [
        OwnedLead("L1", "U0ALICE", ASSIGNED),
        OwnedLead("L2", "U0BO", ASSIGNED + timedelta(days=2)),
        OwnedLead("L3", "U0CHEN", ASSIGNED, first_contact_at=ASSIGNED + timedelta(hours=5)),
        OwnedLead("L4", "U0DAN", ASSIGNED - timedelta(days=1)),
    ]

    assert [r.lead_id for r in due_for_release(leads, now)] == ["L1", "L4"]
