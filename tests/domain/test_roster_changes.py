"""Roster changes made in Slack, applied over the rules file's roster."""

from __future__ import annotations

from datetime import date

import pytest

from config.lead_rules import LeadRules
from domain.leads import Rep, RepOverride, apply_overrides, status_says_away
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


@pytest.mark.parametrize(
    ("text", "emoji", "away"),
    [
        ("On vacation", "", True),
        ("休假中，下周一回来", "", True),
        ("", ":palm_tree:", True),
        ("In meetings", ":calendar:", False),
        ("出差 上海", ":airplane:", False),
    ],
)
def test_slack_statuses_that_mean_away(text: str, emoji: str, away: bool) -> None:
    rules = LeadRules()
    assert status_says_away(text, emoji, rules.away_status_words, rules.away_status_emoji) is away


def test_a_status_away_beats_a_rep_back_and_is_undone_by_clearing_it() -> None:
    [rep] = apply_overrides(ROSTER[:1], {"UA": RepOverride(away=False, status_away=True)})
    assert rep.away
    [rep] = apply_overrides(ROSTER[:1], {"UA": RepOverride(away=False, status_away=False)})
    assert not rep.away
