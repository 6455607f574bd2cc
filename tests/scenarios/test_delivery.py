"""Slack's delivery rules: ack fast, refuse forgeries, absorb retries, wait out rate limits."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import func, select

from storage.models import Activity, InboxEvent
from tests.support.harness import RunningBot
from tests.support.signing import event_body

CHANNEL = "CSALES"


async def count(running: RunningBot, model: type) -> int:
    async with running.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model))


def archive_event(running: RunningBot, text: str = "Called Acme #archive") -> dict:
    ts = running.next_ts()
    return {"type": "message", "channel": CHANNEL, "user": "UALICE", "text": text, "ts": ts, "event_ts": ts}


async def test_retries_and_duplicate_deliveries_make_one_record(running: RunningBot) -> None:
    event = archive_event(running)
    first = await running.send_event(event, event_id="EvSAME")
    retries = await asyncio.gather(
        *(running.send_event(event, event_id="EvSAME", retry_num=n) for n in (1, 2, 3))
    )
    assert first.status == 200 and all(r.status == 200 for r in retries)
    await running.settle()
    assert await count(running, InboxEvent) == 1
    assert await count(running, Activity) == 1
    assert len(running.slack.calls("chat.postMessage")) == 1


async def test_the_same_message_delivered_under_two_event_ids_makes_one_record(running: RunningBot) -> None:
    event = archive_event(running)
    await running.send_event(event, event_id="EvONE")
    await running.send_event(event, event_id="EvTWO")
    await running.settle()
    assert await count(running, Activity) == 1
    assert len(running.slack.calls("chat.postMessage")) == 1


async def test_a_forged_signature_is_refused_and_nothing_is_written(running: RunningBot) -> None:
    body = event_body(archive_event(running), event_id="EvFORGED")
    response = await running.http.post(
        f"{running.url}/slack/events",
        data=body.encode(),
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert response.status == 401
    assert await count(running, InboxEvent) == 0


async def test_a_request_six_minutes_old_is_refused(running: RunningBot) -> None:
    body = event_body(archive_event(running), event_id="EvSTALE")
    response = await running.post(body, content_type="application/json", timestamp=int(time.time()) - 6 * 60)
    assert response.status == 401
    await asyncio.sleep(0.1)
    assert await count(running, InboxEvent) == 0
    assert await count(running, Activity) == 0


async def test_the_ack_does_not_wait_for_the_work(running: RunningBot) -> None:
    """The card is posted after the ack: the HTTP answer comes before chat.postMessage does."""
    response = await running.send_event(archive_event(running))
    assert response.status == 200
    assert running.slack.calls("chat.postMessage") == []
    await running.settle()
    assert len(running.slack.calls("chat.postMessage")) == 1


async def test_a_rate_limited_post_is_retried_after_retry_after(running: RunningBot) -> None:
    running.slack.reply_with(
        "chat.postMessage", {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
    )
    started = time.monotonic()
    await running.send_event(archive_event(running))
    await running.settle()
    posts = running.slack.calls("chat.postMessage")
    assert [p.status for p in posts] == [429, 200]
    assert time.monotonic() - started >= 1.0
    assert await count(running, Activity) == 1


async def test_url_verification_is_answered(running: RunningBot) -> None:
    body = '{"token": "x", "challenge": "abc123", "type": "url_verification"}'
    response = await running.post(body, content_type="application/json")
    assert response.status == 200 and "abc123" in await response.text()


async def test_healthz_reports_the_database(running: RunningBot) -> None:
    response = await running.http.get(f"{running.url}/healthz")
    assert response.status == 200 and await response.json() == {"ok": True}


async def test_events_of_different_threads_wait_on_slack_side_by_side(running: RunningBot) -> None:
    """Each archive asks Slack for a thread the bot never saw; sixteen such asks overlap, not queue."""
    running.slack.delay("conversations.replies", 1.0)
    roots = [running.next_ts() for _ in range(16)]
    for root in roots:
        running.slack.set_thread(CHANNEL, root, [{"user": "UALICE", "text": "Called Acme", "ts": root}])
    started = time.monotonic()
    for root in roots:
        event = archive_event(running, "they want a quote #archive") | {"thread_ts": root}
        assert (await running.send_event(event)).status == 200
    while await count(running, Activity) < len(roots):
        assert time.monotonic() - started < 4.0, "sixteen 1-second Slack calls were not made side by side"
        await asyncio.sleep(0.05)
    assert len(running.slack.calls("conversations.replies")) == len(roots)
