"""closeloop console: a transcript goes in; what the terminal shows and what the database holds come out.

Most scenarios run the real command (`closeloop console --demo < script`) as a subprocess; a few run
the same session in-process, which is quicker and lets them look at the console's Slack directly.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select

from bot.clock import SimulatedClock
from bot.console.client import ConsoleSlack, console_web_client
from bot.console.demo import demo_rules
from bot.console.launch import run_console
from bot.console.modal import Prompter, fill
from bot.console.render import mrkdwn
from bot.console.workspace import Member, Message, Workspace
from bot.i18n import CATALOGUE
from config.rules import Rules, load_rules
from config.settings import Settings
from storage.db import Database
from storage.models import Activity, ChannelLink, Customer, LeadRecord, RepSetting, SlackMessage

NOW = "2026-11-25T10:00:00+08:00"  # a Wednesday
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCRIPTS = Path(__file__).resolve().parents[1] / "console_scripts"
FIRST_TRY = SCRIPTS / "first_try.txt"
LEADS_WALKTHROUGH = SCRIPTS / "leads_walkthrough.txt"
ARCHIVE_THREAD_ONE = "/thread 1\n#archive #quote next: send the test report by Friday\n"


def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'closeloop.db'}"


def closeloop(tmp_path: Path, *args: str, script: str = "") -> subprocess.CompletedProcess[str]:
    """The installed command, in a clean environment, on a database in `tmp_path`."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": database_url(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=script,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def console(tmp_path: Path, script: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`closeloop console --demo --now NOW < script`, which must end cleanly and without a trace."""
    result = closeloop(tmp_path, "console", "--demo", "--now", NOW, *extra, script=script)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


async def in_process(tmp_path: Path, script: str, *, demo: bool = True, rules: Rules | None = None) -> str:
    """The same console session run in this process; returns everything it printed."""
    url = database_url(tmp_path)
    database = Database(url)
    await database.upgrade()
    await database.dispose()
    out = io.StringIO()
    await run_console(
        Settings(_env_file=None, database_url=url, closeloop_lang="en", closeloop_tz="Asia/Shanghai"),
        rules or (demo_rules() if demo else load_rules(None)),  # as `closeloop console` picks them
        demo_team=demo,
        handle=None,
        start=datetime.fromisoformat(NOW),
        stdin=io.StringIO(script),
        stdout=out,
    )
    return out.getvalue()


async def records(tmp_path: Path) -> list[tuple[Activity, str | None]]:
    """Every activity record with its customer's name."""
    database = Database(database_url(tmp_path))
    try:
        async with database.sessions() as session:
            rows = await session.execute(
                select(Activity, Customer.name)
                .outerjoin(Customer, Customer.id == Activity.customer_id)
                .order_by(Activity.id)
            )
            return [(activity, name) for activity, name in rows]
    finally:
        await database.dispose()


async def count(tmp_path: Path, model: type) -> int:
    database = Database(database_url(tmp_path))
    try:
        async with database.sessions() as session:
            return await session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        await database.dispose()


def local(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


# the transcript the README shows


async def test_first_try_archives_a_thread_and_the_edit_changes_the_record(tmp_path: Path) -> None:
    out = console(tmp_path, FIRST_TRY.read_text(encoding="utf-8")).stdout

    assert "Demo team: alice (Sales rep, East), 王芳 [wang]" in out
    assert "(1) alice: Called ACME Corp today about the pump order" in out
    assert "[alice @ #sales-leads]> /thread 1" in out
    assert "[alice @ #sales-leads › thread (1)]> #archive #quote" in out
    assert "📝 Activity record #1" in out and "Customer: ACME Corp" in out and "Type: Quote" in out
    assert "Due: Fri 27 Nov 2026, 18:00" in out
    assert "[1] Edit  [2] Undo" in out
    assert "┌ Edit record" in out and "  Customer (optional) [ACME Corp]: " in out
    assert "  Due date (optional) [2026-11-27]: 2026-11-30" in out
    assert "(20) closeloop (updated):" in out and "Due: Mon 30 Nov 2026, 18:00" in out
    assert "closeloop export activities" in out.splitlines()[-1]

    [(record, customer)] = await records(tmp_path)
    assert customer == "ACME Corp" and record.activity_type == "quote" and record.source == "thread"
    assert record.author_id == "UALICE" and record.next_action == "send the test report by Friday"
    assert record.due_at == local(2026, 11, 30, 18)
    assert record.blocker == "waiting for their boss to sign off"
    assert record.permalink and record.permalink.startswith("https://")

    exported = closeloop(tmp_path, "export", "activities", "--format", "json")
    [row] = json.loads(exported.stdout)
    assert row["customer"] == "ACME Corp" and row["blocker"] == "waiting for their boss to sign off"
    assert row["due_at"] == "2026-11-30T10:00:00+00:00"


async def test_the_demo_team_takes_a_lead_from_intake_to_claim_to_archive_to_fairness(tmp_path: Path) -> None:
    out = console(tmp_path, LEADS_WALKTHROUGH.read_text(encoding="utf-8")).stdout

    # intake: a South lead is offered in #sales-leads to the South reps
    assert "(19) closeloop:\n    Lead #1: Globex Pumps · grade C (10 pts)" in out
    assert "🙋 Open to claim: everyone pool, offered to 2 reps" in out and "[1] Claim  [2] Reassign" in out
    # claim: the first click wins
    assert "[bob @ #sales-leads]> /click 1\n(19) closeloop (updated):" in out
    assert "👤 @bob: everyone pool, offered to 2 reps" in out
    # #archive in the card's thread files against the lead and counts as first contact
    assert "  ↳ (20) bob: Called Liu: they want 20 pumps" in out
    assert "✅ Contacted by @bob" in out
    assert "  ↳ (21) closeloop:\n        📝 Activity record #1\n        Customer: Globex Pumps" in out
    assert "Type: Call" in out and "Signals: Price objection" in out
    # an East lead is assigned in #sales-east by rotation, and its owner hears of it
    assert ") closeloop @ #sales-east:\n    Lead #2: East Works" in out  # the card and the DM go out together
    assert "👤 @alice: east pool, East region, 0 open leads (cap 5), weight 1.0" in out
    assert ") closeloop (DM to alice): You have a new lead: East Works" in out
    # a manager changes the roster and reads the fairness report
    assert "[kate @ #sales-leads]> /closeloop rep @bob weight 1.5" in out
    assert "@bob: regions South, 华南 · industries all · weight 1.5 · taking leads" in out
    assert "🟢 @alice · 1 (0/0/0/1) · 50% (21%) · —" in out
    assert "🟢 @bob · 1 (0/0/0/1) · 50% (32%) · 0 min" in out

    database = Database(database_url(tmp_path))
    try:
        async with database.sessions() as session:
            leads = list(await session.scalars(select(LeadRecord).order_by(LeadRecord.id)))
            activity = await session.scalar(select(Activity))
            setting = await session.scalar(select(RepSetting).where(RepSetting.user_id == "UBOB"))
    finally:
        await database.dispose()
    globex, east = leads
    assert (globex.pool_id, globex.owner_id, globex.status) == ("everyone", "UBOB", "contacted")
    assert globex.first_contact_at is not None and globex.card_ts is not None
    assert (east.pool_id, east.owner_id, east.status) == ("east", "UALICE", "assigned")
    assert activity is not None and activity.lead_id == globex.id and activity.author_id == "UBOB"
    assert setting is not None and setting.weight == 1.5 and setting.updated_by == "UKATE"


async def test_help_lists_the_demo_people_and_channels(tmp_path: Path) -> None:
    out = await in_process(tmp_path, "/help\n", rules=demo_rules())
    assert "People (/as HANDLE speaks as them):" in out
    assert "  li       李强        销售经理 · manager (reassigns leads, changes the roster)" in out
    assert "  alice    Alice Zhou  Sales rep, East · rep for East, 华东, weight 1.0" in out
    assert "  finance  Grace Wu    Finance approver" in out and "  legal    Henry Xu    Legal counsel" in out
    assert "  #sales-east    lead cards of pool east (East, 华东), assigned to a rep" in out
    assert (
        "  #sales-leads   lead cards of pool everyone (all), offered: the first to click Claim gets it" in out
    )


async def test_archiving_in_a_thread_files_it_with_customer_type_and_due(tmp_path: Path) -> None:
    out = await in_process(tmp_path, ARCHIVE_THREAD_ONE)

    assert "  ↳ (19) alice: #archive #quote next: send the test report by Friday" in out
    assert "Due: Fri 27 Nov 2026, 18:00" in out
    [(record, customer)] = await records(tmp_path)
    assert customer == "ACME Corp" and record.activity_type == "quote"
    assert record.due_at == local(2026, 11, 27, 18)
    assert "They said the price is too high" in record.full_text
    assert set(record.signals) >= {"price_objection", "competitor"}


async def test_undo_by_someone_else_is_refused_privately(tmp_path: Path) -> None:
    out = await in_process(tmp_path, ARCHIVE_THREAD_ONE + "/as bob\n/click 2\ny\n")
    assert "[bob @ #sales-leads › thread (1)]> /click 2" in out
    assert "Undo this record?" in out
    assert "(only you) closeloop @ #sales-leads: Only @alice can use this button." in out
    assert "Record #1 was undone" not in out
    assert len(await records(tmp_path)) == 1


async def test_undo_by_the_author_deletes_the_record_and_says_so_on_the_card(tmp_path: Path) -> None:
    out = await in_process(tmp_path, ARCHIVE_THREAD_ONE + "/as bob\n/as alice\n/click 2\ny\n")
    assert "(20) closeloop (updated):" in out and "🗑️ Record #1 was undone by @alice." in out
    assert await records(tmp_path) == []


async def test_a_declined_confirmation_changes_nothing(tmp_path: Path) -> None:
    out = await in_process(tmp_path, ARCHIVE_THREAD_ONE + "/click 2\nn\n")
    assert "Not done." in out
    assert len(await records(tmp_path)) == 1


async def test_a_chinese_rep_archives_and_picks_the_customer_from_the_card(tmp_path: Path) -> None:
    out = await in_process(
        tmp_path,
        "/as wang\n/channel sales-digest\n客户说价格太高，竞品报价低10% #归档 #报价 下一步: 下周三 发检测报告\n"
        "/click 1\n南方电子\n",
    )
    assert "你现在是 王芳（zh，Asia/Shanghai）。" in out
    assert "[王芳 @ #sales-digest]> 客户说价格太高" in out
    assert "📝 跟进记录 #1" in out and "价格异议" in out and "周三" in out
    assert "[1] ▾ 选择客户 (4)" in out and "[2] 编辑  [3] 撤销" in out
    assert "客户: 南方电子" in out
    [(record, customer)] = await records(tmp_path)
    assert customer == "南方电子" and record.author_id == "UWANG"
    assert record.due_at == local(2026, 12, 2, 18)


async def test_the_clock_moves_and_scheduled_work_runs_as_time_passes(tmp_path: Path) -> None:
    out = await in_process(
        tmp_path,
        ARCHIVE_THREAD_ONE + "/clock\n/clock +1d\n/clock +3h\n/clock 2026-12-01 09:00\n/clock +31d\n",
    )
    assert "It is Wed 25 Nov 2026, 10:00 (Asia/Shanghai)." in out
    assert "It is Thu 26 Nov 2026, 10:00 (Asia/Shanghai)." in out
    assert "It is Thu 26 Nov 2026, 13:00 (Asia/Shanghai)." in out
    assert "It is Tue 1 Dec 2026, 09:00 (Asia/Shanghai)." in out
    # the hourly purge ran on the simulated clock: unarchived talk is gone, the archived thread stays
    database = Database(database_url(tmp_path))
    try:
        async with database.sessions() as session:
            kept = set(await session.scalars(select(SlackMessage.text)))
    finally:
        await database.dispose()
    assert "Called ACME Corp today about the pump order" in kept
    assert "华东机械 的刘总想看演示，下周安排一下？" not in kept


async def test_the_next_morning_brings_the_to_do_card_and_its_buttons_work(tmp_path: Path) -> None:
    out = await in_process(
        tmp_path,
        "/thread 1\n#archive #quote next: tomorrow 10:00 send the test report\n/back\n"
        "/clock +1d\n/click 1\n/closeloop todo\n/click 1\n/closeloop todo\n/clock +1d\n",
    )
    morning = out.split("It is Thu 26 Nov 2026, 10:00 (Asia/Shanghai).", 1)[1]
    assert "(DM to alice):\n    ☀️ Good morning! Today's 1 thing to do:" in morning
    assert "1. Follow up: tomorrow 10:00 send the test report — ACME Corp" in morning
    assert "[1] Done  [2] Snooze 1 day  [3] Log" in morning
    # the owner is told the follow-up is due; Acknowledge stops the ladder there
    assert "Already told: —\n    [1] Acknowledge" in morning
    assert "✅ Acknowledged by @alice on Thu 26 Nov 2026, 10:00" in morning
    assert "Your list today (1 item):" in morning  # /closeloop todo, then Done on it
    assert "Nothing on your list today." in morning
    friday = out.split("It is Fri 27 Nov 2026, 10:00 (Asia/Shanghai).", 1)[1]
    assert "(DM to alice):\n    ☀️ Good morning" not in friday  # nothing left to do: no card


async def test_the_next_day_the_demo_digest_channel_has_yesterdays_digest(tmp_path: Path) -> None:
    out = await in_process(
        tmp_path,
        "/thread 1\n#archive #quote next: tomorrow 10:00 send the test report\n/back\n"
        "/clock +1d\n/channel sales-digest\n/thread 22\n",
        rules=demo_rules(),
    )
    digest = out.split("── #sales-digest ──", 1)[1]
    assert "📊 Daily digest · whole team · Wed 25 Nov 2026" in digest
    assert "📝 1 record filed" in digest and "Details in the thread." in digest
    assert "• @alice: 1 record" in digest  # the details, in the summary's thread


async def test_now_starts_the_clock_and_the_past_cannot_be_revisited(tmp_path: Path) -> None:
    out = console(tmp_path, "/clock 2026-01-01 09:00\n").stdout
    assert "It is Wed 25 Nov 2026, 10:00 (Asia/Shanghai)." in out
    assert "The clock only moves forward; it is already Wed 25 Nov 2026, 10:00." in out


# bad input


async def test_bad_input_gets_one_clear_line_and_never_a_trace(tmp_path: Path) -> None:
    result = console(
        tmp_path,
        "/click 9\n/clock yesterday\n/frobnicate\n/thread 42\n" + ARCHIVE_THREAD_ONE + "/click 9\n/click 1\n"
        "\n\n\n\n31/12\n\n2026-12-01\n",
    )
    lines = result.stdout.splitlines()

    def answer_to(typed: str) -> str:
        return lines[lines.index(next(line for line in lines if line.endswith(f"]> {typed}"))) + 1]

    assert answer_to("/click 9") == "Nothing to click: no message with buttons has been shown to you yet."
    assert answer_to("/clock yesterday") == (
        "could not read that time: yesterday (use +1d, +3h or 2026-12-01 09:00)"
    )
    assert answer_to("/frobnicate").startswith(
        "/frobnicate is not a console command. Console commands: /thread"
    )
    assert answer_to("/thread 42") == "There is no message (42) here."
    assert "No button 9 here: the last message with buttons has [1] to [2]." in lines
    assert (
        "  ! Due date: I couldn't read a date in “31/12”. Try 2026-12-03, Friday or in 3 business days."
        in lines
    )
    assert result.stderr == ""
    [(record, _)] = await records(tmp_path)
    assert record.due_at == local(2026, 12, 1, 18)


def test_a_bad_now_is_a_usage_error(tmp_path: Path) -> None:
    result = closeloop(tmp_path, "console", "--demo", "--now", "soon")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "closeloop: could not read --now soon; use ISO-8601, e.g. 2026-11-25T10:00:00+08:00"
    )


# the database


async def test_demo_twice_does_not_duplicate_and_the_second_session_continues(tmp_path: Path) -> None:
    console(tmp_path, FIRST_TRY.read_text(encoding="utf-8"))
    messages_after_first = await count(tmp_path, SlackMessage)

    out = console(tmp_path, "/thread 1\n").stdout

    assert "  ↳ (3) alice: They said the price is too high; a competitor quoted 10% less" in out
    assert "  ↳ (19) alice: #archive #quote next: send the test report by Friday" in out
    # the bot's card, sent through the outbox in the first session, is shown again in its newest state
    assert "  ↳ (20) closeloop:" in out and "Due: Mon 30 Nov 2026, 18:00" in out
    assert "[1] Edit  [2] Undo" in out
    assert await count(tmp_path, Customer) == 4
    assert await count(tmp_path, ChannelLink) == 1
    assert await count(tmp_path, SlackMessage) == messages_after_first
    assert len(await records(tmp_path)) == 1


async def test_without_demo_the_console_starts_empty_and_its_records_are_real(tmp_path: Path) -> None:
    result = closeloop(
        tmp_path,
        "console",
        "--as",
        "dave",
        "--now",
        NOW,
        script="/closeloop log ACME called, they want a discount, next: call back tomorrow\n",
    )
    assert result.returncode == 0, result.stderr
    assert "An empty team with you as dave" in result.stdout
    assert "[dave @ #general]> /closeloop log ACME called" in result.stdout
    assert "Due: Thu 26 Nov 2026, 18:00" in result.stdout
    [(record, customer)] = await records(tmp_path)
    assert "No customer called ACME yet, so record #1 was filed without one." in result.stdout
    assert customer is None and record.team_id == "T0CONSOLE" and record.author_id == "UDAVE"

    exported = closeloop(tmp_path, "export", "activities", "--format", "json")
    assert [row["next_action"] for row in json.loads(exported.stdout)] == ["call back tomorrow"]


# the console's Slack


@pytest.fixture
def console_slack() -> ConsoleSlack:
    workspace = Workspace("T0TEST", "test", SimulatedClock(datetime.fromisoformat(NOW)))
    workspace.add_member(Member("UALICE", "alice", "alice", "Alice", "en-US", "Asia/Shanghai"))
    workspace.add_channel("sales-leads")
    return ConsoleSlack(workspace)


async def test_blocks_slack_would_refuse_are_refused_loudly(console_slack: ConsoleSlack) -> None:
    client = console_web_client(console_slack)
    channel = console_slack.workspace.channel_named("sales-leads")
    assert channel is not None
    too_long = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel=channel.channel_id, text="card", blocks=too_long)
    assert refused.value.response["error"] == "invalid_blocks"
    [notice] = console_slack.take_notices()
    assert notice.kind == "rejected" and "3000" in notice.detail


async def test_users_info_answers_like_slack(console_slack: ConsoleSlack) -> None:
    client = console_web_client(console_slack)
    with_locale = await client.users_info(user="UALICE", include_locale=True)
    assert with_locale["user"]["locale"] == "en-US" and with_locale["user"]["tz"] == "Asia/Shanghai"
    assert "locale" not in (await client.users_info(user="UALICE"))["user"]
    with pytest.raises(SlackApiError):
        await client.users_info(user="UNOBODY")


async def test_replies_come_from_the_console_log(console_slack: ConsoleSlack) -> None:
    workspace = console_slack.workspace
    channel = workspace.channel_named("sales-leads")
    assert channel is not None
    root = workspace.add_message(Message(channel.channel_id, workspace.next_ts(), "root", "UALICE"))
    workspace.add_message(Message(channel.channel_id, workspace.next_ts(), "reply", "UALICE", root.ts))
    client = console_web_client(console_slack)
    replies = await client.conversations_replies(channel=channel.channel_id, ts=root.ts)
    assert [m["text"] for m in replies["messages"]] == ["root", "reply"]


def test_slack_markup_reads_as_plain_terminal_text(console_slack: ConsoleSlack) -> None:
    names = console_slack.workspace
    channel = names.channel_named("sales-leads")
    assert channel is not None
    shown = mrkdwn(
        f"*Lead #1: ACME* · grade *S* for <@UALICE> in <#{channel.channel_id}> _now_, ~old~ "
        "<https://example.com/a_b|the report> :raising_hand: `rep *x*` website_form 10:00:00",
        names,
    )
    assert shown == (
        "Lead #1: ACME · grade S for @alice in #sales-leads now, o\u0336l\u0336d\u0336 "
        "the report 🙋 `rep *x*` website_form 10:00:00"
    )


def test_every_emoji_the_bot_uses_is_shown_as_an_emoji(console_slack: ConsoleSlack) -> None:
    codes = {
        code
        for entry in CATALOGUE.values()
        for text in entry.values()
        if isinstance(text, str)
        for code in re.findall(r":([a-z_]+):", text)
    }
    assert codes, "the catalogue uses emoji codes"
    for code in codes:
        assert f":{code}:" not in mrkdwn(f":{code}:", console_slack.workspace), code


def test_a_refused_modal_field_is_asked_again_with_its_error() -> None:
    view = {
        "blocks": [
            {
                "type": "input",
                "block_id": "customer",
                "label": {"type": "plain_text", "text": "Customer"},
                "element": {"type": "plain_text_input", "action_id": "customer"},
            },
            {
                "type": "input",
                "block_id": "summary",
                "label": {"type": "plain_text", "text": "Summary"},
                "element": {"type": "plain_text_input", "action_id": "summary"},
            },
        ]
    }
    answers = iter(["ACME", "call", "called"])
    shown: list[str] = []
    workspace = Workspace("T0TEST", "test", SimulatedClock(datetime.fromisoformat(NOW)))
    prompter = Prompter(lambda prompt: next(answers), shown.append, "en", workspace)
    first = fill(view, prompter)
    again = fill(view, prompter, first, {"summary": "Tell me what happened."})

    assert "  ! Summary: Tell me what happened." in shown
    assert again == {
        "customer": {"customer": {"type": "plain_text_input", "value": "ACME"}},
        "summary": {"summary": {"type": "plain_text_input", "value": "called"}},
    }


async def test_home_shows_the_persons_list_and_a_managers_team(tmp_path: Path) -> None:
    out = await in_process(
        tmp_path,
        "/closeloop log ACME Corp called, next: today 15:00 send the quote\n/home\n/click 1\n/home\n"
        "/as kate\n/home\n/help\n",
        rules=demo_rules(),
    )
    assert "🏠 closeloop Home of alice:" in out
    assert "Your list today (1 item)" in out and "send the quote" in out
    assert "[1] Done  [2] Snooze 1 day  [3] Log" in out and "[4] Away" in out
    assert "Your list today (0 items)" in out and "Nothing on your list today." in out  # after Done
    assert "Open leads per rep: @alice 0 · @王芳 0\n" in out  # kate manages the East reps
    assert "/home" in out and "open closeloop's Home tab" in out
