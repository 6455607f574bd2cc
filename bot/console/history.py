"""Pick up where the last console session stopped: its people, its messages, and the ts values taken.

The thread store, the outbox and the people cache are the bot's own tables; reading them back gives a
second session the same threads (so `/thread 1` still works) and the bot's cards where they were,
without the console keeping any file of its own. A card's content is not stored (the outbox renders
it when it sends), so it is rendered again the same way, showing the newest state as Slack would.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from sqlalchemy import func, select

from bot.app import Bot
from bot.console.client import with_block_ids
from bot.console.workspace import Member, Message, Workspace
from bot.render.outgoing import MESSAGE_KINDS, RenderContext
from storage.db import Database
from storage.models import Activity, OutboxMessage, SlackMessage, SlackUser
from storage.outbox import ClaimedMessage

log = logging.getLogger(__name__)


def render_context(bot: Bot) -> RenderContext:
    """What the outbox's renderers may read, taken from the bot the console runs."""
    services = bot.services
    return RenderContext(
        db=services.db,
        people=services.people,
        client=services.slack,
        rules=services.rules,
        settings=services.settings,
        now=services.clock.now,
    )


async def restore_members(database: Database, workspace: Workspace, tz: str) -> None:
    """Everyone the bot has looked up in this team before, as people the console knows."""
    async with database.sessions() as session:
        rows = await session.scalars(
            select(SlackUser).where(SlackUser.team_id == workspace.team_id, SlackUser.is_bot.is_(False))
        )
        for row in rows:
            name = row.name or row.user_id
            workspace.add_member(Member(row.user_id, name, name, name, row.locale, row.tz or tz))


async def restore_messages(bot: Bot, workspace: Workspace, channel_ids: Collection[str]) -> None:
    """The messages kept for these channels (people's from the thread store, the bot's from the outbox,
    and the bot's DMs to people the console knows), numbered in posting order."""
    database = bot.services.db
    async with database.sessions() as session:
        said = await session.scalars(
            select(SlackMessage)
            .where(
                SlackMessage.team_id == workspace.team_id,
                SlackMessage.channel_id.in_(channel_ids),
                SlackMessage.user_id.is_not(None),
            )
            .order_by(SlackMessage.posted_at, SlackMessage.ts)
        )
        messages = [
            Message(
                row.channel_id,
                row.ts,
                row.text,
                row.user_id,
                row.thread_ts if row.thread_ts != row.ts else None,
            )
            for row in said
            if workspace.find(row.channel_id, row.ts) is None
        ]
        sent = list(
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.team_id == workspace.team_id,
                    OutboxMessage.message_ts.is_not(None),
                    OutboxMessage.sent_version > 0,
                )
            )
        )
        taken = [
            await session.scalar(
                select(func.max(SlackMessage.ts)).where(SlackMessage.team_id == workspace.team_id)
            ),
            await session.scalar(
                select(func.max(Activity.card_ts)).where(Activity.team_id == workspace.team_id)
            ),
            await session.scalar(
                select(func.max(OutboxMessage.message_ts)).where(OutboxMessage.team_id == workspace.team_id)
            ),
        ]
    context = render_context(bot)
    for row in sent:
        kind = MESSAGE_KINDS.get(row.kind)
        channel_id, ts = row.message_channel or "", row.message_ts or ""
        if kind is None or kind.ephemeral or workspace.find(channel_id, ts) is not None:
            continue
        if channel_id not in channel_ids and not _dm_of_known_person(workspace, row.channel, channel_id):
            continue
        shown = await _render_again(context, row)
        if shown is not None:
            text, blocks = shown
            messages.append(Message(channel_id, ts, text, None, row.thread_ts, with_block_ids(blocks)))
    for message in sorted(messages, key=lambda m: _ts_order(m.ts)):
        workspace.add_message(message)
    for ts in taken:
        if ts:
            workspace.keep_ts_after(ts)


async def _render_again(context: RenderContext, row: OutboxMessage) -> tuple[str, list[dict]] | None:
    """What the outbox row shows now; None (and a warning) when it can no longer be rendered."""
    claimed = ClaimedMessage.of(row, lease_token="")
    try:
        rendered = await MESSAGE_KINDS[row.kind].render(context, claimed)
    except Exception as error:  # a renderer may fail on data an older version wrote; show the rest
        log.warning("could not show message %s again: %s", row.dedupe_key, error)
        return None
    return rendered.text, list(rendered.blocks or [])


def _dm_of_known_person(workspace: Workspace, addressee: str, channel_id: str) -> bool:
    """Whether the bot posted to a person the console knows and it landed in their DM."""
    return addressee in workspace.members and workspace.dm_with(addressee).channel_id == channel_id


def _ts_order(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros or 0)
