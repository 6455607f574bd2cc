"""What every listener needs, built once at start-up and handed to the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.people import PeopleDirectory
from config.rules import Rules
from config.settings import Settings
from storage.db import Database
from usecases.activities import ActivityDesk
from usecases.contracts import ContractDesk
from usecases.deals import DealDesk
from usecases.digests import DigestDesk
from usecases.dunning import DunningDesk
from usecases.handover import HandoverDesk
from usecases.leads import LeadDesk
from usecases.payments import PaymentDesk
from usecases.quotes import QuoteDesk
from usecases.tasks import TaskDesk


@dataclass(frozen=True)
class Services:
    """Settings, rules, database, clock, the people directory, the use cases and the Web API client."""

    settings: Settings
    rules: Rules
    db: Database
    clock: Clock
    people: PeopleDirectory
    leads: LeadDesk
    activities: ActivityDesk
    tasks: TaskDesk
    digests: DigestDesk
    deals: DealDesk
    quotes: QuoteDesk
    contracts: ContractDesk
    payments: PaymentDesk
    dunning: DunningDesk
    handovers: HandoverDesk
    slack: AsyncWebClient  # for work no Slack request started: scheduled jobs, webhook follow-ups
