"""digests read a period's rows by time: indexes on the team and the time of leads, decisions, records, tasks

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_leads_team_created", "leads", ["team_id", "created_at"]),
    ("ix_lead_decisions_team_decided", "lead_decisions", ["team_id", "decided_at"]),
    ("ix_activities_team_created", "activities", ["team_id", "created_at"]),
    ("ix_tasks_team_updated", "tasks", ["team_id", "updated_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
