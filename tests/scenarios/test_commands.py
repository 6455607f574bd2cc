"""`/closeloop`: help from the table, one-line and form logging, channel links, unknown words."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Activity, Customer
from tests.support.harness import RunningBot
from tests.support.payloads import opened_view, text_value, view_submission

CHANNEL = "CSALES"


async def activities(running: RunningBot) -> list[Activity]:
    async with running.db.sessions() as session:
        return list(await session.scalars(select(Activity).order_by(Activity.id)))


async def customer_of(running: RunningBot, record: Activity) -> str | None:
    async with running.db.sessions() as session:
        customer = await session.get(Customer, record.customer_id) if record.customer_id else None
        return customer.name if customer else None


async def test_help_lists_every_subcommand_in_the_callers_language(running: RunningBot) -> None:
    english = await running.command("UALICE", CHANNEL, "help")
    assert all(f"/closeloop {name}" in english["text"] for name in ("help", "log", "link-channel"))
    chinese = await running.command("UWANG", CHANNEL, "")
    assert "closeloop 命令" in chinese["text"]


async def test_an_unknown_subcommand_says_what_was_expected(running: RunningBot) -> None:
    answer = await running.command("UALICE", CHANNEL, "lgo ACME")
    assert "lgo" in answer["text"] and "log" in answer["text"]
    assert await activities(running) == []


async def test_one_line_log_files_a_record_with_customer_and_due(running: RunningBot) -> None:
    await running.command("UALICE", "CACME", "link-channel --new ACME Corp")
    answer = await running.command("UALICE", CHANNEL, "log ACME called, next: 3天后 send quote")
    assert "No customer" not in answer.get("text", "")
    await running.settle()
    [record] = await activities(running)
    assert record.source == "command" and await customer_of(running, record) == "ACME Corp"
    assert record.summary == "ACME called" and record.next_action == "3天后 send quote"
    assert record.due_at is not None and record.due_at.astimezone(ZoneInfo("Asia/Shanghai")).hour == 18
    card = running.slack.last("chat.postMessage").args
    assert card["channel"] == CHANNEL and "ACME Corp" in str(card["blocks"])


async def test_a_log_naming_an_unknown_customer_files_without_one_and_asks(running: RunningBot) -> None:
    answer = await running.command("UALICE", CHANNEL, "log Globex called, next: Friday send quote")
    assert "No customer called *Globex*" in answer["text"] and "#1" in answer["text"]
    await running.settle()
    [record] = await activities(running)
    assert record.customer_id is None and record.summary == "Globex called"
    async with running.db.sessions() as session:
        assert list(await session.scalars(select(Customer))) == []
    chinese = await running.command("UWANG", CHANNEL, "log 今天电话沟通 客户: 华东机械")
    assert "还没有名为 *华东机械* 的客户" in chinese["text"]


async def test_customer_names_match_across_case_width_punctuation_and_chinese_prefixes(
    running: RunningBot,
) -> None:
    await running.command("UALICE", "CACME", "link-channel --new ACME Corp.")
    await running.command("UWANG", "CHD", "link-channel --new 华东机械有限公司")
    for user, text in (
        ("UALICE", "log ａｃｍｅ corp visited"),
        ("UALICE", "log sent samples customer: acme"),
        ("UWANG", "log 华东 今天电话沟通"),
    ):
        answer = await running.command(user, CHANNEL, text)
        assert "customer" not in answer.get("text", "").casefold()
    await running.settle()
    names = [await customer_of(running, record) for record in await activities(running)]
    assert names == ["ACME Corp.", "ACME Corp.", "华东机械有限公司"]
    async with running.db.sessions() as session:
        assert len(list(await session.scalars(select(Customer)))) == 2


async def test_log_without_text_opens_the_three_field_form(running: RunningBot) -> None:
    await running.command("UWANG", "CHD", "link-channel --new 华东机械")
    await running.command("UWANG", CHANNEL, "log")
    view = opened_view(running.slack.last("views.open").args)
    assert [b["block_id"] for b in view["blocks"]] == ["status", "next_action", "blocker"]
    assert view["title"]["text"] == "记录跟进"

    empty = await running.interact(view_submission("UWANG", view, {"status": text_value("  ")}))
    assert (await empty.json())["response_action"] == "errors"
    assert await activities(running) == []

    await running.interact(
        view_submission(
            "UWANG",
            view,
            {
                "status": text_value("华东机械 今天电话沟通，预算没批"),
                "next_action": text_value("周五前 发报价"),
                "blocker": text_value("领导出差"),
            },
        )
    )
    await running.settle()
    [record] = await activities(running)
    assert await customer_of(running, record) == "华东机械"
    assert record.blocker == "领导出差" and record.next_action == "周五前 发报价"
    assert set(record.signals) >= {"budget_not_approved", "waiting_decision_maker"}
    assert record.due_at.astimezone(ZoneInfo("Asia/Shanghai")).weekday() == 4


async def test_link_channel_asks_before_creating_a_customer(running: RunningBot) -> None:
    answer = await running.command("UALICE", "CACME", "link-channel Nonexistent Co")
    assert "No customer called *Nonexistent Co*" in answer["text"]
    assert "`/closeloop link-channel --new Nonexistent Co`" in answer["text"]
    async with running.db.sessions() as session:
        assert list(await session.scalars(select(Customer))) == []
    chinese = await running.command("UWANG", "CACME", "link-channel 不存在公司")
    assert "`/closeloop link-channel --new 不存在公司`" in chinese["text"]


async def test_link_channel_remove_ends_the_link(running: RunningBot) -> None:
    await running.command("UALICE", "CACME", "link-channel --new ACME Corp")
    answer = await running.command("UALICE", "CACME", "link-channel --remove")
    assert "no longer linked to *ACME Corp*" in answer["text"]
    await running.say("UALICE", "CACME", "Shipped the samples #archive")
    await running.settle()
    [record] = await activities(running)
    assert record.customer_id is None
    again = await running.command("UWANG", "CACME", "link-channel --remove")
    assert "没有关联客户" in again["text"]


async def test_a_linked_channel_gives_archives_their_customer(running: RunningBot) -> None:
    answer = await running.command("UALICE", "CACME", "link-channel --new ACME Corp")
    assert "ACME Corp" in answer["text"]
    again = await running.command("UALICE", "CACME", "link-channel acme")
    assert "*ACME Corp*" in again["text"]
    await running.say("UALICE", "CACME", "Shipped the samples #archive")
    await running.settle()
    [record] = await activities(running)
    assert await customer_of(running, record) == "ACME Corp"


async def test_slack_escaping_does_not_reach_customer_names(running: RunningBot) -> None:
    answer = await running.command("UALICE", "CATT", "link-channel --new AT&amp;T Machinery")
    assert "*AT&T Machinery*" in answer["text"]


async def test_link_channel_without_a_name_explains_itself(running: RunningBot) -> None:
    answer = await running.command("UALICE", CHANNEL, "link-channel")
    assert "link-channel ACME" in answer["text"]


async def test_a_log_where_the_bot_is_not_a_member_goes_to_a_dm(running: RunningBot) -> None:
    running.slack.reply_with("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    await running.command("UALICE", "CPRIVATE", "log Initech demo went well")
    await running.settle()
    refused, direct = running.slack.calls("chat.postMessage")
    assert refused.args["channel"] == "CPRIVATE"
    assert direct.args["channel"] == "UALICE"  # Slack delivers a post to a user id as the app's DM
    [record] = await activities(running)
    assert record.card_channel.startswith("D")


def mention(running: RunningBot, user: str, text: str) -> dict:
    ts = running.next_ts()
    return {"type": "app_mention", "channel": CHANNEL, "user": user, "text": text, "ts": ts, "event_ts": ts}


async def test_a_mention_is_answered_in_its_thread_with_the_help_once(running: RunningBot) -> None:
    event = mention(running, "UWANG", "<@UBOT> 你能做什么？")
    await running.send_event(event, event_id="EvMENTION1")
    await running.send_event(event, event_id="EvMENTION2")  # the same mention delivered twice
    await running.settle()
    [reply] = running.slack.calls("chat.postMessage")
    assert reply.args["channel"] == CHANNEL and reply.args["thread_ts"] == event["ts"]
    assert "closeloop 命令" in reply.args["text"] and "/closeloop log" in reply.args["text"]


async def test_a_mention_that_archives_gets_no_help(running: RunningBot) -> None:
    await running.send_event(mention(running, "UALICE", "<@UBOT> #archive"))
    await running.settle()
    assert running.slack.calls("chat.postMessage") == []
