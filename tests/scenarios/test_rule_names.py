"""A rules file that names channels and people as people do: looked up in Slack once, IDs from then on.

`#sales-east`, `@alice` and `bob@example.com` become the IDs Slack gives; a lead is carded in the
channel's ID and owned by the person's ID. A pool whose channel is missing or unknown still takes
leads, and says so: at start, in `config check`, and in the intake answer (`"announced": false`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.transports import started_bot
from config.rules import load_rules
from tests.scenarios.test_tick import closeloop
from tests.support.harness import RunningBot, settings_for, start_bot
from tests.support.slack_api import SlackApiStub

TOKEN = "intake-secret"
RULES = """\
[leads]
managers = ["@wang"]

[[leads.pools]]
id = "east"
channel = "#sales-east"
regions = ["East"]

[[leads.pools]]
id = "north"
regions = ["North"]

[[leads.pools]]
id = "south"
channel = "#nosuch"
regions = ["South"]

[[leads.reps]]
user_id = "@alice"
name = "Alice"
joined = 2024-01-01
regions = ["East"]

[[leads.reps]]
user_id = "bob@example.com"
name = "Bob"
joined = 2024-01-01
regions = ["North", "South"]
"""
DIRECTORY_METHODS = ("conversations.list", "users.list", "users.lookupByEmail")


@pytest.fixture
async def named(database_url: str, slack: SlackApiStub, tmp_path: Path) -> AsyncIterator[RunningBot]:
    slack.set_channel("C0GENERAL", "general")
    slack.set_channel("C0EAST", "sales-east", is_private=True)
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    settings = settings_for(database_url, slack.base_url, closeloop_rules=rules, closeloop_intake_token=TOKEN)
    bot = await start_bot(settings, slack)
    yield bot
    await bot.stop()


async def post_lead(running: RunningBot, region: str, company: str) -> tuple[int, dict]:
    body = {"company": company, "contact": "Liu", "phone": f"+86 138 {abs(hash(company)) % 10**8:08d}"}
    response = await running.http.post(
        f"{running.url}/api/leads",
        json=body | {"region": region},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    return response.status, await response.json()


async def test_names_are_looked_up_at_start_and_the_card_goes_to_the_channels_id(named: RunningBot) -> None:
    slack = named.slack
    looked_up = {method: len(slack.calls(method)) for method in DIRECTORY_METHODS}
    assert all(looked_up.values()), looked_up
    listing = slack.calls("conversations.list")[0].args
    assert listing["types"] == "public_channel,private_channel" and listing["exclude_archived"] in (
        "1",
        "true",
    )

    status, body = await post_lead(named, "East", "ACME Pumps")
    assert status == 201
    assert (body["owner"], body["announced"]) == ("UALICE", True)
    await named.settle()
    [card] = [c for c in slack.calls("chat.postMessage") if "ACME Pumps" in str(c.args.get("blocks"))]
    assert card.args["channel"] == "C0EAST"
    assert "<@UALICE>" in str(card.args["blocks"])
    [dm] = [c for c in slack.calls("chat.postMessage") if c.args["channel"] == "UALICE"]
    assert "ACME Pumps" in dm.args["text"]

    status, body = await post_lead(named, "North", "Globex")
    assert (status, body["owner"], body["announced"]) == (201, "UBOB", False)  # email → Bob's ID
    assert {m: len(slack.calls(m)) for m in DIRECTORY_METHODS} == looked_up  # nothing on the request path


async def test_a_lead_in_a_pool_whose_channel_is_unknown_is_stored_and_says_it_was_not_announced(
    named: RunningBot,
) -> None:
    status, body = await post_lead(named, "South", "南方电子")
    assert (status, body["owner"], body["announced"]) == (201, "UBOB", False)
    await named.settle()
    assert not [c for c in named.slack.calls("chat.postMessage") if "南方电子" in str(c.args.get("blocks"))]
    assert set(body) == {"id", "grade", "score", "owner", "announced"}


async def test_run_start_names_each_pool_that_posts_no_cards(
    database_url: str, slack: SlackApiStub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    slack.set_channel("C0EAST", "sales-east")
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(RULES, encoding="utf-8")
    settings = settings_for(database_url, slack.base_url, closeloop_rules=rules_file)
    with caplog.at_level(logging.WARNING):
        bot = await started_bot(settings, load_rules(rules_file))
    await bot.close()
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any("#nosuch" in line and "leads.pools.2.channel" in line for line in warnings), warnings
    assert any(line.startswith("lead pool north has no channel") for line in warnings), warnings
    assert any(line.startswith("lead pool south: channel #nosuch was not found") for line in warnings), (
        warnings
    )
    assert any(line.startswith("lead pool default has no channel") for line in warnings), warnings
    assert not any("east" in line for line in warnings), warnings


CHECKED = """\
[leads]
managers = ["@wang", "@nobody"]

