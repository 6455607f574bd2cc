"""SQLAlchemy models: the tables closeloop keeps, with the unique keys that make retries harmless.

Times are stored in UTC (naive on SQLite, aware on PostgreSQL, normalised by `UtcDateTime`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
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
    # `channel:thread_ts` of the message the event is about: one thread's events are handled in order.
    thread_key: Mapped[str | None] = mapped_column(String(80))
    lease_token: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (
        Index("ix_inbox_events_pending", "processed_at", "id"),
        Index("ix_inbox_events_thread", "thread_key", "id"),
    )


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
    # What an invoice needs (税号, 开户行及账号), and the zone its payment days are counted in.
    tax_id: Mapped[str | None] = mapped_column(String(64))
    bank_account: Mapped[str | None] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
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
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "thread_ts", name="uq_activities_thread"),
        Index("ix_activities_deal", "deal_id"),
        Index("ix_activities_customer", "customer_id"),
        Index("ix_activities_due", "due_at"),
        Index("ix_activities_lead", "lead_id"),
        Index("ix_activities_team_created", "team_id", "created_at"),
        # Record numbers are shown to people: an undone record's number is never given out again.
        {"sqlite_autoincrement": True},
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
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)  # deactivated in Slack
    fetched_at: Mapped[datetime]


class LeadRecord(Base):
    """A lead (线索): its facts, its score with the rules that fired, and who owns it now."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    company: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    phone_key: Mapped[str | None] = mapped_column(String(40))  # digits only, for duplicate checks
    identity_key: Mapped[str] = mapped_column(String(420))  # company + contact, case-folded
    region: Mapped[str | None] = mapped_column(String(100))
    industry: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(100))
    budget_min: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    budget_max: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    urgency: Mapped[str | None] = mapped_column(String(10))
    signals: Mapped[list] = mapped_column(JSON, default=list)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer, default=0)
    grade: Mapped[str] = mapped_column(String(1))
    fired_rules: Mapped[list] = mapped_column(JSON, default=list)
    pool_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # offered, assigned, contacted, public
    owner_id: Mapped[str | None] = mapped_column(String(32))
    assigned_at: Mapped[datetime | None]
    first_contact_at: Mapped[datetime | None]
    released_from: Mapped[list] = mapped_column(JSON, default=list)
    offered_to: Mapped[list] = mapped_column(JSON, default=list)
    # An S/A offer goes to `offered_first` alone until `offer_widens_at`, then to all of `offered_to`;
    # the widening job clears `offer_widens_at` when it has told the channel.
    offered_first: Mapped[list] = mapped_column(JSON, default=list)
    offer_widens_at: Mapped[datetime | None]
    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("team_id", "phone_key", name="uq_leads_team_phone"),
        UniqueConstraint("team_id", "identity_key", name="uq_leads_team_identity"),
        Index("ix_leads_owner_status", "owner_id", "status"),
        Index("ix_leads_card", "card_channel", "card_ts"),
        Index("ix_leads_offer_widens_at", "offer_widens_at"),
        Index("ix_leads_owner_assigned", "owner_id", "assigned_at"),
        Index("ix_leads_team_created", "team_id", "created_at"),
    )


class LeadDecision(Base):
    """The audit trail: every routing, claim, release and reassignment, self-contained.

    A row keeps the candidates considered and each one's verdict as they were at that moment, so
    changing the rules file never rewrites what was decided.
    """

    __tablename__ = "lead_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # routed, claimed, contacted, released, reassigned
    actor_id: Mapped[str | None] = mapped_column(String(32))
    pool_id: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    owner_id: Mapped[str | None] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(1))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    candidates: Mapped[list] = mapped_column(JSON, default=list)
    decided_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_lead_decisions_lead", "lead_id", "id"),
        Index("ix_lead_decisions_team_decided", "team_id", "decided_at"),
    )


class PoolRotationRecord(Base):
    """A pool's rotation between decisions; `version` makes concurrent routers take turns."""

    __tablename__ = "pool_rotations"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pool_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)


class IdempotentReply(Base):
    """The answer given to an `Idempotency-Key`, replayed when a webhook retries."""

    __tablename__ = "idempotent_replies"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON)
    # SHA-256 of the request the reply answered: the same key with another request is refused.
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class RepSetting(Base):
    """A rep's roster entry as changed in Slack (away, regions, industries, weight); None keeps the rules file's."""

    __tablename__ = "rep_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    away: Mapped[bool | None] = mapped_column(Boolean)
    regions: Mapped[list | None] = mapped_column(JSON)
    industries: Mapped[list | None] = mapped_column(JSON)
    weight: Mapped[float | None] = mapped_column(Float)
    status_away: Mapped[bool] = mapped_column(Boolean, default=False)  # from their Slack status
    updated_by: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message closeloop must show in Slack, written in the transaction that made it necessary.

    One row is one Slack message, named by its `dedupe_key` (`record-card:12`, `lead-dm:7:3`). Showing a
    newer state of the same message raises `version`; the delivery worker posts the first version and
    updates to the latest one after that, so several edits in a row cost one `chat.update`. What to
    show is rendered at send time from `kind` and `payload`, in the reader's language.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    team_id: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))  # a channel, or a user id for a DM
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(8))  # pending, sent, dead
    version: Mapped[int] = mapped_column(Integer, default=1)
    sent_version: Mapped[int] = mapped_column(Integer, default=0)
    message_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    due_at: Mapped[datetime]
    pending_since: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    in_doubt: Mapped[bool] = mapped_column(Boolean, default=False)  # a post may have reached Slack
    lease_token: Mapped[str | None] = mapped_column(String(36))
    leased_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_outbox_due", "state", "due_at"),)


