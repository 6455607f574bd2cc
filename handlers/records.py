"""Show an activity record as its card: posted the first time, updated in place after that."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.people import Person
from bot.render.activity_card import ActivityCard, render_card
from bot.services import Services
from storage import activities, customers
from storage.models import Activity

_NOT_A_MEMBER = {"not_in_channel", "channel_not_found", "is_archived"}


async def show_record(
    services: Services,
    client: AsyncWebClient,
    activity: Activity,
    reader: Person,
    *,
    thread_ts: str | None = None,
    unreadable_due: str | None = None,
    history_partial: bool = False,
) -> None:
    """Post the record's card (in `thread_ts` when given) or update the one already posted.

    Updating rather than re-posting is what keeps a redelivered event from showing a second card.
    """
    async with services.db.sessions() as session:
        customer = await customers.get(session, activity.customer_id) if activity.customer_id else None
        choices = (
            []
            if customer
            else [(c.id, c.name) for c in await customers.list_names(session, activity.team_id)]
        )
    card = ActivityCard(
        activity_id=activity.id,
        author_id=activity.author_id,
        customer_name=customer.name if customer else None,
        activity_type=activity.activity_type,
        summary=activity.summary,
        signal_labels=[services.rules.signal_label(s, reader.lang) for s in activity.signals],
        next_action=activity.next_action,
        due_at=activity.due_at,
        blocker=activity.blocker,
        unreadable_due=unreadable_due,
        history_partial=history_partial,
        customer_choices=choices,
    )
    text, blocks = render_card(card, reader.lang, reader.tz)
    if activity.card_ts and activity.card_channel:
        await client.chat_update(channel=activity.card_channel, ts=activity.card_ts, text=text, blocks=blocks)
        return
    try:
        posted = await client.chat_postMessage(
            channel=activity.channel_id, thread_ts=thread_ts, text=text, blocks=blocks
        )
    except SlackApiError as error:
        if error.response.get("error") not in _NOT_A_MEMBER:
            raise
        # `/closeloop log` works in any channel, but the bot can only post where it was invited: use a DM.
        dm = await client.conversations_open(users=reader.user_id)
        posted = await client.chat_postMessage(channel=dm["channel"]["id"], text=text, blocks=blocks)
    async with services.db.sessions.begin() as session:
        stored = await activities.get(session, activity.id)
        if stored is not None:
            await activities.set_card(session, stored, posted["channel"], posted["ts"])
    activity.card_channel, activity.card_ts = posted["channel"], posted["ts"]
