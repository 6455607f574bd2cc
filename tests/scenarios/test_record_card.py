"""The record card's Edit, Undo and customer picker: they work for the author and nobody else."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Activity, Customer, SlackMessage
from tests.support.harness import RunningBot
from tests.support.payloads import (
    block_action,
    button,
    opened_view,
    option_value,
    text_value,
    view_submission,
)
from tests.support.payloads import (
    select as select_option,
)

CHANNEL = "CSALES"


async def archived(running: RunningBot, text: str, user: str = "UALICE") -> Activity:
    await running.say(user, CHANNEL, text)
    await running.settle()
    async with running.db.sessions() as session:
        return (await session.scalars(select(Activity).order_by(Activity.id.desc()))).first()


async def reload(running: RunningBot, activity_id: int) -> Activity | None:
    async with running.db.sessions() as session:
        return await session.get(Activity, activity_id)


async def test_edit_opens_a_prefilled_form_and_saving_it_updates_record_and_card(running: RunningBot) -> None:
    record = await archived(running, "Met Globex #archive #visit next: send brochure tomorrow")
    click = block_action("UALICE", CHANNEL, record.card_ts, button("activity_edit", str(record.id)))
    assert (await running.interact(click)).status == 200

    view = opened_view(running.slack.last("views.open").args)
    assert view["callback_id"] == "activity_edit_modal"
    initial = {b["block_id"]: b["element"] for b in view["blocks"]}
    assert initial["summary"]["initial_value"].startswith("Met Globex")
    assert initial["activity_type"]["initial_option"]["value"] == "visit"

    submit = view_submission(
        "UALICE",
        view,
        {
            "customer": text_value("Globex"),
            "activity_type": option_value("demo"),
            "summary": text_value("Demo planned with Globex"),
            "next_action": text_value("send the demo invite"),
            "due_date": text_value("2026-12-03"),
            "blocker": text_value(None),
        },
    )
    response = await running.interact(submit)
    assert response.status == 200

    record = await reload(running, record.id)
    assert record.activity_type == "demo" and record.summary == "Demo planned with Globex"
    assert record.due_at.astimezone(ZoneInfo("Asia/Shanghai")) == datetime(
        2026, 12, 3, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    async with running.db.sessions() as session:
        assert (await session.get(Customer, record.customer_id)).name == "Globex"
    update = running.slack.last("chat.update").args
    assert update["ts"] == record.card_ts and "Globex" in str(update["blocks"])


async def test_undo_deletes_the_record_and_says_so_on_the_card(running: RunningBot) -> None:
    record = await archived(running, "Called Initech #archive")
    await running.interact(
        block_action("UALICE", CHANNEL, record.card_ts, button("activity_undo", str(record.id)))
    )
    assert await reload(running, record.id) is None
    assert "undone" in running.slack.last("chat.update").args["text"]
    async with running.db.sessions() as session:
        message = (await session.scalars(select(SlackMessage))).one()
    assert message.archived is False  # back to being purged after the retention period


async def test_someone_else_pressing_the_buttons_is_refused_and_nothing_changes(running: RunningBot) -> None:
    record = await archived(running, "Called Initech #archive")
    for action in (button("activity_undo", str(record.id)), button("activity_edit", str(record.id))):
        await running.interact(block_action("UBOB", CHANNEL, record.card_ts, action))
    assert await reload(running, record.id) is not None
    assert running.slack.calls("views.open") == []
    refusals = running.slack.calls("chat.postEphemeral")
    assert len(refusals) == 2 and all(r.args["user"] == "UBOB" for r in refusals)
    assert "Only <@UALICE>" in refusals[0].args["text"]


async def test_a_forged_edit_submission_by_someone_else_is_refused(running: RunningBot) -> None:
    record = await archived(running, "Called Initech #archive")
    await running.interact(
        block_action("UALICE", CHANNEL, record.card_ts, button("activity_edit", str(record.id)))
    )
    view = opened_view(running.slack.last("views.open").args)
    response = await running.interact(view_submission("UBOB", view, {"summary": text_value("hijacked")}))
    assert (await response.json())["response_action"] == "errors"
    assert (await reload(running, record.id)).summary != "hijacked"


async def test_a_record_without_customer_offers_a_picker_that_sets_it(running: RunningBot) -> None:
    await archived(running, "Visited them #archive customer: Hooli")
    record = await archived(running, "Quick call, no name given #archive")
    assert record.customer_id is None
    card = running.slack.calls("chat.postMessage")[-1].args
    picker = next(
        b["accessory"] for b in card["blocks"] if b.get("accessory", {}).get("type") == "static_select"
    )
    choice = picker["options"][0]["value"]
    await running.interact(
        block_action("UALICE", CHANNEL, record.card_ts, select_option("activity_pick_customer", choice))
    )
    async with running.db.sessions() as session:
        hooli = (await session.scalars(select(Customer).where(Customer.name == "Hooli"))).one()
    assert (await reload(running, record.id)).customer_id == hooli.id


async def test_buttons_of_an_undone_record_say_it_is_gone(running: RunningBot) -> None:
    record = await archived(running, "Called Initech #archive")
    undo = block_action("UALICE", CHANNEL, record.card_ts, button("activity_undo", str(record.id)))
    await running.interact(undo)
    await running.interact(
        block_action("UALICE", CHANNEL, record.card_ts, button("activity_edit", str(record.id)))
    )
    assert "no longer exists" in running.slack.last("chat.postEphemeral").args["text"]


async def test_edits_made_while_slack_is_away_reach_the_card_as_one_update_of_the_latest(
    running: RunningBot,
) -> None:
    record = await archived(running, "Met Globex #archive")
    click = block_action("UALICE", CHANNEL, record.card_ts, button("activity_edit", str(record.id)))
    await running.interact(click)
    view = opened_view(running.slack.last("views.open").args)
    running.slack.down(503)
    for summary in ("first try", "second try", "Demo booked with Globex"):
        submit = view_submission("UALICE", view, {"summary": text_value(summary)})
        assert (await running.interact(submit, settle=False)).status == 200
    await asyncio.sleep(2)  # the worker tries (past the channel's one-a-second pace) and is refused
    assert {call.status for call in running.slack.calls("chat.update")} == {503}
    running.slack.up()
    await running.settle(timeout=60)
    [update] = running.slack.performed("chat.update")
    assert update.args["ts"] == record.card_ts and "Demo booked with Globex" in str(update.args["blocks"])
    assert (await reload(running, record.id)).summary == "Demo booked with Globex"


async def test_an_undone_record_number_is_never_given_out_again(running: RunningBot) -> None:
    first = await archived(running, "Called Initech #archive")
    await running.interact(
        block_action("UALICE", CHANNEL, first.card_ts, button("activity_undo", str(first.id)))
    )
    second = await archived(running, "Called Umbrella #archive")
    assert second.id == first.id + 1
    card = running.slack.calls("chat.postMessage")[-1].args
    assert second.card_ts != first.card_ts
    assert f"#{second.id}" in str(card["blocks"]) and f"#{first.id}" not in str(card["blocks"])


async def test_the_edit_forms_due_date_reads_plain_words_and_refuses_what_it_cannot(
    running: RunningBot,
) -> None:
    record = await archived(running, "拜访了华东机械 #归档")
    await running.interact(
        block_action("UALICE", CHANNEL, record.card_ts, button("activity_edit", str(record.id)))
    )
    view = opened_view(running.slack.last("views.open").args)
    refused = await running.interact(view_submission("UALICE", view, {"due_date": text_value("someday")}))
    answer = await refused.json()
    assert answer["response_action"] == "errors" and "someday" in answer["errors"]["due_date"]
    await running.interact(view_submission("UALICE", view, {"due_date": text_value("下周三")}))
    record = await reload(running, record.id)
    assert record.due_at.astimezone(ZoneInfo("Asia/Shanghai")).weekday() == 2
