"""The contract owner's DM when money arrives: who paid how much on which contract, and what is owed.

Rendered at send time like every outbox kind (`payment_note`, payload `payment_id` and `reader`).
`bot.render.outgoing` lists this renderer, so its `Rendered` is imported when a note is rendered,
not when either module loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import t
from bot.render.payment_forms import note_text
from storage.outbox import ClaimedMessage
from usecases.payment_views import payment_note

if TYPE_CHECKING:
    from bot.render.outgoing import RenderContext, Rendered


async def render_payment_note(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """The DM in the owner's language; a payment since removed says so rather than failing the send."""
    from bot.render.outgoing import Rendered

    payload = message.payload
    reader = await context.people.lookup(
        context.client, message.team_id, payload["reader"], context.now(), strict=True
    )
    note = await payment_note(context.db, payload["payment_id"])
    return Rendered(note_text(note, reader.lang) if note else t(reader.lang, "payment.gone"))
