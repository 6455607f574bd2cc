"""Build inbound Slack requests (events, slash commands, interactions) signed exactly as Slack signs them.

Bolt refuses requests without a valid v0 signature, so scenario tests need bodies shaped like the
ones Slack sends and headers that pass ``slack_sdk.signature.SignatureVerifier``. The body shapes
come from real Slack payloads kept in ``tests/fixtures/slack``.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from slack_sdk.signature import SignatureVerifier

from tests.support.slack_api import APP_ID, BOT_USER_ID, TEAM_ID

JSON_CONTENT_TYPE = "application/json"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "slack"


def signed_headers(
    secret: str,
    body: str,
    *,
    timestamp: int | None = None,
    content_type: str = JSON_CONTENT_TYPE,
) -> dict[str, str]:
    """Headers Slack attaches to a request; pass an old ``timestamp`` to test replay protection."""
    sent_at = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=sent_at, body=body)
    return {
        "X-Slack-Request-Timestamp": sent_at,
        "X-Slack-Signature": signature,
        "Content-Type": content_type,
    }


def event_body(
    event: dict[str, Any],
    *,
    event_id: str,
    team_id: str = TEAM_ID,
    api_app_id: str = APP_ID,
    event_time: int | None = None,
) -> str:
    """Wrap an event in the ``event_callback`` envelope of the Events API, authorised for the bot."""
    envelope = json.loads((_FIXTURES / "payload_message.json").read_text())
    authorization = {**envelope["authorizations"][0], "team_id": team_id, "user_id": BOT_USER_ID}
    envelope.update(
        team_id=team_id,
        api_app_id=api_app_id,
        event=event,
        event_id=event_id,
        event_time=int(time.time()) if event_time is None else event_time,
        authorizations=[authorization],
    )
    # Slack only sends event_context for events that happen in a conversation.
    if "channel" in event:
        envelope["event_context"] = f"1-{event['type']}-{team_id}-{event['channel']}"
    else:
        del envelope["event_context"]
    return _compact_json(envelope)


def command_body(
    command: str = "/closeloop",
    text: str = "",
    *,
    user_id: str,
    channel_id: str,
    team_id: str = TEAM_ID,
    trigger_id: str | None = None,
    api_app_id: str = APP_ID,
    response_url: str | None = None,
) -> str:
    """Form body of a slash command; ``response_url`` lets a test point replies at a local server."""
    fields = dict(
        parse_qsl(
            (_FIXTURES / "payload_slash_command.urlencoded").read_text().strip(), keep_blank_values=True
        )
    )
    fields.update(
        team_id=team_id,
        team_domain="example",
        channel_id=channel_id,
        user_id=user_id,
        command=command,
        text=text,
        api_app_id=api_app_id,
        trigger_id=trigger_id or new_trigger_id(),
        response_url=response_url or f"https://hooks.slack.com/commands/{team_id}/1/{secrets.token_hex(12)}",
    )
    return urlencode(fields)


def interaction_body(payload: dict[str, Any]) -> str:
    """Form body of a block action, view submission or shortcut: the JSON payload in one field."""
    return urlencode({"payload": _compact_json(payload)})


def new_trigger_id() -> str:
    """A fresh trigger_id in Slack's ``<number>.<number>.<hex>`` form, for views.open after an action."""
    return f"{time.time_ns() // 1000}.{secrets.randbelow(10**13)}.{secrets.token_hex(16)}"


def _compact_json(value: dict[str, Any]) -> str:
    """Slack sends JSON without spaces and with escaped slashes; matching it keeps bodies realistic."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/")
