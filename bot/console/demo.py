"""The demo team, generated in code: people, channels, its lead rules, customers and a first conversation.

It is seeded through the bot's own paths (the channel link is a real `/closeloop link-channel`, the
conversation real message events), so the demo database looks like a week of real use, not a fixture.
Its `[leads]` rules (roster, pools, managers) are built here too, from the same people and channels,
so `--demo` needs no rules file; a `CLOSELOOP_RULES` file, when set, is used instead.
"""

from __future__ import annotations

import contextlib
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.console.session import ConsoleSession
from bot.console.workspace import Channel, Member, Workspace, stable_id
from config.rules import Rules, default_rules_text
from domain.quotes import PaymentTerms, QuoteContent, Remainder, parse_lines
from storage import customers
from storage.db import Database
from usecases.contracts import ContractError, Signing
from usecases.deals import DealForm
from usecases.quotes import QuoteError

DEMO_TEAM_ID = "T0DEMO"
DEMO_TEAM_NAME = "closeloop-demo"
FIRST_CHANNEL = "sales-leads"
EAST_CHANNEL = "sales-east"
DIGEST_CHANNEL = "sales-digest"  # the whole team's daily digest and Monday report
DEALS_CHANNEL = "sales-deals"  # deal cards; a deal's thread holds its records, quotes and PDFs
CHANNELS = ("sales-leads", "sales-east", DIGEST_CHANNEL, "acme-deal", DEALS_CHANNEL)


def _person(handle: str, display_name: str, real_name: str, locale: str, title: str) -> Member:
    return Member(stable_id("U", handle), handle, display_name, real_name, locale, "Asia/Shanghai", title)


PEOPLE: tuple[Member, ...] = (
    _person("alice", "alice", "Alice Zhou", "en-US", "Sales rep, East"),
    _person("wang", "王芳", "王芳", "zh-CN", "销售代表 · 华东"),
    _person("chen", "陈明", "陈明", "zh-CN", "新销售 · 华南"),
    _person("bob", "bob", "Bob Lin", "en-US", "Sales rep, South"),
    _person("li", "李强", "李强", "zh-CN", "销售经理"),
    _person("kate", "kate", "Kate Huang", "en-US", "Sales manager, East"),
    _person("finance", "finance", "Grace Wu", "en-US", "Finance approver"),
    _person("legal", "legal", "Henry Xu", "en-US", "Legal counsel"),
)


@dataclass(frozen=True)
class DemoRep:
    """A rep on the demo roster: where they sell, their rotation weight, when they joined, their manager."""

    handle: str
    regions: tuple[str, ...]
    joined: date
    weight: float = 1.0
    manager: str | None = None  # whom escalations about their late work reach first


# Regions are written both ways because the lead form takes them as typed.
EAST, SOUTH = ("East", "华东"), ("South", "华南")
ROSTER: tuple[DemoRep, ...] = (
    DemoRep("alice", EAST, date(2022, 3, 1), manager="kate"),
    DemoRep("wang", EAST, date(2023, 6, 12), weight=1.2, manager="kate"),
    DemoRep("bob", SOUTH, date(2021, 9, 1), manager="li"),
    DemoRep("chen", SOUTH, date(2026, 10, 8), manager="li"),  # new: guaranteed a share of S/A leads
)
MANAGERS = ("li", "kate")
DIRECTORS = ("li",)  # the last rung of an escalation ladder


def demo_lead_rules() -> dict[str, Any]:
    """The demo's `[leads]` table: East leads assigned in #sales-east, the rest offered in #sales-leads."""
    user = {member.handle: member.user_id for member in PEOPLE}
    east = [rep.handle for rep in ROSTER if rep.regions == EAST]
    return {
        "default_pool": "everyone",
        "managers": [user[handle] for handle in MANAGERS],
        "directors": [user[handle] for handle in DIRECTORS],
        "pools": [
            {
                "id": "east",
                "channel": stable_id("C", EAST_CHANNEL),
                "regions": list(EAST),
                "mode": "assign",
                "members": [user[handle] for handle in east],
                "fallback_owner": user["kate"],
            },
            {"id": "everyone", "channel": stable_id("C", FIRST_CHANNEL), "mode": "offer"},
        ],
        "reps": [
            {
                "user_id": user[rep.handle],
                "name": next(m.real_name for m in PEOPLE if m.handle == rep.handle),
                "regions": list(rep.regions),
                "joined": rep.joined,
                "weight": rep.weight,
            }
            | ({"manager": user[rep.manager]} if rep.manager else {})
            for rep in ROSTER
        ],
    }


def demo_rules() -> Rules:
    """The packaged default rules with the demo team's `[leads]` section; the team digest goes to
    #sales-digest, deal cards to #sales-deals, and quotes to Grace (finance) and Henry (legal)."""
    rules = tomllib.loads(default_rules_text())
    user = {member.handle: member.user_id for member in PEOPLE}
    daily = rules.get("daily", {}) | {"digest_channels": [stable_id("C", DIGEST_CHANNEL)]}
    deals = rules.get("deals", {}) | {"channel": stable_id("C", DEALS_CHANNEL)}
    approvals = rules.get("approvals", {}) | {
        "groups": {"finance": [user["finance"]], "legal": [user["legal"]]}
    }
    return Rules.model_validate(
        rules
        | {
            "leads": rules.get("leads", {}) | demo_lead_rules(),
            "daily": daily,
            "deals": deals,
            "approvals": approvals,
        }
    )


@dataclass(frozen=True)
class DemoCustomer:
    """A customer of the demo team and the region it belongs to."""

    name: str
    region: str  # a catalogue key suffix: console.region.<region>


CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer("ACME Corp", "east"),
    DemoCustomer("华东机械", "east"),
    DemoCustomer("南方电子", "south"),
    DemoCustomer("Globex", "south"),
)
LINKED = ("li", "acme-deal", "ACME Corp")  # who links which channel to which customer


@dataclass(frozen=True)
class DemoMessage:
    """A message of the back-story: who said what where, how long ago, and in which thread."""

    author: str
    channel: str
    text: str
    minutes_ago: int
    reply_to: int | None = None  # index of the thread's first message in MESSAGES


MESSAGES: tuple[DemoMessage, ...] = (
    DemoMessage("alice", "sales-leads", "Called ACME Corp today about the pump order", 120),
    DemoMessage("bob", "sales-leads", "Did they say anything about price?", 110, reply_to=0),
    DemoMessage(
        "alice",
        "sales-leads",
        "They said the price is too high; a competitor quoted 10% less",
        100,
        reply_to=0,
    ),
    DemoMessage("wang", "sales-leads", "华东机械 的刘总想看演示，下周安排一下？", 60),
    DemoMessage("chen", "sales-leads", "我可以准备演示环境", 50, reply_to=3),
    DemoMessage("bob", "acme-deal", "ACME procurement asked for the test report", 30),
)


def add_demo_team(workspace: Workspace) -> None:
    """Put the demo people and channels in the console's workspace (every session, seeded or not)."""
    for member in PEOPLE:
        workspace.add_member(member)
    for name in CHANNELS:
        workspace.add_channel(name)


async def has_demo_data(database: Database) -> bool:
    """Whether an earlier `--demo` already seeded this database (seeding twice would duplicate)."""
    async with database.sessions() as session:
        return bool(await customers.list_names(session, DEMO_TEAM_ID, limit=1))


async def seed_demo(session: ConsoleSession) -> None:
    """Customers, the linked deal channel, the back-story told through the bot as in Slack, and a deal
    whose quote waits for Kate's approval (then Grace's: its discount is over 10 %)."""
    workspace = session.workspace
    now = session.clock.now()
    async with session.bot.services.db.sessions.begin() as db_session:
        for customer in CUSTOMERS:
            await customers.find_or_create(db_session, DEMO_TEAM_ID, customer.name, now)
    linker, channel, customer_name = LINKED
    await session.command(
        _member(workspace, linker), _channel(workspace, channel), f"link-channel {customer_name}"
    )
    posted = []
    for message in MESSAGES:
        root = posted[message.reply_to] if message.reply_to is not None else None
        posted.append(
            await session.post(
                _member(workspace, message.author),
                _channel(workspace, message.channel),
                message.text,
                thread_ts=root.ts if root else None,
                at=now - timedelta(minutes=message.minutes_ago),
            )
        )
    await _seed_deal(session, now)


async def _seed_deal(session: ConsoleSession, now: datetime) -> None:
    """Alice's ACME deal with a quote in approval, opened through the deal and quote desks."""
    services = session.bot.services
    alice = _member(session.workspace, "alice").user_id
    deal = await services.deals.open(
        DEMO_TEAM_ID,
        alice,
        DealForm(
            customer="ACME Corp",
            title="Pump line upgrade",
            value=Decimal(350000),
            currency="CNY",
            stage="quote",
            expected_close=now.date() + timedelta(days=45),
        ),
        now,
    )
    lines, _ = parse_lines("Pump A × 20 @ 15,000\nInstallation × 1 @ 20,000")
    content = QuoteContent(
        currency="CNY",
        lines=lines,
        discount_pct=Decimal(12),
        terms=PaymentTerms(Decimal(30), Remainder.ON_DELIVERY),
        valid_until=now.date() + timedelta(days=30),
    )
    with contextlib.suppress(QuoteError):  # a rules file of one's own may name nobody to approve it
        await services.quotes.submit(DEMO_TEAM_ID, alice, content, now, deal_id=deal.id)
    with contextlib.suppress(QuoteError, ContractError):  # a rules file of one's own may differ
        await _seed_contract(session, now)
    await session.bot.settle()
    session.slack.take_notices()  # seeded before the session starts: the channels show it when visited


async def _seed_contract(session: ConsoleSession, now: datetime) -> None:
    """Wang's 华东机械 deal: its quote approved by Kate and signed 10 days ago, 30 % on signing (now
    overdue: orange) and the rest net 30. The customer has no tax ID or bank account on file, so the
    invoice waits and Grace (finance) is asked for them."""
    services = session.bot.services
    wang = _member(session.workspace, "wang").user_id
    kate = _member(session.workspace, "kate").user_id
    signed_on = now - timedelta(days=10)
    deal = await services.deals.open(
        DEMO_TEAM_ID,
        wang,
        DealForm(
            customer="华东机械",
            title="数控机床 2 台",
            value=Decimal(80000),
            currency="CNY",
            stage="final_review",
        ),
        signed_on,
    )
    content = QuoteContent(currency="CNY", lump_sum=Decimal(80000), terms=PaymentTerms(Decimal(30)))
    submitted = await services.quotes.submit(DEMO_TEAM_ID, wang, content, signed_on, deal_id=deal.id)
    for request in await services.quotes.pending_requests(submitted.version.id):
        await services.quotes.decide(request, kate, "approve", "", signed_on)
    await services.contracts.sign(DEMO_TEAM_ID, Signing(submitted.quote.number), wang, signed_on)
    await services.dunning.sweep(now)


def _member(workspace: Workspace, handle: str) -> Member:
    member = workspace.member_named(handle)
    if member is None:
        raise LookupError(f"the demo names {handle!r}, who is not in the demo team")
    return member


def _channel(workspace: Workspace, name: str) -> Channel:
    channel = workspace.channel_named(name)
    if channel is None:
        raise LookupError(f"the demo names #{name}, which is not a demo channel")
    return channel
