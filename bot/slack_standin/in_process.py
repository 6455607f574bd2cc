"""A Web API client whose requests never leave the process: each is answered by a stand-in.

Bolt builds a fresh `AsyncWebClient` for every request from the injected client's settings (base URL,
session, headers, retry handlers), so overriding a client method would reach only the app's own
client, never the one handed to listeners. What every copy does share is the HTTP session: this one
never touches the network and hands each request to the stand-in. slack-sdk therefore encodes the
request and raises `SlackApiError` on `ok: false` exactly as it does with Slack.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin.files import UPLOAD_PATH

JsonDict = dict[str, Any]
Answerer = Callable[[str, JsonDict], JsonDict]
"""Slack's reply (JSON) to one Web API method called with decoded arguments."""
Uploader = Callable[[str, bytes], tuple[int, str]]
"""The file server's HTTP status and text reply to the bytes POSTed to an upload URL (by its path)."""

# slack-sdk form-encodes some methods; these arguments then arrive as JSON text.
_JSON_FORM_FIELDS = frozenset({"blocks", "view", "attachments", "metadata", "files"})


def decode_arguments(args: Mapping[str, Any]) -> JsonDict:
    """A call's arguments as Slack's servers read them, whichever encoding slack-sdk picked."""
    return {key: _decode_form_json(key, value) for key, value in args.items()}


def _decode_form_json(key: str, value: Any) -> Any:
    if key not in _JSON_FORM_FIELDS or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:  # Slack then refuses the argument itself, as the Block Kit check will
        return value


class _InProcessResponse:
    """The part of aiohttp's response slack-sdk reads: status, content type, headers, JSON or text body."""

    def __init__(self, payload: JsonDict | str, status: int = 200):
        self._payload = payload
        self.status = status
        self.content_type = "text/plain" if isinstance(payload, str) else "application/json"
        self.headers: dict[str, str] = {"content-type": self.content_type}

    async def json(self) -> Any:
        return self._payload

    async def text(self) -> str:
        return self._payload if isinstance(self._payload, str) else json.dumps(self._payload)

    async def __aenter__(self) -> _InProcessResponse:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class InProcessSession:
    """Stands where slack-sdk expects an aiohttp session; each request is answered by `answer`, and the
    bytes of a file (POSTed to an upload URL, under `UPLOAD_PATH`) are taken by `upload`."""

    closed = False

    def __init__(self, answer: Answerer, upload: Uploader | None = None):
        self._answer = answer
        self._upload = upload

    def request(self, method: str, url: str, **request: Any) -> _InProcessResponse:
        """Decode the call as Slack's servers would, and answer it."""
        path = urlsplit(url).path
        if path.startswith(UPLOAD_PATH):
            if self._upload is None or not isinstance(request.get("data"), bytes):
                return _InProcessResponse("Not Found", status=404)
            status, body = self._upload(path, request["data"])
            return _InProcessResponse(body, status=status)
        api_method = path.rsplit("/", 1)[-1]
        args: JsonDict = {}
        for part in ("params", "data", "json"):
            if isinstance(request.get(part), dict):
                args.update(request[part])
        return _InProcessResponse(self._answer(api_method, decode_arguments(args)))


def in_process_web_client(
    answer: Answerer, *, token: str, base_url: str, upload: Uploader | None = None
) -> AsyncWebClient:
    """A Web API client (and, through Bolt, every per-request copy of it) answered by `answer`."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        # slack-sdk only calls `request` and reads `closed`, which the in-process session provides
        session=cast(aiohttp.ClientSession, InProcessSession(answer, upload)),
        retry_handlers=[],
    )
