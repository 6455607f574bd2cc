"""Channels and people in the rules file: by name (`#sales-east`, `@alice`, an email) or by ID."""

from __future__ import annotations

import pytest

from config.lead_rules import LeadRules
from config.references import RefKind, parse_channel, parse_person
from config.rules import RulesError, parse_rules


@pytest.mark.parametrize(
    ("written", "slack_id", "kind", "name"),
    [
        ("#sales-east", None, RefKind.CHANNEL, "sales-east"),
        ("#华东线索", None, RefKind.CHANNEL, "华东线索"),
        ("C0EASTLEADS", "C0EASTLEADS", None, "C0EASTLEADS"),
        ("G012AB3CD", "G012AB3CD", None, "G012AB3CD"),
    ],
)
def test_a_channel_is_a_hash_name_or_an_id(
    written: str, slack_id: str | None, kind: RefKind, name: str
) -> None:
    ref = parse_channel(written)
    assert (ref.written, ref.id, ref.kind, ref.name, ref.is_name) == (
        written,
        slack_id,
        kind,
        name,
        kind is not None,
    )


@pytest.mark.parametrize(
    ("written", "slack_id", "kind", "name"),
    [
        ("@alice", None, RefKind.HANDLE, "alice"),
        ("@王芳", None, RefKind.HANDLE, "王芳"),
        ("Bob.Lin@Corp.com", None, RefKind.EMAIL, "bob.lin@corp.com"),
        ("U0ALICE", "U0ALICE", None, "U0ALICE"),
        ("W012A3CDE", "W012A3CDE", None, "W012A3CDE"),
    ],
)
def test_a_person_is_a_handle_an_email_or_an_id(
    written: str, slack_id: str | None, kind: RefKind, name: str
) -> None:
    ref = parse_person(written)
    assert (ref.written, ref.id, ref.kind, ref.name) == (written, slack_id, kind, name)


@pytest.mark.parametrize(
    ("written", "hint"),
    [("sales-leads", '"#sales-leads"'), ("@sales", '"#sales"'), ("# leads", '"#channel-name"')],
)
def test_a_bare_channel_name_is_refused_with_the_spelling_to_use(written: str, hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        parse_channel(written)


@pytest.mark.parametrize(
    ("written", "hint"), [("alice", '"@alice"'), ("#alice", '"@alice"'), ("", '"@name"')]
)
def test_a_bare_person_name_is_refused_with_the_spelling_to_use(written: str, hint: str) -> None:
    with pytest.raises(ValueError, match=hint):
        parse_person(written)


def test_the_rules_file_reports_a_bare_name_on_its_line() -> None:
    text = '[leads]\nmanagers = ["@li"]\n\n[[leads.pools]]\nid = "east"\nchannel = "sales-east"\n'
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "team.toml")
    [problem] = caught.value.problems
    assert str(problem).startswith("team.toml:6: leads.pools.0.channel: 'sales-east' is not a channel")


ROSTER = """
[leads]
channel = "#sales-leads"
managers = ["li@corp.com", "UBOSS"]

[[leads.pools]]
id = "east"
channel = "#sales-east"
regions = ["East"]
members = ["@alice", "U0BOB"]
fallback_owner = "@li"

[[leads.reps]]
user_id = "@alice"
name = "Alice"
joined = 2024-01-01
regions = ["East"]

[[leads.reps]]
user_id = "U0BOB"
name = "Bob"
joined = 2024-01-01
"""


def test_names_count_for_nobody_until_they_are_looked_up() -> None:
    rules = LeadRules.from_toml(ROSTER)
    table = rules.routing_table
    assert [rep.user_id for rep in table.roster] == ["U0BOB"]
    assert table.pools[0].channel_id is None and table.pools[0].fallback_owner is None
    assert rules.manager_ids == ("UBOSS",)
    assert [pool.id for pool in rules.unannounced_pools()] == ["east", "default"]
    written = [(path, ref.written) for path, ref in rules.references() if ref.is_name]
    assert written == [
        (("leads", "channel"), "#sales-leads"),
        (("leads", "managers", 0), "li@corp.com"),
        (("leads", "pools", 0, "channel"), "#sales-east"),
        (("leads", "pools", 0, "members", 0), "@alice"),
        (("leads", "pools", 0, "fallback_owner"), "@li"),
        (("leads", "reps", 0, "user_id"), "@alice"),
    ]


def test_once_looked_up_the_routing_table_holds_ids_only() -> None:
    ids = {"channel:sales-leads": "C0LEADS", "channel:sales-east": "C0EAST", "handle:alice": "U0ALICE"}
    ids |= {"email:li@corp.com": "U0LI", "handle:li": "U0LI"}
    rules = LeadRules.from_toml(ROSTER).resolved(ids)
    table = rules.routing_table
    assert [rep.user_id for rep in table.roster] == ["U0ALICE", "U0BOB"]
    east = table.pools[0]
    assert (east.channel_id, east.members, east.fallback_owner) == ("C0EAST", {"U0ALICE", "U0BOB"}, "U0LI")
    assert table.default_pool.channel_id == "C0LEADS"
    assert rules.manager_ids == ("U0LI", "UBOSS")
    assert rules.unannounced_pools() == []
    assert rules.reps[0].user_id.written == "@alice"  # what was written is kept for messages


def test_an_unknown_member_does_not_widen_a_pool_to_the_whole_roster() -> None:
    rules = LeadRules.from_toml(ROSTER.replace('"@alice", "U0BOB"', '"@carol"')).resolved(
        {"handle:carol": None}
    )
    assert rules.routing_table.pools[0].members  # still restricted: to nobody on the roster


def test_one_person_written_two_ways_is_on_the_roster_once() -> None:
    text = ROSTER.replace('user_id = "U0BOB"', 'user_id = "alice@corp.com"')
    rules = LeadRules.from_toml(text)  # not yet known to be one person
    with pytest.raises(ValueError, match="appears twice"):
        rules.resolved({"handle:alice": "U0ALICE", "email:alice@corp.com": "U0ALICE"})


def test_a_member_given_by_id_must_be_on_a_roster_of_ids() -> None:
    with pytest.raises(ValueError, match="not on the roster: U0CAROL"):
        LeadRules.from_toml(ROSTER.replace('"@alice", "U0BOB"', '"U0CAROL"').replace('"@alice"', '"U0ALICE"'))
