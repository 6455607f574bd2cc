"""A file the outbox shares (a quote's PDF) reaches its thread exactly once, whatever Slack does.

The tests register a message kind of their own that renders a small quote, queue it as a use case
would (`send_once`), and read the thread back from the Slack stand-in: one file, the right name and
bytes, however many times Slack refused or lost its answer on the way.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render.outgoing import MESSAGE_KINDS, Attachment, MessageKind, RenderContext, Rendered
from bot.render.quote_pdf import PdfLine, QuoteDocument, render_quote_pdf
from storage import outbox
from storage.models import OutboxMessage
from storage.outbox import ClaimedMessage, Outgoing
from tests.support.harness import RunningBot
from tests.support.slack_api import TEAM_ID, UPLOAD_CALL

CHANNEL = "CDEALS"
FILENAME = "Q-2026-0042-v1.pdf"
QUOTE = QuoteDocument(
    number="Q-2026-0042",
    version=1,
    customer="华东机械有限公司",
    title="Hydraulic press line",
    owner_name="Wang Fang",
    currency="CNY",
    lines=(PdfLine("Hydraulic pump HP-200", Decimal("2"), Decimal("4500"), Decimal("9000")),),
    subtotal=Decimal("9000"),
    discount_pct=Decimal("0"),
    total=Decimal("9000"),
    terms=("30% on order, 70% on delivery.",),
    valid_until=date(2026, 12, 31),
    issued_on=date(2026, 12, 1),
    approved=True,
    approvals=("Manager: Zhang Wei, 2026-12-03",),
)
PDF = render_quote_pdf(QUOTE, "zh")


async def render_quote_file(context: RenderContext, message: ClaimedMessage) -> Rendered:
    return Rendered(
        "Quote Q-2026-0042 v1 is approved.", file=Attachment(FILENAME, "Quote Q-2026-0042 v1", PDF)
    )


@pytest.fixture(autouse=True)
def remembered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Registers the test's file kind; lists where its `remember` hook was told the file landed."""
    places: list[tuple[str, str]] = []

    async def remember(session: AsyncSession, message: ClaimedMessage, channel: str, ts: str) -> None:
        places.append((channel, ts))

    kind = MessageKind(render=render_quote_file, uploads=True, remember=remember)
    monkeypatch.setitem(MESSAGE_KINDS, "test_file", kind)
    return places


async def queue_quote(running: RunningBot) -> str:
    """A deal's thread, and the quote's file queued for it; returns the thread's ts."""
    root = running.next_ts()
    running.slack.set_thread(CHANNEL, root, [{"user": "UWANG", "text": "华东机械 hydraulic press line"}])
    async with running.db.sessions.begin() as session:
        queued = Outgoing("quote:42:v1", "test_file", TEAM_ID, CHANNEL, {"quote_id": 42}, thread_ts=root)
        assert await outbox.send_once(session, queued, running.bot.services.clock.now())
    return root


async def the_row(running: RunningBot) -> OutboxMessage:
    async with running.db.sessions() as session:
        return (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key == "quote:42:v1"))
        ).one()


async def test_an_approved_quote_is_shared_once_in_its_deals_thread(
    running: RunningBot, remembered: list[tuple[str, str]]
) -> None:
    root = await queue_quote(running)
    await running.settle()
    (shared,) = running.slack.files()
    assert (shared.name, shared.title, shared.content) == (FILENAME, "Quote Q-2026-0042 v1", PDF)
    assert (shared.channel, shared.thread_ts) == (CHANNEL, root)
    (message,) = running.slack.messages(CHANNEL)
    assert message["text"] == "Quote Q-2026-0042 v1 is approved." and message["files"][0]["name"] == FILENAME
    row = await the_row(running)
    assert (row.state, row.message_channel, row.message_ts) == ("sent", CHANNEL, shared.ts)
    assert remembered == [(CHANNEL, shared.ts)]
    assert running.slack.calls("chat.postMessage") == []


async def test_a_rate_limited_share_is_retried_and_the_file_shows_once(running: RunningBot) -> None:
    running.slack.reply_with(
        "files.completeUploadExternal",
        {"ok": False, "error": "ratelimited"},
        status=429,
        headers={"Retry-After": "1"},
    )
    await queue_quote(running)
    await running.settle()
    assert [call.status for call in running.slack.calls("files.completeUploadExternal")] == [429, 200]
    assert len(running.slack.files()) == 1 and len(running.slack.messages(CHANNEL)) == 1
    assert (await the_row(running)).state == "sent"


async def test_a_share_whose_answer_was_lost_is_found_in_the_thread_and_not_uploaded_again(
    running: RunningBot,
) -> None:
    running.slack.lose_responses("files.completeUploadExternal")  # shared, but the bot hears a 503
    await queue_quote(running)
    await running.settle()
    (shared,) = running.slack.files()
    assert len(running.slack.calls("files.getUploadURLExternal")) == 1
    assert len(running.slack.calls(UPLOAD_CALL)) == 1
    assert len(running.slack.calls("conversations.replies")) >= 1
    row = await the_row(running)
    assert (row.state, row.message_ts, row.in_doubt) == ("sent", shared.ts, False)


async def test_a_send_in_doubt_whose_file_is_not_in_the_thread_uploads_it_once(running: RunningBot) -> None:
    running.slack.lose_responses("files.getUploadURLExternal")  # an id reserved, nothing shared
    await queue_quote(running)
    await running.settle()
    assert len(running.slack.calls("conversations.replies")) >= 1
    assert len(running.slack.files()) == 1 and len(running.slack.messages(CHANNEL)) == 1
    assert (await the_row(running)).state == "sent"


async def test_when_slacks_answer_does_not_list_the_share_yet_the_row_learns_its_ts_from_the_thread(
    running: RunningBot,
) -> None:
    running.slack.share_files_in_background()
    await queue_quote(running)
    await running.settle()
    (shared,) = running.slack.files()
    assert len(running.slack.calls("conversations.replies")) == 1
    assert (await the_row(running)).message_ts == shared.ts
