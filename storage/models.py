"""SQLAlchemy models: the tables closeloop keeps, with the unique keys that make retries harmless.

Times are stored in UTC (naive on SQLite, aware on PostgreSQL, normalised by `UtcDateTime`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("closeloop stores only timezone-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with naming conventions Alembic can rely on."""

    type_annotation_map: ClassVar = {datetime: UtcDateTime, dict: JSON, list: JSON}


Base.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class InboxEvent(Base):
    """An Events API delivery, written before the ack so nothing acked is ever lost."""

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_inbox_events_pending", "processed_at", "id"),)


class SlackMessage(Base):
    """A message the bot saw in a channel, kept so threads can be archived without history reads."""

    __tablename__ = "slack_messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str] = mapped_column(String(32))  # the message's own ts at top level
    user_id: Mapped[str | None] = mapped_column(String(32))
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    posted_at: Mapped[datetime]
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("channel_id", "ts", name="uq_slack_messages_channel_ts"),
        Index("ix_slack_messages_thread", "channel_id", "thread_ts"),
        Index("ix_slack_messages_posted", "posted_at"),
    )


class Customer(Base):
    """A customer the team talks about; records attach to it."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # case-folded name, for matching
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("team_id", "name_key", name="uq_customers_team_name"),)


class ChannelLink(Base):
    """A channel dedicated to one customer (`/closeloop link-channel NAME`)."""

    __tablename__ = "channel_links"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    linked_by: Mapped[str] = mapped_column(String(32))
    linked_at: Mapped[datetime]


class Activity(Base):
    """An activity record (跟进记录): one per archived thread, or one per `/closeloop log`."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))  # "thread" or "command"
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    activity_type: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    full_text: Mapped[str] = mapped_column(Text)
    signals: Mapped[list] = mapped_column(JSON, default=list)
    next_action: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None]
    blocker: Mapped[str | None] = mapped_column(Text)
    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "thread_ts", name="uq_activities_thread"),
        Index("ix_activities_customer", "customer_id"),
        Index("ix_activities_due", "due_at"),
    )


class SlackUser(Base):
    """What the bot knows of a person: their language and time zone, for replies and due dates."""

    __tablename__ = "slack_users"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str | None] = mapped_column(String(16))
    tz: Mapped[str | None] = mapped_column(String(64))
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime]


def utcnow() -> datetime:
    """The current time in UTC; called only at the edges (handlers, scheduler), never in domain/."""
    return datetime.now(UTC)
