"""activities filed in a lead card's thread belong to that lead

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_activities_lead_id_leads"), "leads", ["lead_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_activities_lead", ["lead_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_lead")
        batch_op.drop_constraint(op.f("fk_activities_lead_id_leads"), type_="foreignkey")
        batch_op.drop_column("lead_id")
