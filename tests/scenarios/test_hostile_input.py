"""Hostile and unlucky input: a clear 4xx (never a 5xx), one log line, nothing lost."""

from __future__ import annotations

import json
import logging

import pytest

from tests.support.harness import RunningBot
from tests.support.signing import FORM_CONTENT_TYPE, JSON_CONTENT_TYPE, signed_headers

BROKEN_VIEW = json.dumps({"type": "view_submission", "team": {"id": "T0TEAM"}, "user": {"id": "UALICE"}})


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", JSON_CONTENT_TYPE),
        ("payload=%7Bbroken", FORM_CONTENT_TYPE),
        ("payload=" + BROKEN_VIEW.replace("{", "%7B").replace("}", "%7D"), FORM_CONTENT_TYPE),
    ],
    ids=["bad-json", "bad-form-payload", "view-without-type"],
)
async def test_a_signed_body_slack_would_never_send_is_400_and_one_log_line(
    running: RunningBot, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = await running.post(body, content_type=content_type)
    assert response.status == 400, await response.text()
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1 and problems[0].exc_info is None, [r.getMessage() for r in problems]
    assert "\n" not in problems[0].getMessage()


async def test_an_unsigned_or_forged_body_is_still_401(running: RunningBot) -> None:
    forged = signed_headers("not-the-secret", "{not json")
    response = await running.http.post(f"{running.url}/slack/events", data=b"{not json", headers=forged)
    assert response.status == 401
    response = await running.http.post(f"{running.url}/slack/events", data=b"payload=%7Bbroken")
    assert response.status == 401


async def test_a_command_while_slack_is_down_says_so_and_help_still_works(
    running: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    await running.command("UALICE", "CSALES", "help")  # Alice's profile is now remembered
    running.slack.down()
    caplog.clear()
    answer = await running.command("UALICE", "CSALES", "log", settle=False)
    assert "closeloop can't reach Slack right now; try again" in answer["text"]
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) == 1 and problems[0].exc_info is None, [r.getMessage() for r in problems]
    help_text = await running.command("UALICE", "CSALES", "help", settle=False)
    assert "/closeloop log" in help_text["text"]
    wang = await running.command("UWANG", "CSALES", "log", settle=False)  # never seen: defaults apply
    assert "closeloop" in wang["text"] and "Slack" in wang["text"]
    running.slack.up()
