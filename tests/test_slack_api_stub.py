"""Check that the Slack Web API stand-in answers a real AsyncWebClient the way Slack would.

Every scenario test trusts this stub; if it accepted what Slack refuses or replied in shapes
Slack never uses, those tests would pass against a Slack that does not exist.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.slack_api import BOT_ID, BOT_USER_ID, TEAM_ID, SlackApiStub

TOKEN = "xoxb-test"
FIXTURES = Path(__file__).parent / "fixtures" / "slack"
_NO_WAIT = FixedValueRetryIntervalCalculator(fixed_internal=0)


@pytest.fixture
async def stub() -> AsyncIterator[SlackApiStub]:
    async with SlackApiStub() as running:
        yield running


@pytest.fixture
def client(stub: SlackApiStub) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=stub.base_url)


def _section(block_id: str, text: str = "hi") -> dict[str, Any]:
    return {"type": "section", "block_id": block_id, "text": {"type": "mrkdwn", "text": text}}


def _button(action_id: str) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "Go"}}


async def test_records_calls_in_order_with_args_and_headers(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    auth = await client.auth_test()
    posted = await client.chat_postMessage(channel="C1", text="hello", thread_ts="1700000000.000100")

    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == (TEAM_ID, BOT_USER_ID, BOT_ID)
    assert [call.method for call in stub.calls()] == ["auth.test", "chat.postMessage"]
    call = stub.last("chat.postMessage")
    assert call.args["text"] == "hello"
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    assert call.status == 200
    message = posted["message"]
    assert posted["channel"] == "C1"
    assert (message["user"], message["bot_id"], message["ts"]) == (BOT_USER_ID, BOT_ID, posted["ts"])
    assert message["thread_ts"] == "1700000000.000100"


async def test_message_timestamps_are_unique_and_strictly_increasing(client: AsyncWebClient) -> None:
    replies = [await client.chat_postMessage(channel="C1", text=str(n)) for n in range(20)]

    stamps = [reply["ts"] for reply in replies]
    assert all(re.fullmatch(r"\d{10}\.\d{6}", ts) for ts in stamps)
    assert [float(ts) for ts in stamps] == sorted({float(ts) for ts in stamps})


async def test_posting_to_a_user_lands_in_their_dm(client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="U123", text="psst")
    opened = await client.conversations_open(users="U123")

    assert posted["channel"] == opened["channel"]["id"] == "DU123"


async def test_users_info_reports_locale_only_when_asked(stub: SlackApiStub, client: AsyncWebClient) -> None:
    stub.set_user("U1", name="mei", locale="ja-JP", tz="Asia/Tokyo", status_text="On leave")

    with_locale = (await client.users_info(user="U1", include_locale=True))["user"]
    without_locale = (await client.users_info(user="U1"))["user"]
    stranger = (await client.users_info(user="U404", include_locale=True))["user"]

    assert (with_locale["locale"], with_locale["tz"], with_locale["tz_offset"]) == (
        "ja-JP",
        "Asia/Tokyo",
        32400,
    )
    assert with_locale["profile"]["status_text"] == "On leave"
    assert "locale" not in without_locale
    assert (stranger["id"], stranger["locale"], stranger["tz"]) == ("U404", "en-US", "Asia/Shanghai")
    assert stranger["tz_offset"] == 8 * 3600
    assert stranger["is_bot"] is False


async def test_conversation_replies_paginate_with_cursors(stub: SlackApiStub, client: AsyncWebClient) -> None:
    thread_ts = "1700000000.000100"
    messages = [{"ts": f"1700000000.00010{n}", "user": "U1", "text": f"m{n}"} for n in range(5)]
    stub.set_thread("C1", thread_ts, messages)

    # slack-sdk reuses one response object while paging, so copy each page's messages as it arrives.
    first = await client.conversations_replies(channel="C1", ts=thread_ts, limit=2)
    pages = [list(page["messages"]) async for page in first]

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [m["text"] for page in pages for m in page] == ["m0", "m1", "m2", "m3", "m4"]
    assert first["response_metadata"]["next_cursor"] == ""
    assert len(stub.calls("conversations.replies")) == 3


async def test_unknown_thread_is_not_found(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_replies(channel="C1", ts="1.000000")

    assert raised.value.response["error"] == "thread_not_found"


async def test_permalink_of_a_thread_reply_names_the_thread(client: AsyncWebClient) -> None:
    reply = await client.chat_postMessage(channel="C1", text="re", thread_ts="1700000000.000100")

    link = await client.chat_getPermalink(channel="C1", message_ts=reply["ts"])

    digits = reply["ts"].replace(".", "")
    expected = f"https://example.slack.com/archives/C1/p{digits}?thread_ts=1700000000.000100&cid=C1"
    assert link["permalink"] == expected


async def test_queued_rate_limit_reaches_a_client_without_retry_handlers(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    stub.reply_with(
        "chat.postMessage", {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
    )

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="hi")
    recovered = await client.chat_postMessage(channel="C1", text="hi")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert recovered["ok"] is True
    assert [call.status for call in stub.calls("chat.postMessage")] == [429, 200]


async def test_rate_limit_retry_handler_retries_and_succeeds(stub: SlackApiStub) -> None:
    retrying = AsyncWebClient(
        token=TOKEN,
        base_url=stub.base_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    stub.reply_with(
        "chat.postMessage", {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
    )

    posted = await retrying.chat_postMessage(channel="C1", text="hi")

    assert posted["ok"] is True
    assert [call.status for call in stub.calls("chat.postMessage")] == [429, 200]


INVALID_MESSAGE_BLOCKS = {
    "duplicate block_id": [_section("same"), _section("same")],
    "unknown block type": [{"type": "carousel", "block_id": "b1"}],
    "unknown element type": [{"type": "actions", "elements": [{"type": "slider", "action_id": "a"}]}],
    "duplicate action_id": [{"type": "actions", "elements": [_button("a"), _button("a")]}],
    "51 blocks": [_section(f"b{n}") for n in range(51)],
    "bad text type": [{"type": "section", "text": {"type": "markdown", "text": "hi"}}],
    "section text over 3000": [_section("b1", "x" * 3001)],
    "header over 150": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
    "button value over 2000": [
        {"type": "actions", "elements": [{**_button("a"), "value": "v" * 2001}]},
    ],
}


@pytest.mark.parametrize("blocks", INVALID_MESSAGE_BLOCKS.values(), ids=INVALID_MESSAGE_BLOCKS.keys())
async def test_invalid_message_blocks_are_rejected_like_slack(
    stub: SlackApiStub, client: AsyncWebClient, blocks: list[dict[str, Any]]
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)

    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "invalid_blocks"
    assert raised.value.response["errors"] == stub.last("chat.postMessage").invalid_blocks
    assert stub.invalid_block_errors
    assert all("[json-pointer:/blocks" in error for error in stub.invalid_block_errors)


def _modal(**overrides: Any) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id="new_deal",
        title=PlainTextObject(text="New deal"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[InputBlock(block_id="name", label="Name", element=PlainTextInputElement(action_id="value"))],
    ).to_dict()
    return {**view, **overrides}


INVALID_VIEWS = {
    "title of 30 chars": _modal(title={"type": "plain_text", "text": "x" * 30}),
    "submit of 25 chars": _modal(submit={"type": "plain_text", "text": "x" * 25}),
    "mrkdwn title": _modal(title={"type": "mrkdwn", "text": "Deal"}),
    "callback_id over 255": _modal(callback_id="c" * 256),
    "101 blocks": _modal(blocks=[_section(f"b{n}") for n in range(101)]),
    "duplicate block_id": _modal(blocks=[_section("same"), _section("same")]),
}


@pytest.mark.parametrize("view", INVALID_VIEWS.values(), ids=INVALID_VIEWS.keys())
async def test_invalid_views_are_rejected_like_slack(
    stub: SlackApiStub, client: AsyncWebClient, view: dict[str, Any]
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.views_open(trigger_id="1.2.abc", view=view)

    assert raised.value.response["error"] == "invalid_arguments"
    messages = raised.value.response["response_metadata"]["messages"]
    assert messages == [f"[ERROR] {error}" for error in stub.last("views.open").invalid_blocks]
    assert stub.invalid_block_errors


async def test_valid_blocks_built_with_slack_sdk_are_accepted(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    blocks = [
        HeaderBlock(block_id="title", text="Open loops"),
        SectionBlock(
            block_id="deal",
            text=MarkdownTextObject(text="*Acme* renewal is waiting on you"),
            accessory=ButtonElement(action_id="open", text="Open", value="deal-1"),
        ),
        DividerBlock(),
        ActionsBlock(
            block_id="actions",
            elements=[
                ButtonElement(action_id="done", text="Done", value="deal-1", style="primary"),
                ButtonElement(action_id="snooze", text="Snooze", value="deal-1"),
            ],
        ),
        ContextBlock(elements=[MarkdownTextObject(text="Due tomorrow")]),
    ]

    posted = await client.chat_postMessage(channel="C1", text="Open loops", blocks=blocks)
    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="Closed", blocks=blocks[:2])
    opened = await client.views_open(trigger_id="1.2.abc", view=_modal())

    assert posted["message"]["blocks"][1]["accessory"]["value"] == "deal-1"
    assert (updated["ts"], updated["text"]) == (posted["ts"], "Closed")
    view = opened["view"]
    assert view["id"].startswith("V")
    assert view["hash"]
    assert view["state"] == {"values": {}}
    assert view["callback_id"] == "new_deal"
    assert stub.invalid_block_errors == []


async def test_views_update_keeps_the_view_id(client: AsyncWebClient) -> None:
    opened = await client.views_open(trigger_id="1.2.abc", view=_modal())

    updated = await client.views_update(view_id=opened["view"]["id"], view=_modal())

    assert updated["view"]["id"] == opened["view"]["id"]
    assert updated["view"]["hash"] != opened["view"]["hash"]


@pytest.mark.parametrize(
    ("token", "error"),
    [(None, "not_authed"), ("xoxp-user-token", "invalid_auth")],
)
async def test_calls_without_a_bot_token_are_refused(
    stub: SlackApiStub, token: str | None, error: str
) -> None:
    unauthorised = AsyncWebClient(token=token, base_url=stub.base_url)

    with pytest.raises(SlackApiError) as raised:
        await unauthorised.chat_postMessage(channel="C1", text="hi")

    assert raised.value.response["error"] == error
    assert stub.last("chat.postMessage").status == 200


async def test_form_encoded_calls_have_json_fields_decoded_and_token_accepted(stub: SlackApiStub) -> None:
    form = {
        "token": TOKEN,
        "channel": "C1",
        "text": "hi",
        "blocks": json.dumps([_section("a"), _section("a")]),
    }

    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{stub.base_url}chat.postMessage", data=form) as r,
    ):
        reply = await r.json()

    assert reply["error"] == "invalid_blocks"
    assert stub.last("chat.postMessage").args["blocks"] == [_section("a"), _section("a")]


async def test_unknown_methods_are_answered_ok_and_recorded(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    reply = await client.api_call("pins.add", params={"channel": "C1", "timestamp": "1.000001"})

    assert reply["ok"] is True
    assert stub.last("pins.add").args == {"channel": "C1", "timestamp": "1.000001"}


async def test_wait_for_sees_calls_made_in_the_background(stub: SlackApiStub, client: AsyncWebClient) -> None:
    async def post_later() -> None:
        await asyncio.sleep(0.05)
        await client.chat_postMessage(channel="C1", text="later")

    task = asyncio.create_task(post_later())

    calls = await stub.wait_for("chat.postMessage")

    await task
    assert calls[0].args["text"] == "later"


async def test_missing_calls_fail_with_what_was_seen(stub: SlackApiStub, client: AsyncWebClient) -> None:
    await client.auth_test()

    with pytest.raises(AssertionError, match=r"seen: auth\.test x1"):
        stub.last("chat.postMessage")
    with pytest.raises(AssertionError, match=r"seen: auth\.test x1"):
        await stub.wait_for("chat.postMessage", timeout=0.05)

    stub.clear()
    assert stub.calls() == []


def _outbox(outbox_id: int) -> dict[str, Any]:
    return {"event_type": "closeloop_outbox", "event_payload": {"outbox_id": outbox_id}}


class _FakeMonotonic:
    """A clock the test moves by hand, so rate-limit windows open and close exactly when it says."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_posted_messages_are_kept_per_conversation_with_their_metadata(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    first = await client.chat_postMessage(channel="C1", text="card", metadata=_outbox(1))
    await client.chat_postMessage(channel="U123", text="psst", blocks=[_section("b1")])
    form = {"token": TOKEN, "channel": "C1", "text": "re", "thread_ts": first["ts"]}
    form["metadata"] = json.dumps(_outbox(2))  # form-encoded clients send metadata as JSON text
    async with aiohttp.ClientSession() as session:
        await (await session.post(f"{stub.base_url}chat.postMessage", data=form)).json()

    assert [(m["channel"], m["text"]) for m in stub.messages()] == [
        ("C1", "card"),
        ("DU123", "psst"),
        ("C1", "re"),
    ]
    assert stub.messages("DU123")[0]["blocks"] == [_section("b1")]
    assert stub.messages("C1")[1]["thread_ts"] == first["ts"]
    outbox = stub.messages_with_metadata("closeloop_outbox")
    assert [m["metadata"]["event_payload"]["outbox_id"] for m in outbox] == [1, 2]
    assert first["message"]["metadata"] == _outbox(1)


