"""offers of S/A leads first to the reps furthest below their fair share, until the window ends

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_first", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("offer_widens_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_leads_offer_widens_at", "leads", ["offer_widens_at"])


def downgrade() -> None:
    op.drop_index("ix_leads_offer_widens_at", table_name="leads")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_column("offer_widens_at")
        batch_op.drop_column("offered_first")
