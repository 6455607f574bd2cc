"""record numbers are never given out again, on SQLite too

SQLite reuses the highest rowid once its row is deleted, so after an Undo the next record got the
undone record's number (and its card's dedupe key). AUTOINCREMENT keeps a high-water mark instead.
PostgreSQL sequences never go back, so there is nothing to do there.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "activities", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.alter_column("id", existing_type=sa.Integer(), autoincrement=True)
    # Numbers undone before this migration are remembered only by their cards' outbox rows.
    keys = bind.execute(sa.text("SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'record-card:%'"))
    used = [int(key.split(":", 1)[1]) for (key,) in keys if key.split(":", 1)[1].isdigit()]
    highest = max([bind.execute(sa.text("SELECT coalesce(max(id), 0) FROM activities")).scalar_one(), *used])
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'activities'"))
    bind.execute(
        sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('activities', :seq)"), {"seq": highest}
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "activities", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ) as batch_op:
        batch_op.alter_column("id", existing_type=sa.Integer(), autoincrement=True)
