"""a hash of the request each idempotent reply answered

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotent_replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_hash", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotent_replies", schema=None) as batch_op:
        batch_op.drop_column("request_hash")
