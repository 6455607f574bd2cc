"""contracts with payment schedules, payments, handovers; customer invoice details; task answers

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_ID = sa.Integer()
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)
_MONEY = sa.Numeric(18, 2)


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("tax_id", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("bank_account", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("tz", sa.String(64), nullable=True))
    with op.batch_alter_table("tasks") as batch_op:
        batch_op.add_column(sa.Column("answer", sa.String(8), nullable=True))
    op.create_table(
        "contracts",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column(
            "quote_id",
            sa.Integer(),
            sa.ForeignKey("quotes.id", name="fk_contracts_quote_id_quotes"),
            nullable=False,
        ),
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("quote_versions.id", name="fk_contracts_version_id_quote_versions"),
            nullable=False,
        ),
        sa.Column(
            "deal_id",
            sa.Integer(),
            sa.ForeignKey("deals.id", name="fk_contracts_deal_id_deals"),
            nullable=False,
        ),
        sa.Column(
            "customer_id",
            sa.Integer(),
            sa.ForeignKey("customers.id", name="fk_contracts_customer_id_customers"),
            nullable=False,
        ),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", _MONEY, nullable=False),
        sa.Column("paid", _MONEY, nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("delivery_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("handover_id", sa.Integer(), nullable=True),
        sa.Column("signed_by", sa.String(32), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("updated_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contracts"),
        sa.UniqueConstraint("quote_id", name="uq_contracts_quote_id"),
        sa.UniqueConstraint("team_id", "number", name="uq_contracts_team_number"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_contracts_team_owner", "contracts", ["team_id", "owner_id"])
    op.create_table(
        "instalments",
        sa.Column("id", _BIG_ID, primary_key=True),
        sa.Column(
            "contract_id",
            sa.Integer(),
            sa.ForeignKey("contracts.id", ondelete="CASCADE", name="fk_instalments_contract_id_contracts"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(16), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("paid", _MONEY, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("level", sa.String(8), nullable=True),
        sa.Column("next_level_at", _AT, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reason_by", sa.String(32), nullable=True),
        sa.Column("reason_at", _AT, nullable=True),
        sa.Column("paid_at", _AT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_instalments"),
        sa.UniqueConstraint("contract_id", "seq", name="uq_instalments_contract_seq"),
    )
    op.create_index("ix_instalments_next_level", "instalments", ["next_level_at"])
    op.create_table(
        "payments",
        sa.Column("id", _BIG_ID, primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column(
            "contract_id",
            sa.Integer(),
            sa.ForeignKey("contracts.id", name="fk_payments_contract_id_contracts"),
            nullable=False,
        ),
        sa.Column("reference", sa.String(128), nullable=False),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("paid_at", _AT, nullable=False),
        sa.Column("payer", sa.String(200), nullable=True),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("recorded_by", sa.String(32), nullable=True),
        sa.Column("applied", sa.JSON(), nullable=False),
        sa.Column("outstanding", _MONEY, nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.UniqueConstraint("team_id", "reference", name="uq_payments_team_reference"),
    )
    op.create_index("ix_payments_contract", "payments", ["contract_id"])
    op.create_index("ix_payments_team_paid", "payments", ["team_id", "paid_at"])
    op.create_table(
        "handovers",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("from_id", sa.String(32), nullable=False),
        sa.Column("to_id", sa.String(32), nullable=False),
        sa.Column("by_id", sa.String(32), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", _AT, nullable=False),
        sa.Column("confirmed_at", _AT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_handovers"),
    )
    op.create_index("ix_handovers_team_to", "handovers", ["team_id", "to_id", "state"])


def downgrade() -> None:
    for table in ("handovers", "payments", "instalments", "contracts"):
        op.drop_table(table)
    with op.batch_alter_table("tasks") as batch_op:
        batch_op.drop_column("answer")
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("tz")
        batch_op.drop_column("bank_account")
        batch_op.drop_column("tax_id")
