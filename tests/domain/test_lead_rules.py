"""The `[leads]` rules section: defaults from domain.md, the shipped example, and errors for typos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources

import pytest
from pydantic import ValidationError

from config.lead_rules import LeadRules
from domain.leads import Grade, Lead, Urgency
from domain.routing import Outcome, PoolMode, RoutingState, route
from domain.scoring import AttributeIs, BudgetIs, Comparison, FactIn, GradeThresholds, HasSignal, score_lead

NOW = datetime(2024, 6, 17, 9, tzinfo=UTC)


def example_text() -> str:
    return resources.files("config").joinpath("leads_example.toml").read_text(encoding="utf-8")


def leads_section(body: str) -> LeadRules:
    return LeadRules.from_toml("[leads]\n" + body)


def test_defaults_are_domain_md_numbers() -> None:
    rules = LeadRules()

    assert (rules.cap, rules.release_after, rules.contact_bonus) == (5, timedelta(days=3), 0.2)
    assert (rules.new_rep_days, rules.new_rep_share) == (90, 0.2)
    assert rules.score_card.thresholds == GradeThresholds(s=60, a=40, b=20)
    assert {rule.id: rule.points for rule in rules.score_card.rules} == {
        "website_form": 10,
        "wechat_contact": 10,
        "phone_inquiry": 15,
        "page_dwell": 5,
        "trial_request": 20,
        "competitor_employee": -30,
    }
    assert rules.routing_table.default_pool.cap == 5
    assert rules.routing_table.default_pool.contact_bonus == 0.2


def test_a_rules_file_without_a_leads_section_gets_the_defaults() -> None:
    assert LeadRules.from_toml("[archive]\nretention_days = 30\n") == LeadRules()


def test_default_scoring_grades_a_hot_lead() -> None:
    hot = Lead(
        id="L1",
        source="web",
        created_at=NOW,
        signals=frozenset({"website_form", "phone_inquiry", "trial_request"}),
        attributes={"page_dwell_seconds": 300.0},
    )

    score = score_lead(hot, LeadRules().score_card)

    assert (score.points, score.grade) == (50, Grade.A)


def test_the_example_section_validates_and_routes() -> None:
    rules = LeadRules.from_toml(example_text())
    routing = rules.routing_table

    assert [pool.id for pool in routing.pools] == ["east", "general"]
    assert routing.default_pool.id == "general"
    assert routing.default_pool.mode is PoolMode.OFFER
    assert [rep.name for rep in routing.roster] == ["Alice", "Bo Wang", "Chen Li", "Dan Zhou"]
    assert {region for rep in routing.roster for region in rep.regions} == {"East", "South"}
    assert [rep.user_id for rep in routing.roster if rep.joined_at > NOW.date() - timedelta(days=90)] == [
        "U0DAN"
    ]
    assert rules.score_card.rules[-1].condition == BudgetIs(Comparison.GTE, Decimal(1_000_000))

    east_lead = Lead(id="L1", source="web", created_at=NOW, region="East", industry="machinery")
    decision = route(east_lead, Grade.B, routing, RoutingState(), NOW)
    assert (decision.pool_id, decision.outcome, decision.owner) == ("east", Outcome.ASSIGNED, "U0ALICE")

    south_lead = Lead(id="L2", source="web", created_at=NOW, region="South", industry="electronics")
    offer = route(south_lead, Grade.A, routing, RoutingState(), NOW)
    assert (offer.pool_id, offer.outcome, offer.offered_to) == ("general", Outcome.OFFERED, ("U0DAN", "U0BO"))


def test_pool_figures_fall_back_to_the_section_defaults() -> None:
    rules = leads_section(
        """
cap = 7
new_rep_share = 0.3
[[leads.pools]]
id = "east"
regions = ["East"]
cap = 3
"""
    )

    (east,) = rules.routing_table.pools
    assert (east.cap, east.new_rep_share, east.contact_bonus) == (3, 0.3, 0.2)


def test_conditions_of_every_kind_convert_to_the_domain() -> None:
    rules = leads_section(
        """
[[leads.scoring]]
id = "expo"
label = "Met at an expo"
points = 5
when = { source = ["expo", "fair"] }
[[leads.scoring]]
id = "urgent"
label = "Marked urgent"
points = 5
when = { urgency = "red" }
[[leads.scoring]]
id = "small_shop"
label = "Fewer than 10 staff"
points = -5
when = { attribute = "employees", lt = 10 }
[[leads.scoring]]
id = "pro_plan"
label = "On the pro plan"
points = 5
when = { attribute = "plan", eq = "pro" }
[[leads.scoring]]
id = "trial"
label = "Trial"
points = 20
when = { signal = "trial_request" }
"""
    )

    assert [rule.condition for rule in rules.score_card.rules] == [
        FactIn("source", frozenset({"expo", "fair"})),
        FactIn("urgency", frozenset({Urgency.RED})),
        AttributeIs("employees", Comparison.LT, 10.0),
        AttributeIs("plan", Comparison.EQ, "pro"),
        HasSignal("trial_request"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("cpa = 5", "Extra inputs are not permitted"),
        (
            "[[leads.reps]]\nuser_id = 'U1'\nname = 'A'\njoined = 2024-01-01\nregion = ['East']",
            "Extra inputs",
        ),
        (
            "[[leads.scoring]]\nid = 'x'\nlabel = 'X'\npoints = 1\nwhen = { signal = 'a', source = 'b' }",
            "exactly one",
        ),
        (
            "[[leads.scoring]]\nid = 'x'\nlabel = 'X'\npoints = 1\nwhen = { attribute = 'dwell' }",
            "exactly one of gt",
        ),
        (
            "[[leads.scoring]]\nid = 'x'\nlabel = 'X'\npoints = 1\nwhen = { signal = 'a', gt = 3 }",
            "go with `attribute`",
        ),
        (
            "[[leads.scoring]]\nid = 'x'\nlabel = 'X'\npoints = 1\nwhen = { budget = { gte = 1, lt = 9 } }",
            "exactly one of gt",
        ),
        ("[[leads.scoring]]\nid = 'x'\nlabel = 'X'\npoints = 1\nwhen = { urgency = 'purple' }", "urgency"),
        (
            "[[leads.scoring]]\nid = 'x'\nlabel = 'X'\npoints = 1\nwhen = { signal = 'a' }\n"
            "[[leads.scoring]]\nid = 'x'\nlabel = 'Y'\npoints = 2\nwhen = { signal = 'b' }",
            "scoring rule id 'x' appears twice",
        ),
        ("[leads.grades]\ns = 30\na = 40\nb = 20", "s > a > b"),
        ("[[leads.pools]]\nid = 'east'\nmembers = ['U404']", "not on the roster: U404"),
        ("default_pool = 'nowhere'", "'nowhere' is not one of the pools"),
        ("[[leads.pools]]\nid = 'east'\nmode = 'grab'", "mode"),
        ("[[leads.pools]]\nid = 'east'\nbudget_min = 500\nbudget_max = 100", "budget_min must be below"),
        ("new_rep_share = 1.5", "less than or equal to 1"),
        ("cap = 0", "greater than or equal to 1"),
        (
            "[[leads.reps]]\nuser_id = 'U1'\nname = 'A'\njoined = 2024-01-01\n"
            "[[leads.reps]]\nuser_id = 'U1'\nname = 'B'\njoined = 2024-01-01",
            "rep user_id 'U1' appears twice",
        ),
    ],
)
def test_mistakes_are_errors_that_say_what_is_wrong(body: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        leads_section(body)
