"""Interactivity payloads shaped like Slack's: a button click, a select choice, a form submission."""

from __future__ import annotations

import json
from typing import Any

from tests.support.signing import new_trigger_id
from tests.support.slack_api import APP_ID, TEAM_ID


def _envelope(kind: str, user: str) -> dict[str, Any]:
    return {
        "type": kind,
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "team": {"id": TEAM_ID, "domain": "example"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "trigger_id": new_trigger_id(),
        "is_enterprise_install": False,
    }


def block_action(user: str, channel: str, message_ts: str, action: dict[str, Any]) -> dict[str, Any]:
    """A click on an element of a message the bot posted."""
    return _envelope("block_actions", user) | {
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "channel": {"id": channel, "name": "sales"},
        "message": {"type": "message", "ts": message_ts, "user": "UBOT", "bot_id": "BBOT", "text": ""},
        "actions": [action | {"action_ts": "1700000000.000001", "block_id": action.get("block_id", "b1")}],
    }


def home_action(user: str, action: dict[str, Any]) -> dict[str, Any]:
    """A click on an element of the clicker's Home tab: a view container, no channel."""
    view = {"id": "VHOME", "type": "home", "team_id": TEAM_ID, "blocks": [], "state": {"values": {}}}
    return _envelope("block_actions", user) | {
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "actions": [action | {"action_ts": "1700000000.000001", "block_id": action.get("block_id", "b1")}],
    }


def button(action_id: str, value: str) -> dict[str, Any]:
    """The action part of a button click."""
    return {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": "x"},
    }


def select(action_id: str, value: str) -> dict[str, Any]:
    """The action part of a static_select choice."""
    option = {"text": {"type": "plain_text", "text": value}, "value": value}
    return {"type": "static_select", "action_id": action_id, "selected_option": option}


def view_submission(user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Submitting a modal the bot opened, with `values` as {block_id: state of its element}."""
    state = {block_id: {block_id: element} for block_id, element in values.items()}
    submitted = view | {"id": "VSUBMIT", "team_id": TEAM_ID, "state": {"values": state}, "hash": "h"}
    return _envelope("view_submission", user) | {"view": submitted, "response_urls": []}


def text_value(value: str | None) -> dict[str, Any]:
    """The state of a plain_text_input."""
    return {"type": "plain_text_input", "value": value}


def option_value(value: str) -> dict[str, Any]:
    """The state of a static_select."""
    return {
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
    }


def user_value(user: str | None) -> dict[str, Any]:
    """The state of a users_select."""
    return {"type": "users_select", "selected_user": user}


def date_value(value: str | None) -> dict[str, Any]:
    """The state of a datepicker."""
    return {"type": "datepicker", "selected_date": value}


def opened_view(call_args: dict[str, Any]) -> dict[str, Any]:
    """The view a views.open call carried (the stand-in may hand it over as a JSON string)."""
    view = call_args["view"]
    return json.loads(view) if isinstance(view, str) else view
