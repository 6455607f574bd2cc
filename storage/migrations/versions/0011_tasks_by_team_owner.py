"""a rep's open tasks found by (team, owner): the morning cards read them 200 reps at a time

Without table statistics SQLite took the team's unique index for `team_id = ? AND owner_id IN (…)`
and read every task of the team for each batch of reps; an index led by both columns is the one it
picks, and it also serves the grouping of everyone with open work in index order.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_tasks_owner_open", table_name="tasks")
    op.create_index("ix_tasks_team_owner_open", "tasks", ["team_id", "owner_id", "state", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_tasks_team_owner_open", table_name="tasks")
    op.create_index("ix_tasks_owner_open", "tasks", ["owner_id", "state", "due_at"])
