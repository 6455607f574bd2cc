"""The stand-in takes files the way Slack does for slack-sdk's `files_upload_v2`, over HTTP and in-process.

Three steps: `files.getUploadURLExternal` hands out a file id and an upload URL, the bytes are POSTed
to that URL, and `files.completeUploadExternal` shares the file as a new message of the bot's. The
tests drive the real client, so a stand-in that drifted from what slack-sdk sends would fail here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin.in_process import in_process_web_client
from bot.slack_standin.web_api import SlackStandIn
from tests.support.slack_api import BOT_USER_ID, IDENTITY, UPLOAD_CALL, SlackApiStub
from tests.support.slack_workspace import StubWorkspace

TOKEN = "xoxb-test"
CHANNEL = "CSALES"
PDF = b"%PDF-1.4 a small quote\n%%EOF\n"


@pytest.fixture
async def stub() -> AsyncIterator[SlackApiStub]:
    async with SlackApiStub() as running:
        yield running


@pytest.fixture
def client(stub: SlackApiStub) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=stub.base_url)


async def test_an_upload_is_shared_in_the_thread_as_a_message_of_the_bots(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    stub.set_thread(CHANNEL, "1700000000.000100", [{"user": "UALICE", "text": "the quote, please"}])
    answer = await client.files_upload_v2(
        channel=CHANNEL,
        thread_ts="1700000000.000100",
        filename="Q-2026-0042-v3.pdf",
        title="Quote Q-2026-0042 v3",
        content=PDF,
        initial_comment="Here is the quote.",
    )
    (shared,) = stub.files()
    assert (shared.name, shared.title, shared.content) == ("Q-2026-0042-v3.pdf", "Quote Q-2026-0042 v3", PDF)
    assert (shared.channel, shared.thread_ts) == (CHANNEL, "1700000000.000100")
    assert answer["file"]["id"] == shared.file_id
    assert answer["file"]["shares"]["public"][CHANNEL][0]["ts"] == shared.ts
    thread = await client.conversations_replies(channel=CHANNEL, ts="1700000000.000100")
    reply = thread["messages"][-1]
    assert reply["ts"] == shared.ts and reply["user"] == BOT_USER_ID and reply["text"] == "Here is the quote."
    assert reply["files"] == [
        {
            "id": shared.file_id,
            "name": "Q-2026-0042-v3.pdf",
            "title": "Quote Q-2026-0042 v3",
            "mimetype": "application/pdf",
            "filetype": "pdf",
            "size": len(PDF),
            "mode": "hosted",
        }
    ]
    upload = stub.calls(UPLOAD_CALL)
    assert len(upload) == 1 and upload[0].args["bytes"] == len(PDF) and upload[0].status == 200


async def test_a_file_never_uploaded_or_unknown_is_not_found(client: AsyncWebClient) -> None:
    reserved = await client.files_getUploadURLExternal(filename="a.pdf", length=10)
    for file_id in (reserved["file_id"], "FNOSUCHFILE"):
        with pytest.raises(SlackApiError) as refused:
            await client.files_completeUploadExternal(
                files=[{"id": file_id, "title": "a"}], channel_id=CHANNEL
            )
        assert refused.value.response["error"] == "file_not_found"


async def test_a_file_is_completed_once(stub: SlackApiStub, client: AsyncWebClient) -> None:
    answer = await client.files_upload_v2(channel=CHANNEL, filename="a.pdf", content=PDF)
    with pytest.raises(SlackApiError) as refused:
        await client.files_completeUploadExternal(files=[{"id": answer["file"]["id"]}], channel_id=CHANNEL)
    assert refused.value.response["error"] == "file_not_found"
    assert len(stub.files()) == 1 and len(stub.messages(CHANNEL)) == 1


async def test_an_upload_without_a_name_or_length_is_refused(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.files_getUploadURLExternal(filename="a.pdf", length=0)
    assert refused.value.response["error"] == "invalid_arguments"


async def test_a_file_completed_without_a_channel_stays_private(
    stub: SlackApiStub, client: AsyncWebClient
) -> None:
    answer = await client.files_upload_v2(filename="a.pdf", content=PDF)
    assert answer["file"]["shares"] == {}
    assert stub.files() == [] and stub.messages() == []


async def test_the_in_process_client_uploads_through_the_same_stand_in() -> None:
    """The console's transport: no network, the upload URL routed by its path."""
    standin = SlackStandIn(StubWorkspace(IDENTITY))
    client = in_process_web_client(
        lambda method, args: standin.answer(method, args).payload,
        token=TOKEN,
        base_url="https://console.invalid/api/",
        upload=standin.receive_upload,
    )
    await client.files_upload_v2(
        channel=CHANNEL, thread_ts="1.000001", filename="q.pdf", title="Q", content=PDF
    )
    (shared,) = standin.files.shared()
    assert (shared.name, shared.content, shared.channel, shared.thread_ts) == (
        "q.pdf",
        PDF,
        CHANNEL,
        "1.000001",
    )
    with pytest.raises(SlackApiError) as refused:
        await client.files_completeUploadExternal(files=[{"id": "FNOSUCHFILE"}], channel_id="")
    assert refused.value.response["error"] == "file_not_found"
