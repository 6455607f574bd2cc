"""Customers and the channels linked to them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customers import best_match
from storage.models import ChannelLink, Customer
from storage.upsert import insert_into


def name_key(name: str) -> str:
    """The unique key a stored name is kept under: case and spacing do not matter.

    Looser matching (width, punctuation, a shorter name) is `matching`'s: it asks `domain.customers`.
    """
    return " ".join(name.split()).casefold()


async def find_or_create(session: AsyncSession, team_id: str, name: str, now: datetime) -> Customer:
    """The customer called `name`, created on first mention (safe against concurrent creators)."""
    key = name_key(name)
    await session.execute(
        insert_into(session, Customer)
        .values(team_id=team_id, name=" ".join(name.split()), name_key=key, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "name_key"])
    )
    return (
        await session.scalars(select(Customer).where(Customer.team_id == team_id, Customer.name_key == key))
    ).one()


async def matching(session: AsyncSession, team_id: str, name: str) -> Customer | None:
    """The known customer a typed `name` means (`ACME` → `ACME Corp`), or None: then ask before creating."""
    known = list(
        await session.scalars(select(Customer).where(Customer.team_id == team_id).order_by(Customer.id))
    )
    chosen = best_match(name, [c.name for c in known])
    return next((c for c in known if c.name == chosen), None) if chosen else None


async def get(session: AsyncSession, customer_id: int) -> Customer | None:
    """A customer by id."""
    return await session.get(Customer, customer_id)


async def list_names(session: AsyncSession, team_id: str, limit: int = 100) -> list[Customer]:
    """The team's customers, most recently created first (for pick lists)."""
    rows = await session.scalars(
        select(Customer).where(Customer.team_id == team_id).order_by(Customer.created_at.desc()).limit(limit)
    )
    return list(rows)


async def named_in(session: AsyncSession, team_id: str, text: str) -> Customer | None:
    """The known customer whose name appears in `text` (the longest name wins)."""
    return _named(await session.scalars(select(Customer).where(Customer.team_id == team_id)), text)


async def of_channel_or_text(
    session: AsyncSession, team_id: str, channel_id: str, text: str
) -> Customer | None:
    """`linked_to` the channel, else `named_in` the text: both answered by one read of the customers."""
    link = and_(
        ChannelLink.customer_id == Customer.id,
        ChannelLink.team_id == team_id,
        ChannelLink.channel_id == channel_id,
    )
    rows = (
        await session.execute(
            select(Customer, ChannelLink.channel_id)
            .outerjoin(ChannelLink, link)
            .where(Customer.team_id == team_id)
        )
    ).all()
    linked = next((customer for customer, linked_channel in rows if linked_channel is not None), None)
    return linked or _named((customer for customer, _ in rows), text)


def _named(known: Iterable[Customer], text: str) -> Customer | None:
    """The customer whose name appears in `text`, the longest name winning."""
    folded = text.casefold()
    matches = [c for c in known if c.name_key and c.name_key in folded]
    return max(matches, key=lambda c: len(c.name_key), default=None)


async def link_channel(
    session: AsyncSession, team_id: str, channel_id: str, customer: Customer, user_id: str, now: datetime
) -> None:
    """Dedicate a channel to a customer, replacing any earlier link."""
    statement = insert_into(session, ChannelLink).values(
        team_id=team_id, channel_id=channel_id, customer_id=customer.id, linked_by=user_id, linked_at=now
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["team_id", "channel_id"],
            set_={"customer_id": customer.id, "linked_by": user_id, "linked_at": now},
        )
    )


async def linked_to(session: AsyncSession, team_id: str, channel_id: str) -> Customer | None:
    """The customer a channel is dedicated to, if any."""
    return (
        await session.scalars(
            select(Customer)
            .join(ChannelLink, ChannelLink.customer_id == Customer.id)
            .where(ChannelLink.team_id == team_id, ChannelLink.channel_id == channel_id)
        )
    ).one_or_none()


async def unlink_channel(session: AsyncSession, team_id: str, channel_id: str) -> Customer | None:
    """End a channel's link; the customer it was linked to, or None when there was none."""
    customer = await linked_to(session, team_id, channel_id)
    await session.execute(
        delete(ChannelLink).where(ChannelLink.team_id == team_id, ChannelLink.channel_id == channel_id)
    )
    return customer
