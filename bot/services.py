"""What every listener needs, built once at start-up and handed to the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.leads.desk import LeadDesk
from bot.people import PeopleDirectory
from config.rules import Rules
from config.settings import Settings
from storage.db import Database


@dataclass(frozen=True)
class Services:
    """Settings, rules, database, clock, the people directory and the lead desk."""

    settings: Settings
    rules: Rules
    db: Database
    clock: Clock
    people: PeopleDirectory
    leads: LeadDesk
