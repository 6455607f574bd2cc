"""Leads end to end: the webhook, the form, the card and its buttons, claims, reports."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import SimulatedClock
from scheduler.jobs import JOBS, run_due_jobs
from storage.models import Activity, Customer, LeadDecision, LeadRecord
from tests.support.harness import RunningBot, settings_for, start_bot
from tests.support.payloads import (
    block_action,
    button,
    opened_view,
    option_value,
    text_value,
    view_submission,
)
from tests.support.slack_api import SlackApiStub

TOKEN = "intake-secret"
RULES = """
[leads]
managers = ["UBOSS"]
channel = "CLEADS"

[[leads.pools]]
id = "east"
channel = "CEAST"
regions = ["East"]
fallback_owner = "UBOSS"

[[leads.pools]]
id = "north"
channel = "CNORTH"
regions = ["North"]
mode = "offer"

[[leads.reps]]
user_id = "UALICE"
name = "Alice"
joined = "2024-01-01"
regions = ["East"]

[[leads.reps]]
user_id = "UBOB"
name = "Bob"
joined = "2024-01-01"
regions = ["East", "North"]

[[leads.reps]]
user_id = "UWANG"
name = "王芳"
joined = "2026-10-01"
regions = ["North"]
"""


@pytest.fixture
async def running(database_url: str, slack: SlackApiStub, tmp_path: Path) -> AsyncIterator[RunningBot]:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    settings = settings_for(database_url, slack.base_url, closeloop_rules=rules, closeloop_intake_token=TOKEN)
    bot = await start_bot(settings, slack)
    yield bot
    await bot.stop()


async def post_lead(running: RunningBot, body: object, *, token: str = TOKEN, key: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} | ({"Idempotency-Key": key} if key else {})
    response = await running.http.post(f"{running.url}/api/leads", json=body, headers=headers)
    return response.status, await response.json()


async def carded_lead(running: RunningBot, lead_id: int) -> LeadRecord:
    """The lead once its card is in the channel (the webhook answers before the card is posted)."""
    for _ in range(250):
        async with running.db.sessions() as session:
            lead = await session.get(LeadRecord, lead_id)
        if lead.card_ts:
            return lead
        await asyncio.sleep(0.02)
    raise AssertionError(f"lead {lead_id} never got its card")


async def lead_count(running: RunningBot) -> int:
    async with running.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(LeadRecord))


GOOD = {
    "company": "ACME Pumps",
    "contact": "刘总",
    "phone": "+86 138 0013 8000",
    "region": "East",
    "signals": ["website_form", "trial_request"],
    "page_dwell_seconds": 300,
}


async def test_a_webhook_lead_is_scored_assigned_and_carded(running: RunningBot) -> None:
    status, body = await post_lead(running, GOOD)
    assert (
        status == 201 and body["grade"] == "B" and body["score"] == 35 and body["owner"] in {"UALICE", "UBOB"}
    )
    posts = await running.slack.wait_for(
        "chat.postMessage", count=2
    )  # the card and the owner's DM, in any order
    [card] = [call.args for call in posts if call.args["channel"] == "CEAST"]
    text = str(card["blocks"])
    assert "ACME Pumps" in text and "Asked for a trial +20" in text and f"<@{body['owner']}>" in text
    assert "open leads (cap 5)" in text
    await running.settle()
    [dm] = [c for c in running.slack.calls("chat.postMessage") if c.args["channel"] == body["owner"]]
    assert "ACME Pumps" in dm.args["text"]
    async with running.db.sessions() as session:
        lead = await session.get(LeadRecord, body["id"])
    assert lead.attributes == {"page_dwell_seconds": 300} and lead.card_channel == "CEAST"


async def test_bad_webhooks_get_clear_json_errors_and_add_nothing(running: RunningBot) -> None:
    status, body = await post_lead(
        running, {"company": "", "budget_min": 10, "budget_max": 5, "urgency": "soon"}
    )
    assert status == 422 and {"company", "urgency"} <= set(body["fields"])
    status, body = await post_lead(running, {"company": "NoWay"})
    assert status == 422 and "phone or an email" in str(body["fields"])
    status, _ = await post_lead(running, GOOD, token="wrong")
    assert status == 401
    response = await running.http.post(
        f"{running.url}/api/leads", data="not json", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert response.status == 400 and "error" in await response.json()
    assert await lead_count(running) == 0


async def test_a_retried_webhook_gets_the_same_answer_and_adds_nothing(running: RunningBot) -> None:
    first = await post_lead(running, GOOD, key="order-77")
    second = await post_lead(running, dict(reversed(GOOD.items())), key="order-77")
    assert first == second and first[0] == 201
    other = await post_lead(running, GOOD | {"company": "Changed"}, key="order-77")
    assert other == (422, {"error": other[1]["error"], "fields": {}})
    assert "this Idempotency-Key was used for another request" in other[1]["error"]
    duplicate = await post_lead(running, {"company": "acme pumps", "contact": "刘总", "email": "liu@acme.cn"})
    assert duplicate[0] == 200 and duplicate[1]["id"] == first[1]["id"]
    assert await lead_count(running) == 1


async def test_the_lead_form_validates_and_files_a_lead(running: RunningBot) -> None:
    await running.command("UALICE", "CEAST", "lead")
    view = opened_view(running.slack.last("views.open").args)
    assert view["callback_id"] == "lead_intake_modal"
    bad = await running.interact(
        view_submission("UALICE", view, {"company": text_value("Initech"), "budget": text_value("lots")})
    )
    assert (await bad.json())["response_action"] == "errors"
    no_phone = await running.interact(view_submission("UALICE", view, {"company": text_value("Initech")}))
    assert (await no_phone.json())["errors"] == {
        "phone": "give a phone or an email, so someone can follow up"
    }
    reversed_budget = {"company": text_value("Initech"), "phone": text_value("021-5555 0101")}
    reversed_budget["budget"] = text_value("20000-10000")
    answer = await (await running.interact(view_submission("UALICE", view, reversed_budget))).json()
    assert answer["errors"] == {"budget": "the lower figure comes first (e.g. 10000-20000)"}  # not on phone
    await running.command("UWANG", "CEAST", "lead")
    zh_view = opened_view(running.slack.last("views.open").args)
    bad_email = {"company": text_value("华东机械"), "email": text_value("liu-at-example")}
    answer = await (await running.interact(view_submission("UWANG", zh_view, bad_email))).json()
    assert answer["errors"] == {"email": "不是有效的邮箱地址"}  # no pydantic text, in the person's language
    ok = await running.interact(
        view_submission(
            "UALICE",
            view,
            {
                "source": option_value("phone_inquiry"),
                "company": text_value("Initech"),
                "phone": text_value("021-5555 0101"),
                "region": text_value("East"),
                "budget": text_value("5万-8万"),
                "urgency": option_value("red"),
            },
        )
    )
    assert ok.status == 200 and (await ok.text()) == ""
    async with running.db.sessions() as session:
        [lead] = list(await session.scalars(select(LeadRecord)))
    assert lead.score == 15 and str(lead.budget_min) == "50000.00" and lead.urgency == "red"
    assert lead.signals == ["phone_inquiry"]


async def test_fifty_simultaneous_claims_over_http_make_one_owner(running: RunningBot) -> None:
    _, body = await post_lead(
        running, GOOD | {"region": "North", "phone": "010-8888 9999", "company": "NorthCo"}
    )
    assert body["owner"] is None
    lead = await carded_lead(running, body["id"])
    clicks = [
        block_action(user, "CNORTH", lead.card_ts, button("lead_claim", str(lead.id)))
        for user in ["UBOB", "UWANG"] * 25
    ]
    responses = await asyncio.gather(*(running.interact(c) for c in clicks))
    assert all(r.status == 200 for r in responses)
    async with running.db.sessions() as session:
        lead = await session.get(LeadRecord, body["id"])
        claims = await session.scalar(
            select(func.count()).select_from(LeadDecision).where(LeadDecision.kind == "claimed")
        )
    assert lead.owner_id in {"UBOB", "UWANG"} and claims == 1
    # The refusals are the listeners' own answers (not outbox messages): wait for all of them.
    losers = await running.slack.wait_for("chat.postEphemeral", 25, timeout=15)
    assert len(losers) == 25 and all(c.args["user"] != lead.owner_id for c in losers)
    assert all("Too late" in c.args["text"] or "晚了一步" in c.args["text"] for c in losers)


async def test_buttons_work_only_for_the_right_people(running: RunningBot) -> None:
    _, body = await post_lead(running, GOOD)
    lead = await carded_lead(running, body["id"])
    owner = lead.owner_id
    stranger = "UBOB" if owner == "UALICE" else "UALICE"
    for action in ("lead_contacted", "lead_release", "lead_reassign"):
        await running.interact(block_action(stranger, "CEAST", lead.card_ts, button(action, str(lead.id))))
    refusals = running.slack.calls("chat.postEphemeral")
    assert len(refusals) == 3 and all(r.args["user"] == stranger for r in refusals)
    assert running.slack.calls("views.open") == []
    async with running.db.sessions() as session:
        unchanged = await session.get(LeadRecord, body["id"])
    assert (unchanged.owner_id, unchanged.status) == (owner, "assigned")

    await running.interact(block_action(owner, "CEAST", lead.card_ts, button("lead_contacted", str(lead.id))))
    async with running.db.sessions() as session:
        assert (await session.get(LeadRecord, body["id"])).status == "contacted"
    assert "Contacted by" in str(running.slack.last("chat.update").args["blocks"])


async def test_a_manager_reassigns_through_the_form(running: RunningBot) -> None:
    _, body = await post_lead(running, GOOD)
    lead = await carded_lead(running, body["id"])
    await running.interact(
        block_action("UBOSS", "CEAST", lead.card_ts, button("lead_reassign", str(lead.id)))
    )
    view = opened_view(running.slack.last("views.open").args)
    await running.interact(view_submission("UBOSS", view, {"new_owner": option_value("UWANG")}))
    async with running.db.sessions() as session:
        assert (await session.get(LeadRecord, body["id"])).owner_id == "UWANG"


async def test_why_shows_every_candidate_and_fairness_shows_every_rep(running: RunningBot) -> None:
    _, body = await post_lead(running, GOOD)
    why = await running.command("UALICE", "CEAST", f"lead why {body['id']}")
    assert "UWANG" in why["text"] and "does not cover East" in why["text"]
    assert "open (cap 5)" in why["text"]
    report = await running.command("UWANG", "CEAST", "leads fairness")
    assert "线索分配公平性" in report["text"]
    assert all(f"<@{user}>" in report["text"] for user in ("UALICE", "UBOB", "UWANG"))
    bad = await running.command("UALICE", "CEAST", "leads fairness November")
    assert "2026-11" in bad["text"]


async def test_why_in_chinese_names_decisions_and_pools_by_their_labels(running: RunningBot) -> None:
    _, body = await post_lead(running, GOOD)
    why = await running.command("UWANG", "CEAST", f"lead why {body['id']}")
    assert "· 分配 → <@" in why["text"] and "east 池" in why["text"]
    assert "routed" not in why["text"] and "lead.kind" not in why["text"]


async def test_archiving_in_the_lead_cards_thread_files_against_the_lead(running: RunningBot) -> None:
    _, body = await post_lead(running, GOOD)
    lead = await carded_lead(running, body["id"])
    await running.say(
        lead.owner_id,
        "CEAST",
        "Called 刘总, wants a demo #archive #call next: demo on Friday",
        thread_ts=lead.card_ts,
    )
    await running.settle()
    async with running.db.sessions() as session:
        [activity] = list(await session.scalars(select(Activity)))
        customer = await session.get(Customer, activity.customer_id)
        lead = await session.get(LeadRecord, body["id"])
    assert activity.lead_id == lead.id and customer.name == "ACME Pumps"
    assert lead.status == "contacted" and lead.first_contact_at is not None


async def test_an_uncontacted_lead_is_released_by_the_scheduled_job(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    clock = SimulatedClock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    settings = settings_for(database_url, slack.base_url, closeloop_rules=rules, closeloop_intake_token=TOKEN)
    running = await start_bot(settings, slack, clock=clock)
    try:
        _, body = await post_lead(running, GOOD)
        await slack.wait_for("chat.postMessage")
        job = next(job for job in JOBS if job.name == "release_uncontacted_leads")
        clock.advance(timedelta(days=2))
        assert await job.run(running.bot.services, clock.now()) == 0
        clock.advance(timedelta(days=1))
        assert await job.run(running.bot.services, clock.now()) == 1
        await running.settle()
        async with running.db.sessions() as session:
            lead = await session.get(LeadRecord, body["id"])
        assert lead.owner_id not in (None, body["owner"]) and body["owner"] in lead.released_from
        card = slack.last("chat.update").args
        assert card["ts"] == lead.card_ts and "Released from" in str(card["blocks"])
    finally:
        await running.stop()


async def test_managers_hear_when_nobody_can_take_a_lead_and_why(running: RunningBot) -> None:
    await running.command("UBOB", "CNORTH", "rep away")
    await running.command("UWANG", "CNORTH", "rep away")
    _, body = await post_lead(
        running, GOOD | {"region": "North", "company": "Nobody Co", "phone": "0755-1234 5678"}
    )
    assert body["owner"] is None
    posts = await running.slack.wait_for("chat.postMessage", count=2)  # the card, then the manager's DM
    dm = [c for c in posts if c.args["channel"] == "UBOSS"]
    assert "Nobody could take lead" in dm[0].args["text"]
    assert (
        "away: <@UBOB>, <@UWANG>" in dm[0].args["text"] and "other regions: <@UALICE>" in dm[0].args["text"]
    )


async def test_reps_set_themselves_away_and_managers_change_regions(running: RunningBot) -> None:
    shown = await running.command("UALICE", "CEAST", "rep")
    assert "<@UALICE>: regions East" in shown["text"] and "taking leads" in shown["text"]
    away = await running.command("UALICE", "CEAST", "rep away")
    assert "away" in away["text"]
    _, body = await post_lead(running, GOOD)
    assert body["owner"] == "UBOB"  # Alice is away, so Bob takes East leads now

    refused = await running.command("UALICE", "CEAST", "rep <@UBOB|bob> regions North")
    assert "only managers" in refused["text"]
    await running.command("UBOSS", "CEAST", "rep <@UBOB|bob> regions North")
    await running.command("UALICE", "CEAST", "rep back")
    _, second = await post_lead(running, GOOD | {"company": "Second", "phone": "021-6666 7777"})
    assert second["owner"] == "UALICE"
    why = await running.command("UBOSS", "CEAST", f"lead why {second['id']}")
    assert "<@UBOB>: does not cover East" in why["text"]
    bad = await running.command("UBOSS", "CEAST", "rep <@UBOB> weight heavy")
    assert "0.1 to 10" in bad["text"]


async def test_a_rep_on_leave_in_their_slack_status_gets_no_leads(running: RunningBot) -> None:
    job = next(job for job in JOBS if job.name == "refresh_rep_statuses")
    running.slack.set_user(
        "UALICE", name="alice", status_text="On vacation until Monday", status_emoji=":palm_tree:"
    )
    assert await job.run(running.bot.services, running.bot.services.clock.now()) == 1
    _, first = await post_lead(running, GOOD)
    assert first["owner"] == "UBOB"
    assert "away" in (await running.command("UALICE", "CEAST", "rep"))["text"]
    assert await job.run(running.bot.services, running.bot.services.clock.now()) == 0  # nothing changed since

    running.slack.set_user("UALICE", name="alice", status_text="", status_emoji="")
    assert await job.run(running.bot.services, running.bot.services.clock.now()) == 1
    _, second = await post_lead(running, GOOD | {"company": "Back Co", "phone": "021-1111 2222"})
    assert second["owner"] == "UALICE"


@pytest.mark.parametrize("key", ["burst-1", None])
async def test_twenty_identical_webhooks_at_once_make_one_lead(running: RunningBot, key: str | None) -> None:
    answers = await asyncio.gather(*(post_lead(running, GOOD, key=key) for _ in range(20)))
    assert {status for status, _ in answers} <= {200, 201}, answers
    assert len({body["id"] for _, body in answers}) == 1, answers
    assert await lead_count(running) == 1


@pytest.mark.parametrize("field", ["company", "contact", "notes", "region", "signals", "page_source"])
async def test_a_nul_character_in_any_text_field_is_named_and_refused(
    running: RunningBot, field: str
) -> None:
    value: object = ["website_form", "bad\u0000signal"] if field == "signals" else "ACME\u0000 Pumps"
    status, body = await post_lead(running, GOOD | {field: value})
    assert status == 422 and set(body["fields"]) == {field} and "NUL" in body["fields"][field]
    assert await lead_count(running) == 0


HOT = GOOD | {
    "company": "Hot Pumps",
    "phone": "021-5555 0000",
    "region": "North",
    "signals": ["website_form", "trial_request", "phone_inquiry", "wechat_contact"],
}


async def test_an_s_lead_goes_first_to_the_new_rep_then_the_tick_opens_it_to_everyone(
    database_url: str, slack: SlackApiStub, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    clock = SimulatedClock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai
    settings = settings_for(database_url, slack.base_url, closeloop_rules=rules, closeloop_intake_token=TOKEN)
    running = await start_bot(settings, slack, clock=clock)
    try:
        _, body = await post_lead(running, HOT)
        assert body["grade"] == "S" and body["owner"] is None
        lead = await carded_lead(running, body["id"])
        card = str(slack.last("chat.postMessage").args["blocks"])
        assert "Offered first to <@UWANG> (below their fair share) until 10:10; then to everyone." in card
        assert "Asked for a trial +20" in card

        await running.interact(
            block_action("UBOB", "CNORTH", lead.card_ts, button("lead_claim", str(lead.id)))
        )
        [refusal] = slack.calls("chat.postEphemeral")
        assert (
            refusal.args["user"] == "UBOB" and "everyone may claim it in 10 minutes" in refusal.args["text"]
        )

        clock.advance(timedelta(minutes=10))
        assert "widen_first_offers" in await run_due_jobs(running.bot.services, clock.now())
        await running.settle()
        assert "Offered to everyone." in str(slack.last("chat.update").args["blocks"])
        await running.interact(
            block_action("UBOB", "CNORTH", lead.card_ts, button("lead_claim", str(lead.id)))
        )
        async with running.db.sessions() as session:
            assert (await session.get(LeadRecord, body["id"])).owner_id == "UBOB"

        why = await running.command("UWANG", "CNORTH", f"lead why {body['id']}")
        assert "申请试用 +20" in why["text"] and "向所有人开放" in why["text"]
        why = await running.command("UBOB", "CNORTH", f"lead why {body['id']}")
        assert (
            "Asked for a trial +20" in why["text"] and "first to 1 rep below their fair share" in why["text"]
        )
    finally:
        await running.stop()


async def test_a_rep_at_cap_is_told_so_when_claiming(running: RunningBot) -> None:
    ids = []
    for n in range(6):
        more = {"region": "North", "phone": f"010-7777 000{n}", "company": f"North{n}"}
        ids.append((await post_lead(running, GOOD | more))[1]["id"])
    desk, now = running.bot.services.leads, running.bot.services.clock.now()
    for lead_id in ids[:5]:
        await desk.claim(lead_id, "UBOB", now)
    lead = await carded_lead(running, ids[5])
    await running.interact(block_action("UBOB", "CNORTH", lead.card_ts, button("lead_claim", str(lead.id))))
    [refusal] = running.slack.calls("chat.postEphemeral")
    assert refusal.args["user"] == "UBOB" and "You are at your cap (5/5 open leads)" in refusal.args["text"]
    async with running.db.sessions() as session:
        assert (await session.get(LeadRecord, lead.id)).owner_id is None