class JobRun(Base):
    """One run of a scheduled job: (job, subject, slot) is claimed once for the whole cluster.

    `slot` is the instant the run was due; `subject` tells apart per-person runs of one job (a rep's
    09:00), empty for team-wide jobs.
    """

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[datetime] = mapped_column(primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_job_runs_latest", "job", "subject", "slot"),)


class Task(Base):
    """An open item on someone's list (a follow-up due, a lead to contact), with its escalation ladder.

    One row per (kind, subject): the follow-up of activity 12, the first contact of lead 7. `due_at`
    is when the item is late; `next_step_at` is when its ladder's next step is due (NULL when the
    ladder is not running), indexed so a sweep reads only the rows that are due. A running ladder
    keeps a copy of its `steps`; `step` is the index of the next one. Every change of the ladder is a
    compare-and-set on (`id`, `step`, `state`), so of two replicas only one advances it.
    """

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))  # follow_up, lead_contact
    subject_id: Mapped[int] = mapped_column(BigInteger)
    owner_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    customer: Mapped[str | None] = mapped_column(String(200))
    anchor_at: Mapped[datetime]  # what the ladder counts from
    due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12))  # open, done, cancelled
    snoozed_until: Mapped[datetime | None]
    steps: Mapped[list] = mapped_column(JSON, default=list)
    step: Mapped[int] = mapped_column(Integer, default=0)
    # A new owner or due time starts the ladder over: a new round, whose messages have keys of their own.
    ladder_round: Mapped[int] = mapped_column(Integer, default=0)
    next_step_at: Mapped[datetime | None]
    # Everyone an escalation reached, in order: {"user", "round", "step", "at"}.
    told: Mapped[list] = mapped_column(JSON, default=list)
    acknowledged_by: Mapped[str | None] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None]
    # A customer-success task asks one question when done: did it solve the customer's problem?
    answer: Mapped[str | None] = mapped_column(String(8))  # yes, no
    closed_by: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("team_id", "kind", "subject_id", name="uq_tasks_subject"),
        Index("ix_tasks_next_step", "next_step_at"),
        Index("ix_tasks_team_owner_open", "team_id", "owner_id", "state", "due_at"),
        Index("ix_tasks_team_updated", "team_id", "updated_at"),
    )


class Deal(Base):
    """A deal (商机): a customer, an expected value, a stage, an owner, and a card whose thread files to it.

    `last_activity_at` is when a record was last filed against it: its red line counts from there.
    """

    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    title: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3))
    stage: Mapped[str] = mapped_column(String(32))
    expected_close: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[str] = mapped_column(String(32))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), unique=True)
    channel_id: Mapped[str] = mapped_column(String(32))  # where its card is posted
    card_channel: Mapped[str | None] = mapped_column(String(32))
    card_ts: Mapped[str | None] = mapped_column(String(32))
    last_activity_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_deals_card", "card_channel", "card_ts"),
        Index("ix_deals_team_owner", "team_id", "owner_id"),
        Index("ix_deals_team_created", "team_id", "created_at"),
        {"sqlite_autoincrement": True},
    )


class Quote(Base):
    """A quote (报价单) on a deal; its content lives in versions, and `version` is the current one."""

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(32))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    owner_id: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16))  # pending, approved, rejected, changes
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_quotes_team_number"),
        Index("ix_quotes_deal", "deal_id"),
        # Numbers are shown to customers: one is never given out twice.
        {"sqlite_autoincrement": True},
    )


class QuoteVersion(Base):
    """One version of a quote as submitted, with the chain the rules chose for it and why.

    An approval is for one version: a new version replaces the pending or approved one and its chain.
    """

    __tablename__ = "quote_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3))
    chain: Mapped[list] = mapped_column(JSON, default=list)  # every step, needed or skipped, with reasons
    changes: Mapped[list] = mapped_column(JSON, default=list)  # since the version before
    state: Mapped[str] = mapped_column(String(16))  # pending, approved, rejected, changes, replaced
    submitted_by: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("quote_id", "version", name="uq_quote_versions_quote_version"),
        Index("ix_quote_versions_decided", "decided_at"),
    )


