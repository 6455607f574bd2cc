"""Nothing lost, nothing twice: archives and their cards under 429 storms and a Slack outage.

The record is written from the event alone; the card follows through the outbox whenever Slack takes
it, and exactly once: every card carries its outbox id in Slack's message metadata, so the stand-in's
stored messages tell whether any was posted twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select

from storage.models import Activity, OutboxMessage
from tests.support.harness import RunningBot

CHANNELS = [f"CSALES{n}" for n in range(10)]
OUTAGE_SECONDS = 180


async def archive_many(running: RunningBot, count: int) -> None:
    """`count` reps' threads, each closed with `#archive`, spread over the sales channels."""
    for n in range(count):
        await running.say("UALICE", CHANNELS[n % len(CHANNELS)], f"Visited customer {n} #archive")


async def records(running: RunningBot) -> int:
    async with running.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Activity)) or 0


async def unsent(running: RunningBot) -> int:
    async with running.db.sessions() as session:
        return (
            await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state != "sent")
            )
            or 0
        )


def cards_shown_once(running: RunningBot, expected: int) -> None:
    """Slack holds exactly `expected` cards, none of them twice."""
    posted = Counter(
        m["metadata"]["event_payload"]["outbox_id"]
        for m in running.slack.messages_with_metadata("closeloop_outbox")
    )
    assert len(posted) == expected and set(posted.values()) == {1}, posted.most_common(3)


async def wait_until(predicate, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_a_429_storm_loses_no_record_and_repeats_no_card(running: RunningBot) -> None:
    running.slack.fail_every(3, status=429, retry_after=1)  # a third of all calls are refused
    await archive_many(running, 60)
    await running.settle(timeout=100)
    assert await records(running) == 60
    cards_shown_once(running, 60)
    assert any(call.status == 429 for call in running.slack.calls())
    async with running.db.sessions() as session:
        assert None not in set(await session.scalars(select(Activity.card_ts)))


@pytest.mark.timeout(OUTAGE_SECONDS + 150)
async def test_during_a_slack_outage_every_archive_is_a_record_and_its_card_comes_once_after(
    running: RunningBot,
) -> None:
    running.slack.down(503)
    await archive_many(running, 40)

    async def all_filed() -> bool:
        return await records(running) == 40

    await wait_until(all_filed, timeout=10)  # within seconds, Slack or no Slack
    await asyncio.sleep(OUTAGE_SECONDS)
    assert running.slack.messages_with_metadata("closeloop_outbox") == []
    assert await unsent(running) == 40  # still waiting, none given up
    running.slack.up()
    await running.settle(timeout=90)
    cards_shown_once(running, 40)
