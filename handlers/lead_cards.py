"""Show leads in Slack: the card in the pool's channel, a DM to the new owner, a word to managers."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.leads.desk import Placement
from bot.render.lead_card import LeadCard, reasons_text, render_lead_card
from bot.services import Services
from domain.leads import Reason
from domain.routing import explain, skipped_by_reason
from storage import leads as store
from storage.models import LeadRecord

log = logging.getLogger(__name__)


async def announce(services: Services, client: AsyncWebClient, placement: Placement, team_id: str) -> None:
    """After a lead was routed: refresh its card, tell the owner, and the managers if nobody could take it."""
    lead, decision = placement.lead, placement.decision
    await show_lead(services, client, lead)
    if decision is None:
        return
    now = services.clock.now()
    if decision.owner:
        owner = await services.people.lookup(client, team_id, decision.owner, now)
        await _dm(
            client, decision.owner, t(owner.lang, "lead.dm_owner", company=lead.company, grade=lead.grade)
        )
    if decision.notify_manager:
        for manager_id in services.rules.leads.managers:
            manager = await services.people.lookup(client, team_id, manager_id, now)
            why = reasons_text(explain(decision), manager.lang)
            lines = [
                t(
                    manager.lang,
                    "lead.dm_manager",
                    id=lead.id,
                    company=lead.company,
                    grade=lead.grade,
                    why=why,
                )
            ]
            lines += [
                t(manager.lang, f"lead.skipped.{code}", users=", ".join(f"<@{user}>" for user in users))
                for code, users in skipped_by_reason(decision).items()
            ]
            await _dm(client, manager_id, "\n".join(lines))


async def show_lead(services: Services, client: AsyncWebClient, lead: LeadRecord) -> None:
    """Post the lead's card in its pool's channel, or update the one already there."""
    async with services.db.sessions() as session:
        trail = await store.decisions(session, lead.id)
    routed = [d for d in trail if d.kind == "routed"]
    why = [store.reason_from_json(r) for r in routed[-1].reasons] if routed else []
    card = LeadCard(
        lead_id=lead.id,
        company=lead.company,
        contact=lead.contact,
        region=lead.region,
        industry=lead.industry,
        source=lead.source,
        budget_min=lead.budget_min,
        budget_max=lead.budget_max,
        grade=lead.grade,
        score=lead.score,
        fired=[(f["label"], f["points"]) for f in lead.fired_rules],
        status=lead.status,
        owner_id=lead.owner_id,
        why=why or [Reason("pool", {"pool": lead.pool_id})],
        released_from=lead.released_from,
    )
    text, blocks = render_lead_card(card, services.settings.closeloop_lang)
    if lead.card_channel and lead.card_ts:
        await client.chat_update(channel=lead.card_channel, ts=lead.card_ts, text=text, blocks=blocks)
        return
    channel = _pool_channel(services, lead.pool_id)
    if channel is None:
        return
    try:
        posted = await client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except SlackApiError as error:
        log.warning("lead card for %s not posted in %s: %s", lead.id, channel, error.response.get("error"))
        return
    async with services.db.sessions.begin() as session:
        stored = await store.get(session, lead.id)
        if stored is not None:
            stored.card_channel, stored.card_ts = posted["channel"], posted["ts"]
    lead.card_channel, lead.card_ts = posted["channel"], posted["ts"]


def _pool_channel(services: Services, pool_id: str) -> str | None:
    table = services.rules.leads.routing_table
    pool = next((p for p in (*table.pools, table.default_pool) if p.id == pool_id), None)
    return pool.channel_id if pool else None


async def _dm(client: AsyncWebClient, user_id: str, text: str) -> None:
    try:
        channel = await client.conversations_open(users=user_id)
        await client.chat_postMessage(channel=channel["channel"]["id"], text=text)
    except SlackApiError as error:
        log.warning("could not DM %s: %s", user_id, error.response.get("error"))
