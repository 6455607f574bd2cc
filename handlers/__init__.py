"""Slack listeners: each module translates Slack's shapes, calls a use case, and answers the person.

Events API deliveries do not come through Bolt's listeners: the inbox stores them before the ack and
hands them to `handlers.events` afterwards.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.services import Services
from handlers import (
    activity_actions,
    activity_log,
    commands,
    contracts,
    deals,
    handover,
    home,
    leads,
    payments,
    quotes,
    todo,
)

# Modules that only add `/closeloop` subcommands to the table; importing them is their registration.
from handlers import digest, roster  # noqa: F401  # isort: skip


def register_all(app: AsyncApp, services: Services) -> None:
    """Attach every listener to the app."""
    for module in (
        commands,
        activity_log,
        activity_actions,
        leads,
        todo,
        home,
        deals,
        quotes,
        contracts,
        payments,
        handover,
    ):
        module.register(app, services)