async def test_metadata_not_shaped_like_slacks_is_refused_and_not_kept(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="hi", metadata={"outbox_id": 1})

    assert raised.value.response["error"] == "invalid_metadata_format"
    assert stub.messages() == []
    assert stub.performed("chat.postMessage") == []


async def test_update_edits_the_kept_message_and_delete_removes_it(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C1", text="Open", blocks=[_section("b1", "open")])
    ts = posted["ts"]

    await client.chat_update(channel="C1", ts=ts, text="Closed")
    [after_text_edit] = stub.messages()
    # api_call: slack-sdk warns when chat_update() has no text, and leaving it out is the point here.
    await client.api_call("chat.update", json={"channel": "C1", "ts": ts, "blocks": [_section("b1", "x")]})
    [after_blocks_edit] = stub.messages()
    await client.chat_delete(channel="C1", ts=ts)
    with pytest.raises(SlackApiError) as update_gone:
        await client.chat_update(channel="C1", ts=ts, text="again")
    with pytest.raises(SlackApiError) as delete_gone:
        await client.chat_delete(channel="C1", ts=ts)

    assert (after_text_edit["text"], after_text_edit["blocks"]) == ("Closed", [_section("b1", "open")])
    assert (after_blocks_edit["text"], after_blocks_edit["blocks"]) == ("Closed", [_section("b1", "x")])
    assert after_blocks_edit["ts"] == ts
    assert stub.messages() == []
    assert update_gone.value.response["error"] == delete_gone.value.response["error"] == "message_not_found"


async def test_thread_messages_set_up_by_a_test_are_known_but_only_the_bots_are_editable(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    root = "1700000000.000100"
    stub.set_thread(
        "C1",
        root,
        [
            {"ts": root, "user": "U1", "text": "question"},
            {"ts": "1700000000.000200", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": "old card"},
        ],
    )

    await client.chat_update(channel="C1", ts="1700000000.000200", text="new card")
    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel="C1", ts=root, text="edited question")
    thread = await client.conversations_replies(channel="C1", ts=root)

    assert raised.value.response["error"] == "cant_update_message"
    assert [m["text"] for m in thread["messages"]] == ["question", "new card"]


async def test_history_lists_top_level_messages_newest_first_with_metadata_only_when_asked(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    stub.set_thread("C1", "1700000000.000100", [{"ts": "1700000000.000100", "user": "U1", "text": "old"}])
    first = await client.chat_postMessage(channel="C1", text="one", metadata=_outbox(1))
    await client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"], metadata=_outbox(2))
    await client.chat_postMessage(channel="C1", text="two", metadata=_outbox(3))
    await client.chat_postMessage(channel="C2", text="elsewhere")

    plain = await client.conversations_history(channel="C1")
    with_metadata = await client.conversations_history(channel="C1", include_all_metadata=True)

    assert [m["text"] for m in plain["messages"]] == ["two", "one", "old"]
    assert all("metadata" not in m for m in plain["messages"])
    assert [m["metadata"] for m in with_metadata["messages"][:2]] == [_outbox(3), _outbox(1)]
    parent = plain["messages"][1]
    assert (parent["thread_ts"], parent["reply_count"], parent["reply_users"]) == (
        first["ts"],
        1,
        [BOT_USER_ID],
    )
    assert plain["has_more"] is False


async def test_history_honours_oldest_latest_inclusive_and_pages_with_cursors(
    client: AsyncWebClient,
) -> None:
    stamps = [(await client.chat_postMessage(channel="C1", text=f"m{n}"))["ts"] for n in range(5)]

    between = await client.conversations_history(channel="C1", oldest=stamps[1], latest=stamps[3])
    inclusive = await client.conversations_history(
        channel="C1", oldest=stamps[1], latest=stamps[3], inclusive=True
    )
    first = await client.conversations_history(channel="C1", limit=2)
    pages = [[m["text"] for m in page["messages"]] async for page in first]
    with pytest.raises(SlackApiError) as raised:
        await client.conversations_history(channel="C1", oldest="yesterday")

    assert [m["text"] for m in between["messages"]] == ["m2"]
    assert [m["text"] for m in inclusive["messages"]] == ["m3", "m2", "m1"]
    assert pages == [["m4", "m3"], ["m2", "m1"], ["m0"]]
    assert raised.value.response["error"] == "invalid_ts_oldest"


async def test_replies_merge_a_set_up_thread_with_the_bots_replies_parent_first(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    root = "1700000000.000100"
    stub.set_thread("C1", root, [{"ts": root, "user": "U1", "text": "question"}])
    await client.chat_postMessage(channel="C1", text="answer", thread_ts=root, metadata=_outbox(7))
    stub.set_thread(
        "C1",
        root,
        [{"ts": root, "user": "U1", "text": "question"}, {"ts": "1700000000.000200", "text": "more"}],
    )

    plain = await client.conversations_replies(channel="C1", ts=root)
    with_metadata = await client.conversations_replies(channel="C1", ts=root, include_all_metadata=True)

    assert [m["text"] for m in plain["messages"]] == ["question", "more", "answer"]
    assert "metadata" not in plain["messages"][2]
    assert with_metadata["messages"][2]["metadata"] == _outbox(7)


async def test_a_send_whose_answer_was_lost_can_be_found_by_its_outbox_id(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    root = (await client.chat_postMessage(channel="C1", text="card"))["ts"]
    stub.lose_responses("chat.postMessage", times=2)

    for outbox_id, thread_ts in ((41, None), (42, root)):
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(
                channel="C1", text="hi", thread_ts=thread_ts, metadata=_outbox(outbox_id)
            )
        assert raised.value.response.status_code == 503
    answered = await client.chat_postMessage(channel="C1", text="answered")
    history = await client.conversations_history(channel="C1", include_all_metadata=True)
    thread = await client.conversations_replies(channel="C1", ts=root, include_all_metadata=True)

    assert answered["ok"] is True
    assert [call.status for call in stub.performed("chat.postMessage")] == [200, 503, 503, 200]
    found = [m for m in history["messages"] if m.get("metadata") == _outbox(41)]
    assert len(found) == 1
    assert [m.get("metadata") for m in thread["messages"]] == [None, _outbox(42)]


async def test_a_retrying_client_duplicates_a_send_whose_answer_was_lost(stub: SlackApiStub) -> None:
    retrying = AsyncWebClient(
        token=TOKEN,
        base_url=stub.base_url,
        retry_handlers=[AsyncServerErrorRetryHandler(max_retry_count=1, interval_calculator=_NO_WAIT)],
    )
    stub.lose_responses("chat.postMessage")

    await retrying.chat_postMessage(channel="C1", text="hi", metadata=_outbox(1))

    assert len(stub.messages_with_metadata("closeloop_outbox")) == 2


async def test_rate_limit_refuses_calls_beyond_the_window_without_effect() -> None:
    clock = _FakeMonotonic()
    async with SlackApiStub(monotonic=clock) as stub:
        client = AsyncWebClient(token=TOKEN, base_url=stub.base_url)
        stub.rate_limit("chat.postMessage", per_second=2)
        for n in range(2):
            await client.chat_postMessage(channel="C1", text=f"m{n}")
        clock.now += 0.25
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C1", text="too many")
        other_method = await client.auth_test()
        clock.now += 0.75
        after_window = await client.chat_postMessage(channel="C1", text="next window")

        assert raised.value.response.status_code == 429
        assert raised.value.response["error"] == "ratelimited"
        assert raised.value.response.headers["Retry-After"] == "1"
        assert other_method["ok"] is True and after_window["ok"] is True
        assert [m["text"] for m in stub.messages()] == ["m0", "m1", "next window"]
        assert [call.status for call in stub.calls("chat.postMessage")] == [200, 200, 429, 200]
        assert len(stub.performed("chat.postMessage")) == 3


async def test_a_rate_limit_for_all_methods_counts_them_together() -> None:
    clock = _FakeMonotonic()
    async with SlackApiStub(monotonic=clock) as stub:
        client = AsyncWebClient(token=TOKEN, base_url=stub.base_url)
        stub.rate_limit(None, per_second=2)
        await client.auth_test()
        await client.users_info(user="U1")
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C1", text="third call")
        stub.clear_faults()
        lifted = await client.chat_postMessage(channel="C1", text="no limit")

        assert raised.value.response.status_code == 429
        assert lifted["ok"] is True
        assert [m["text"] for m in stub.messages()] == ["no limit"]


async def test_fail_every_fails_each_nth_matching_call_without_effect(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    stub.fail_every(3, retry_after=7, methods={"chat.postMessage"})

    outcomes: list[int] = []
    for n in range(6):
        await client.auth_test()  # other methods neither fail nor count
        try:
            await client.chat_postMessage(channel="C1", text=f"m{n}")
            outcomes.append(200)
        except SlackApiError as error:
            outcomes.append(error.response.status_code)
            assert error.response.headers["Retry-After"] == "7"

    assert outcomes == [200, 200, 429, 200, 200, 429]
    assert [m["text"] for m in stub.messages()] == ["m0", "m1", "m3", "m4"]
    assert all(call.status == 200 for call in stub.calls("auth.test"))


async def test_fail_every_with_a_server_error_answers_like_a_failing_slack(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    stub.fail_every(1, status=500)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="hi")

    assert raised.value.response.status_code == 500
    assert raised.value.response["error"] == "fatal_error"
    assert stub.messages() == [] and stub.performed() == []
    with pytest.raises(ValueError, match="429 or 5xx"):
        stub.fail_every(2, status=404)


async def test_while_down_every_call_fails_and_nothing_happens(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    stub.down()
    failures = []
    for call in (client.auth_test(), client.chat_postMessage(channel="C1", text="hi")):
        with pytest.raises(SlackApiError) as raised:
            await call
        failures.append((raised.value.response.status_code, raised.value.response["error"]))
    stub.up()
    posted = await client.chat_postMessage(channel="C1", text="back")

    assert failures == [(503, "service_unavailable")] * 2
    assert posted["ok"] is True
    assert [m["text"] for m in stub.messages()] == ["back"]
    assert [call.method for call in stub.performed()] == ["chat.postMessage"]


def _home(text: str = "Your open loops") -> dict[str, Any]:
    return {"type": "home", "blocks": [_section("summary", text)]}


async def test_views_publish_keeps_each_users_latest_home_tab(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    first = await client.views_publish(user_id="U1", view=_home("first"))
    second = await client.views_publish(user_id="U1", view=_home("second"), hash=first["view"]["hash"])
    with pytest.raises(SlackApiError) as stale:
        await client.views_publish(user_id="U1", view=_home("late"), hash=first["view"]["hash"])

    home = stub.home_view("U1")
    assert home["blocks"] == [_section("summary", "second")]
    assert home["id"] == first["view"]["id"] == second["view"]["id"]
    assert stale.value.response["error"] == "hash_conflict"
    with pytest.raises(AssertionError, match="published for: U1"):
        stub.home_view("U2")


async def test_views_publish_refuses_a_modal_like_slack(stub: SlackApiStub, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await client.views_publish(user_id="U1", view=_modal())

    assert raised.value.response["error"] == "invalid_arguments"
    assert stub.last("views.publish").invalid_blocks == ["must be one of: home [json-pointer:/view/type]"]


async def test_users_lookup_by_email_finds_users_set_up_by_name(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    stub.set_user("U1", name="mei", tz="Asia/Tokyo")

    found = await client.users_lookupByEmail(email="mei@example.com")
    with pytest.raises(SlackApiError) as raised:
        await client.users_lookupByEmail(email="nobody@example.com")

    assert (found["user"]["id"], found["user"]["tz"]) == ("U1", "Asia/Tokyo")
    assert found["user"]["profile"]["email"] == "mei@example.com"
    assert raised.value.response["error"] == "users_not_found"


async def test_users_list_pages_over_the_users_set_up(stub: SlackApiStub, client: AsyncWebClient) -> None:
    for n in range(3):
        stub.set_user(f"U{n}", name=f"rep{n}", real_name=f"Rep {n}")

    pages = [[m["id"] for m in page["members"]] async for page in await client.users_list(limit=2)]
    member = (await client.users_list())["members"][2]

    assert pages == [[BOT_USER_ID, "U0"], ["U1", "U2"]]  # Slack lists the app's own bot user too
    assert (member["name"], member["profile"]["display_name"], member["real_name"]) == (
        "rep1",
        "rep1",
        "Rep 1",
    )
    assert member["profile"]["email"] == "rep1@example.com" and "locale" not in member
    with pytest.raises(SlackApiError) as raised:
        await client.users_list(cursor="not-a-cursor")
    assert raised.value.response["error"] == "invalid_cursor"


async def test_conversations_list_pages_over_registered_channels_of_the_asked_types(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    for n in range(3):
        stub.set_channel(f"C{n}", f"sales-{n}")
    stub.set_channel("C9", "deals-private", is_private=True)

    first = await client.conversations_list(limit=2, exclude_archived=True)
    public_pages = [[c["name"] for c in page["channels"]] async for page in first]
    every_type = await client.conversations_list(types="public_channel,private_channel")
    info = await client.conversations_info(channel="C9")

    assert public_pages == [["sales-0", "sales-1"], ["sales-2"]]
    assert [c["id"] for c in every_type["channels"]] == ["C0", "C1", "C2", "C9"]
    private = every_type["channels"][3]
    assert (private["is_private"], private["is_channel"], private["is_member"]) == (True, True, True)
    fixture = json.loads((FIXTURES / "method_conversations.list_first_page.json").read_text())
    assert set(private) == set(fixture["channels"][0])
    assert info["channel"]["name"] == "deals-private"
