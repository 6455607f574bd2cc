"""What every listener needs, built once at start-up and handed to the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.leads.desk import LeadDesk
from bot.people import PeopleDirectory
from config.rules import Rules
from config.settings import Settings
from storage.db import Database


@dataclass(frozen=True)
class Services:
    """Settings, rules, database, clock, the people directory, the lead desk and the Web API client."""

    settings: Settings
    rules: Rules
    db: Database
    clock: Clock
    people: PeopleDirectory
    leads: LeadDesk
    slack: AsyncWebClient  # for work no Slack request started: scheduled jobs, webhook follow-ups
