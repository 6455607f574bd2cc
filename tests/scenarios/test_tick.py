"""`closeloop tick` and `closeloop outbox`, run as an operator runs them, on each database.

Two ticks at one instant run each job slot once between them; after a day of downtime each job runs
once, late. A message Slack refused for good waits as a dead letter until someone retries it.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import select

from storage.db import Database
from storage.models import JobRun
from tests.support.harness import RunningBot
from tests.support.processes import closeloop_env
from tests.support.slack_api import SlackApiStub

JOB_NAMES = {
    "purge_old_messages",
    "purge_processed_inbox",
    "purge_sent_outbox",
    "release_uncontacted_leads",
    "refresh_rep_statuses",
    "widen_first_offers",
    "send_todo_cards",
    "sweep_ladders",
    "sweep_dunning",
    "audit_ladders",
    "hand_back_delegations",
    "send_daily_digests",
    "send_weekly_reports",
}


async def closeloop(database_url: str, api_url: str, workdir: Path, *args: str) -> tuple[int, str, str]:
    """Run the `closeloop` command line; returns its exit code, standard output and standard error."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=closeloop_env(database_url, api_url),
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


def jobs_ran(output: str) -> list[str]:
    """The job names a tick says it ran (`tick at …: ran a, b; sent 0; still waiting 0`)."""
    ran = output.split("ran ", 1)[1].split(";", 1)[0]
    return [] if ran.strip() == "-" else [name.strip() for name in ran.split(",")]


async def slots(database_url: str) -> list[tuple[str, str]]:
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            rows = await session.execute(select(JobRun.job, JobRun.slot).order_by(JobRun.job, JobRun.slot))
            return [(job, slot.isoformat()) for job, slot in rows]
    finally:
        await database.dispose()


async def test_two_ticks_at_the_same_instant_run_each_job_slot_once(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    await closeloop(database_url, slack.base_url, tmp_path, "db", "upgrade")
    at = "2026-12-01T09:00:00+08:00"
    (code_a, out_a, err_a), (code_b, out_b, err_b) = await asyncio.gather(
        closeloop(database_url, slack.base_url, tmp_path, "tick", "--at", at),
        closeloop(database_url, slack.base_url, tmp_path, "tick", "--at", at),
    )
    assert code_a == code_b == 0, err_a + err_b
    ran = jobs_ran(out_a) + jobs_ran(out_b)
    assert sorted(ran) == sorted(JOB_NAMES)  # each job once, whichever tick got it
    assert len(await slots(database_url)) == len(JOB_NAMES)

    code, again, _ = await closeloop(database_url, slack.base_url, tmp_path, "tick", "--at", at)
    assert code == 0 and jobs_ran(again) == []  # a restart, or a third replica: nothing twice


async def test_after_a_day_of_downtime_each_missed_slot_runs_once_late(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    await closeloop(database_url, slack.base_url, tmp_path, "tick", "--at", "2026-12-01T09:00:00+08:00")
    before = await slots(database_url)
    late = "2026-12-02T10:07:00+08:00"  # 03:00 came and went while nothing ran
    code, out, err = await closeloop(database_url, slack.base_url, tmp_path, "tick", "--at", late)
    assert code == 0, err
    assert sorted(jobs_ran(out)) == sorted(JOB_NAMES)
    after = await slots(database_url)
    added = [slot for slot in after if slot not in before]
    assert len(added) == len(JOB_NAMES)  # one late run per job, not one per slot missed
    assert ("purge_sent_outbox", "2026-12-01T19:00:00+00:00") in added  # 03:00 in Asia/Shanghai
    code, out, _ = await closeloop(database_url, slack.base_url, tmp_path, "tick", "--at", late)
    assert jobs_ran(out) == []


async def test_a_bad_instant_is_refused_in_one_line(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    code, out, err = await closeloop(database_url, slack.base_url, tmp_path, "tick", "--at", "tomorrow")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "ISO-8601" in err


async def test_a_message_slack_refuses_is_a_dead_letter_until_retried(
    running: RunningBot, tmp_path: Path
) -> None:
    running.slack.reply_with("chat.postMessage", {"ok": False, "error": "channel_not_found"})
    running.slack.reply_with("chat.postMessage", {"ok": False, "error": "channel_not_found"})
    await running.say("UALICE", "CGONE", "Called Initech #archive")
    await running.settle()
    url, api = running.bot.services.settings.database_url, running.slack.base_url
    code, out, _ = await closeloop(url, api, tmp_path, "outbox", "--dead")
    assert code == 0 and "record-card:1" in out and "channel_not_found" in out
    dead_id = out.split()[0]
    code, out, _ = await closeloop(url, api, tmp_path, "outbox")
    assert out.strip() == "nothing here"

    code, out, _ = await closeloop(url, api, tmp_path, "outbox", "retry", dead_id)
    assert code == 0 and f"message {dead_id} will be sent again" in out
    await running.settle()  # the running bot picks it up
    assert len(running.slack.messages_with_metadata("closeloop_outbox")) == 1
    code, _, err = await closeloop(url, api, tmp_path, "outbox", "retry", "999")
    assert code == 2 and "999" in err
