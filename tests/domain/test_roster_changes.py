"""Roster changes made in Slack, applied over the rules file's roster."""

from __future__ import annotations

from datetime import date

import pytest

from domain.leads import Rep, RepOverride, apply_overrides
from handlers.roster import parse_rep_change

ROSTER = (
    Rep("UA", "A", date(2024, 1, 1), regions=frozenset({"East"}), weight=1.0),
    Rep("UB", "B", date(2024, 1, 1), regions=frozenset({"South"}), away=True),
)


def test_only_what_was_changed_changes() -> None:
    changed = apply_overrides(
        ROSTER, {"UA": RepOverride(away=True), "UB": RepOverride(away=False, weight=2.0)}
    )
    assert changed[0].away and changed[0].regions == frozenset({"East"}) and changed[0].weight == 1.0
    assert not changed[1].away and changed[1].weight == 2.0
    assert apply_overrides(ROSTER, {}) == ROSTER


@pytest.mark.parametrize(
    ("words", "change"),
    [
        ("away", {"away": True}),
        ("back", {"away": False}),
        ("regions East, South", {"regions": ["East", "South"]}),
        ("regions 华东，华南、华北", {"regions": ["华东", "华南", "华北"]}),
        ("industries Machinery", {"industries": ["Machinery"]}),
        ("weight 1.5", {"weight": 1.5}),
        ("holiday", None),
        ("regions", None),
    ],
)
def test_rep_changes_are_read(words: str, change: dict | None) -> None:
    assert parse_rep_change(words) == change


@pytest.mark.parametrize("words", ["weight 0", "weight 11", "weight heavy"])
def test_weights_out_of_range_are_refused(words: str) -> None:
    with pytest.raises(ValueError):
        parse_rep_change(words)
