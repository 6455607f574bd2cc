"""deals, versioned quotes, approval chains with their ledger, delegations; records filed to deals

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_ID = sa.Integer()
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deals",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column(
            "customer_id",
            sa.Integer(),
            sa.ForeignKey("customers.id", name="fk_deals_customer_id_customers"),
            nullable=False,
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("expected_close", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column(
            "lead_id",
            sa.Integer(),
            sa.ForeignKey("leads.id", ondelete="SET NULL", name="fk_deals_lead_id_leads"),
            nullable=True,
        ),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("card_channel", sa.String(32), nullable=True),
        sa.Column("card_ts", sa.String(32), nullable=True),
        sa.Column("last_activity_at", _AT, nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.Column("closed_at", _AT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deals"),
        sa.UniqueConstraint("lead_id", name="uq_deals_lead_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_deals_card", "deals", ["card_channel", "card_ts"])
    op.create_index("ix_deals_team_owner", "deals", ["team_id", "owner_id"])
    op.create_index("ix_deals_team_created", "deals", ["team_id", "created_at"])
    op.create_table(
        "quotes",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column(
            "deal_id",
            sa.Integer(),
            sa.ForeignKey("deals.id", ondelete="CASCADE", name="fk_quotes_deal_id_deals"),
            nullable=False,
        ),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quotes"),
        sa.UniqueConstraint("team_id", "number", name="uq_quotes_team_number"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_quotes_deal", "quotes", ["deal_id"])
    op.create_table(
        "quote_versions",
        sa.Column("id", _ID, primary_key=True),
        sa.Column(
            "quote_id",
            sa.Integer(),
            sa.ForeignKey("quotes.id", ondelete="CASCADE", name="fk_quote_versions_quote_id_quotes"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(18, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("chain", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("submitted_by", sa.String(32), nullable=False),
        sa.Column("submitted_at", _AT, nullable=False),
        sa.Column("decided_at", _AT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_quote_versions"),
        sa.UniqueConstraint("quote_id", "version", name="uq_quote_versions_quote_version"),
    )
    op.create_index("ix_quote_versions_decided", "quote_versions", ["decided_at"])
    op.create_table(
        "approval_steps",
        sa.Column("id", _ID, primary_key=True),
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey(
                "quote_versions.id", ondelete="CASCADE", name="fk_approval_steps_version_id_quote_versions"
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("all_of_group", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("fallback", sa.String(32), nullable=True),
        sa.Column("started_at", _AT, nullable=True),
        sa.Column("decided_at", _AT, nullable=True),
        sa.Column("decided_by", sa.String(32), nullable=True),
        sa.Column("on_behalf_of", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_approval_steps"),
        sa.UniqueConstraint("version_id", "position", name="uq_approval_steps_version_position"),
    )
    op.create_table(
        "approval_requests",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column(
            "step_id",
            sa.Integer(),
            sa.ForeignKey(
                "approval_steps.id", ondelete="CASCADE", name="fk_approval_requests_step_id_approval_steps"
            ),
            nullable=False,
        ),
        sa.Column("approver_id", sa.String(32), nullable=False),
        sa.Column("delegate_id", sa.String(32), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", _AT, nullable=True),
        sa.Column("told", sa.JSON(), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approval_requests"),
        sa.UniqueConstraint("step_id", "approver_id", name="uq_approval_requests_step_approver"),
    )
    op.create_index("ix_approval_requests_pending", "approval_requests", ["team_id", "state", "delegate_id"])
    op.create_table(
        "approval_events",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column(
            "quote_id",
            sa.Integer(),
            sa.ForeignKey("quotes.id", ondelete="CASCADE", name="fk_approval_events_quote_id_quotes"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(32), nullable=True),
        sa.Column("on_behalf_of", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approval_events"),
    )
    op.create_index("ix_approval_events_quote", "approval_events", ["quote_id", "id"])
    op.create_index("ix_approval_events_team_at", "approval_events", ["team_id", "at"])
    op.create_table(
        "delegations",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("from_id", sa.String(32), nullable=False),
        sa.Column("to_id", sa.String(32), nullable=False),
        sa.Column("until_at", _AT, nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("ended_at", _AT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_delegations"),
    )
    op.create_index("ix_delegations_team_from", "delegations", ["team_id", "from_id", "until_at"])
    # SQLite rebuilds the table to add a foreign key: keep its AUTOINCREMENT and the numbers already
    # given out (an undone record's number is never given again, see 0008).
    given = _record_numbers_given()
    with op.batch_alter_table(
        "activities", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("deal_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_activities_deal_id_deals"), "deals", ["deal_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_activities_deal", ["deal_id"], unique=False)
    _keep_record_numbers(given)


def _record_numbers_given() -> int | None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return None
    query = sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'activities'")
    return bind.execute(query).scalar_one_or_none() or 0


def _keep_record_numbers(given: int | None) -> None:
    if given is None:
        return
    bind = op.get_bind()
    highest = max(given, bind.execute(sa.text("SELECT coalesce(max(id), 0) FROM activities")).scalar_one())
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'activities'"))
    bind.execute(
        sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('activities', :seq)"), {"seq": highest}
    )


def downgrade() -> None:
    given = _record_numbers_given()
    with op.batch_alter_table(
        "activities", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_index("ix_activities_deal")
        batch_op.drop_constraint(op.f("fk_activities_deal_id_deals"), type_="foreignkey")
        batch_op.drop_column("deal_id")
    _keep_record_numbers(given)
    for table in (
        "delegations",
        "approval_events",
        "approval_requests",
        "approval_steps",
        "quote_versions",
        "quotes",
        "deals",
    ):
        op.drop_table(table)