[[leads.pools]]
id = "east"
channel = "#nosuch"
regions = ["East"]

[[leads.reps]]
user_id = "@alice"
name = "Alice"
joined = 2024-01-01

[[leads.reps]]
user_id = "ghost@example.com"
name = "Ghost"
joined = 2024-01-01
"""


async def test_config_check_with_a_token_reports_every_unknown_name_on_its_line(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    (tmp_path / "team.toml").write_text(CHECKED, encoding="utf-8")
    code, out, err = await closeloop(database_url, slack.base_url, tmp_path, "config", "check", "team.toml")
    assert code == 2, out + err
    problems = err.strip().splitlines()
    assert [line.split(": ")[0] for line in problems] == ["team.toml:2", "team.toml:6", "team.toml:15"]
    assert "leads.managers.1: nobody in the workspace is @nobody" in problems[0]
    assert "leads.pools.0.channel: no channel #nosuch" in problems[1]
    assert "ghost@example.com" in problems[2]

    slack.set_channel("C0EAST", "nosuch")
    slack.set_user("UNOBODY", name="nobody")
    slack.set_user("UGHOST", name="ghost")
    code, out, err = await closeloop(database_url, slack.base_url, tmp_path, "config", "check", "team.toml")
    assert (code, out.strip()) == (0, "ok"), err
    assert [line for line in err.splitlines() if "team.toml:" in line] == [
        "team.toml:1: lead pool default has no channel: its leads are stored and nobody is told; "
        'set channel = "#…" for it in [leads]'
    ]


async def test_config_check_without_a_token_checks_syntax_and_says_names_were_not_checked(
    tmp_path: Path,
) -> None:
    (tmp_path / "team.toml").write_text(CHECKED, encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    code, out, err = await closeloop_without_token(tmp_path, env, "config", "check", "team.toml")
    assert (code, out.strip()) == (0, "ok"), err
    [note] = [line for line in err.splitlines() if "not checked" in line]
    assert "SLACK_BOT_TOKEN" in note


async def closeloop_without_token(workdir: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """The command line as someone runs it before the bot has a Slack token."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


DAILY_NAMES = """\
[leads]
directors = ["@nodirector"]

[[leads.reps]]
user_id = "@alice"
name = "Alice"
joined = 2024-01-01
manager = "@nomanager"

[daily]
digest_channels = ["#sales-digest", "#nodigest"]
"""


async def test_config_check_looks_up_directors_managers_and_digest_channels_too(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    slack.set_channel("C0DIGEST", "sales-digest")
    (tmp_path / "team.toml").write_text(DAILY_NAMES, encoding="utf-8")
    code, out, err = await closeloop(database_url, slack.base_url, tmp_path, "config", "check", "team.toml")
    assert code == 2, out + err
    problems = [
        line for line in err.strip().splitlines() if "team.toml:" in line and "no channel:" not in line
    ]
    assert [line.split(": ")[0] for line in problems] == ["team.toml:2", "team.toml:8", "team.toml:11"]
    assert "@nodirector" in problems[0] and "@nomanager" in problems[1] and "#nodigest" in problems[2]
    assert "#sales-digest" not in err  # found, so not reported

    slack.set_user("UNODIR", name="nodirector")
    slack.set_user("UNOMGR", name="nomanager")
    slack.set_channel("C0NODIGEST", "nodigest")
    code, out, err = await closeloop(database_url, slack.base_url, tmp_path, "config", "check", "team.toml")
    assert (code, out.strip()) == (0, "ok"), err
