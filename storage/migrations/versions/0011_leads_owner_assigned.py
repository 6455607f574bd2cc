"""leads by owner and assignment time, for a manager's Home: each rep's first contacts of the last 7 days

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_leads_owner_assigned", "leads", ["owner_id", "assigned_at"])


def downgrade() -> None:
    op.drop_index("ix_leads_owner_assigned", table_name="leads")
