"""Check that the Slack Web API stand-in answers a real AsyncWebClient the way Slack would.

Every scenario test trusts this stub; if it accepted what Slack refuses or replied in shapes
Slack never uses, those tests would pass against a Slack that does not exist.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
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
