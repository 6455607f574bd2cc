"""What every listener needs, built once at start-up and handed to the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.people import PeopleDirectory
from config.rules import Rules
from config.settings import Settings
from storage.db import Database


@dataclass(frozen=True)
class Services:
    """Settings, rules, database, clock and the people directory."""

    settings: Settings
    rules: Rules
    db: Database
    clock: Clock
    people: PeopleDirectory
