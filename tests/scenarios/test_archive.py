"""A rep replies #archive in a thread; the thread becomes one activity record with a card."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Activity, Customer
from tests.support.harness import RunningBot

CHANNEL = "CSALES"


async def records(running: RunningBot) -> list[Activity]:
    async with running.db.sessions() as session:
        return list(await session.scalars(select(Activity).order_by(Activity.id)))


async def customer_name(running: RunningBot, customer_id: int | None) -> str | None:
    async with running.db.sessions() as session:
        customer = await session.get(Customer, customer_id) if customer_id else None
        return customer.name if customer else None


def card_text(call_args: dict) -> str:
    """Everything a person reads on a card."""
    parts: list[str] = [call_args.get("text", "")]
    for block in call_args.get("blocks", []):
        if block.get("text"):
            parts.append(block["text"]["text"])
        parts += [f["text"] for f in block.get("fields", [])]
        parts += [
            e.get("text", "") if isinstance(e.get("text"), str) else e.get("text", {}).get("text", "")
            for e in block.get("elements", [])
        ]
    return "\n".join(parts)


async def test_english_archive_in_a_thread_files_one_record(running: RunningBot) -> None:
    root = await running.say("UALICE", CHANNEL, "Called ACME Corp today about the pump order")
    await running.say("UBOB", CHANNEL, "they said the price is too high", thread_ts=root)
    trigger = await running.say(
        "UALICE",
        CHANNEL,
        "they said the price is too high #archive #quote customer: ACME Corp next: send the test report by Friday",
        thread_ts=root,
    )
    await running.settle()

    [record] = await records(running)
    assert record.channel_id == CHANNEL and record.thread_ts == root and record.message_ts == trigger
    assert record.author_id == "UALICE"
    assert record.activity_type == "quote"
    assert await customer_name(running, record.customer_id) == "ACME Corp"
    assert "price_objection" in record.signals
    assert record.summary.startswith(
        "Called ACME Corp today about the pump order\nthey said the price is too high"
    )
    assert "#archive" not in record.summary
    assert record.next_action == "send the test report by Friday"
    assert record.permalink and record.permalink.startswith("https://")
    # posted on a known day: the Friday after it, 18:00 in the rep's zone, stored in UTC
    posted = datetime.fromtimestamp(float(trigger), ZoneInfo("Asia/Shanghai"))
    due = record.due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert due.weekday() == 4 and due.hour == 18 and 0 < (due.date() - posted.date()).days <= 7

    card = running.slack.last("chat.postMessage").args
    assert card["channel"] == CHANNEL and card["thread_ts"] == root
    text = card_text(card)
    assert "ACME Corp" in text and "Quote" in text and "Price objection" in text
    assert "send the test report by Friday" in text
    buttons = [e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["activity_edit", "activity_undo"]


async def test_chinese_archive_replies_in_chinese_with_the_due_date(running: RunningBot) -> None:
    root = await running.say(
        "UWANG", CHANNEL, "客户说价格太高，竞品报价低10% #归档 #报价 下一步: 下周三 发检测报告"
    )
    await running.settle()

    [record] = await records(running)
    assert record.thread_ts == root and record.activity_type == "quote"
    assert set(record.signals) >= {"price_objection", "competitor"}
    assert record.next_action == "下周三 发检测报告"
    due = record.due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert due.weekday() == 2 and due.hour == 18
    assert record.customer_id is None  # nobody named one: the card asks

    card = card_text(running.slack.last("chat.postMessage").args)
    assert "跟进记录" in card and "报价" in card and "价格异议" in card and "周三" in card
    assert "还没有客户" in card


async def test_rearchiving_a_thread_updates_its_record_and_card(running: RunningBot) -> None:
    root = await running.say("UALICE", CHANNEL, "Visited Globex #archive #visit")
    await running.settle()
    await running.say("UALICE", CHANNEL, "follow-up: budget not approved yet", thread_ts=root)
    await running.say("UALICE", CHANNEL, "#archive next: call them tomorrow", thread_ts=root)
    await running.settle()

    [record] = await records(running)
    assert record.activity_type == "visit"  # kept: the second archive named no type
    assert "budget_not_approved" in record.signals
    assert record.next_action == "call them tomorrow"
    assert len(running.slack.calls("chat.postMessage")) == 1
    assert running.slack.last("chat.update").args["ts"] == record.card_ts


async def test_an_edit_that_adds_the_hashtag_archives(running: RunningBot) -> None:
    ts = await running.say("UALICE", CHANNEL, "Demo done for Initech")
    await running.send_event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": CHANNEL,
            "hidden": True,
            "ts": running.next_ts(),
            "event_ts": running.next_ts(),
            "message": {
                "type": "message",
                "user": "UALICE",
                "text": "Demo done for Initech #archive #demo",
                "ts": ts,
            },
            "previous_message": {
                "type": "message",
                "user": "UALICE",
                "text": "Demo done for Initech",
                "ts": ts,
            },
        }
    )
    await running.settle()
    [record] = await records(running)
    assert record.thread_ts == ts and record.activity_type == "demo"


async def test_bot_messages_never_archive_and_stay_out_of_the_summary(running: RunningBot) -> None:
    root = await running.say("UALICE", CHANNEL, "Call with Umbrella")
    await running.send_event(
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "BOTHER",
            "channel": CHANNEL,
            "text": "Reminder from another bot #archive",
            "ts": running.next_ts(),
            "thread_ts": root,
        }
    )
    await running.settle()
    assert await records(running) == []
    await running.say("UALICE", CHANNEL, "#archive", thread_ts=root)
    await running.settle()
    [record] = await records(running)
    assert "Reminder" not in record.summary and "Reminder" not in record.full_text


async def test_an_unreadable_date_is_said_and_not_saved(running: RunningBot) -> None:
    await running.say("UALICE", CHANNEL, "Met Hooli #archive next: send samples someday")
    await running.settle()
    [record] = await records(running)
    assert record.next_action == "send samples someday" and record.due_at is None
    assert "couldn't read a date" in card_text(running.slack.last("chat.postMessage").args)


async def test_a_thread_begun_before_the_bot_joined_is_read_from_slack_once(running: RunningBot) -> None:
    root = "1700000000.000100"
    running.slack.set_thread(
        CHANNEL,
        root,
        [
            {"ts": root, "user": "UBOB", "text": "Old thread: ACME asked for a discount"},
            {"ts": "1700000000.000200", "user": "UALICE", "text": "budget not approved yet"},
            {"ts": "1700000000.000300", "bot_id": "BOTHER", "subtype": "bot_message", "text": "bot noise"},
        ],
    )
    await running.say("UALICE", CHANNEL, "#archive customer: ACME", thread_ts=root)
    await running.settle()
    [record] = await records(running)
    assert record.summary.startswith("Old thread: ACME asked for a discount\nbudget not approved yet")
    assert "bot noise" not in record.full_text and "budget_not_approved" in record.signals
    assert len(running.slack.calls("conversations.replies")) == 1
    await running.say("UALICE", CHANNEL, "#archive next: call tomorrow", thread_ts=root)
    await running.settle()
    assert len(running.slack.calls("conversations.replies")) == 1  # kept since: no second history read


async def test_when_slack_refuses_the_history_read_the_card_says_what_is_missing(running: RunningBot) -> None:
    running.slack.reply_with(
        "conversations.replies",
        {"ok": False, "error": "ratelimited"},
        status=429,
        headers={"Retry-After": "0"},
        times=4,
    )
    await running.say("UALICE", CHANNEL, "#archive customer: ACME", thread_ts="1700000000.000900")
    await running.settle()
    [record] = await records(running)
    assert record.customer_id is not None
    assert "Only messages posted since I joined" in card_text(running.slack.last("chat.postMessage").args)