class ApprovalStep(Base):
    """A step of a version's chain: waiting its turn, pending with its approvers, then decided.

    A decision is a compare-and-set on `state = 'pending'`, so one click wins however many arrive.
    """

    __tablename__ = "approval_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("quote_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(64))  # the rules file's step id
    all_of_group: Mapped[bool] = mapped_column(Boolean, default=False)
    # waiting, pending, approved, rejected, changes, skipped, replaced
    state: Mapped[str] = mapped_column(String(16))
    fallback: Mapped[str | None] = mapped_column(String(32))  # why others decide (an empty group)
    started_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(32))
    on_behalf_of: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("version_id", "position", name="uq_approval_steps_version_position"),)


class ApprovalRequest(Base):
    """One approver's part in a step: their DM, their to-do item, their decision.

    `delegate_id` is whom the approver's delegation sent it to; both may decide while it lasts.
    `told` lists everyone whose DM shows it, so a decision updates every copy.
    """

    __tablename__ = "approval_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    step_id: Mapped[int] = mapped_column(ForeignKey("approval_steps.id", ondelete="CASCADE"))
    approver_id: Mapped[str] = mapped_column(String(32))
    delegate_id: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))  # pending, approve, reject, changes, closed
    decided_by: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    told: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("step_id", "approver_id", name="uq_approval_requests_step_approver"),
        Index("ix_approval_requests_pending", "team_id", "state", "delegate_id"),
    )


class ApprovalEvent(Base):
    """The approval ledger: every submission, decision, skip, delegation and replacement, in order."""

    __tablename__ = "approval_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    step: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    on_behalf_of: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]

    __table_args__ = (
        Index("ix_approval_events_quote", "quote_id", "id"),
        Index("ix_approval_events_team_at", "team_id", "at"),
    )


class Delegation(Base):
    """`from_id`'s approvals go to `to_id` until `until_at` (or until it is ended early)."""

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    from_id: Mapped[str] = mapped_column(String(32))
    to_id: Mapped[str] = mapped_column(String(32))
    until_at: Mapped[datetime]
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]  # ended early, or handed back when it ran out

    __table_args__ = (Index("ix_delegations_team_from", "team_id", "from_id", "until_at"),)


class Contract(Base):
    """A contract (合同) made from an approved quote version when the customer signed it.

    `missing` lists the customer fields an invoice needs and does not have: while it is not empty the
    invoice request waits and finance holds a task naming them. `handover_id` is set while a handover
    that gave it a new owner waits for their confirmation (its money is not in their figures yet).
    """

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(32))
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("quote_versions.id"))
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    owner_id: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    paid: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    tz: Mapped[str] = mapped_column(String(64))  # the customer's zone: due dates are its days
    signed_on: Mapped[date] = mapped_column(Date)
    delivery_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    missing: Mapped[list] = mapped_column(JSON, default=list)
    paid_on: Mapped[date | None] = mapped_column(Date)
    handover_id: Mapped[int | None] = mapped_column(Integer)
    signed_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("team_id", "number", name="uq_contracts_team_number"),
        Index("ix_contracts_team_owner", "team_id", "owner_id"),
        {"sqlite_autoincrement": True},
    )


class Instalment(Base):
    """One part of a contract's price, due on a day of the customer's calendar.

    `level` is its dunning level (yellow, orange, red) as of the last sweep; `next_level_at` is when
    it next changes, NULL once paid, indexed so that a sweep reads only what is about to change.
    """

    __tablename__ = "instalments"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(String(16))  # prepayment, remainder, full
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    paid: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    due_on: Mapped[date] = mapped_column(Date)
    level: Mapped[str | None] = mapped_column(String(8))
    next_level_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)  # why it is late, in the rep's words
    reason_by: Mapped[str | None] = mapped_column(String(32))
    reason_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("contract_id", "seq", name="uq_instalments_contract_seq"),
        Index("ix_instalments_next_level", "next_level_at"),
    )


class Payment(Base):
    """Money received (回款), from the API, Slack or an import; a reference is recorded once, ever."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    reference: Mapped[str] = mapped_column(String(128))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3))
    paid_at: Mapped[datetime]
    payer: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(8))  # api, slack, import
    recorded_by: Mapped[str | None] = mapped_column(String(32))
    applied: Mapped[list] = mapped_column(JSON, default=list)  # [{"instalment": seq, "amount": "…"}]
    outstanding: Mapped[Decimal] = mapped_column(Numeric(18, 2))  # owed on the contract right after it
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("team_id", "reference", name="uq_payments_team_reference"),
        Index("ix_payments_contract", "contract_id"),
        Index("ix_payments_team_paid", "team_id", "paid_at"),
    )


class Handover(Base):
    """A leaving rep's work handed to someone else, and whether they have confirmed taking it."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    from_id: Mapped[str] = mapped_column(String(32))
    to_id: Mapped[str] = mapped_column(String(32))
    by_id: Mapped[str] = mapped_column(String(32))
    moved: Mapped[dict] = mapped_column(JSON, default=dict)  # how many of each kind, and which
    state: Mapped[str] = mapped_column(String(12))  # pending, confirmed
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_handovers_team_to", "team_id", "to_id", "state"),)
