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
