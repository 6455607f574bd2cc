"""`INSERT … ON CONFLICT` for whichever database the session is bound to.

SQLite and PostgreSQL share the syntax but SQLAlchemy spells it per dialect; repositories call
`insert_into` and stay dialect-free.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_into(session: AsyncSession, table: Any) -> Any:
    """An insert construct with `on_conflict_do_*` for the session's dialect."""
    return insert_for(dialect_of(session), table)


def dialect_of(session: AsyncSession) -> str:
    """The name of the session's dialect: `sqlite` or `postgresql`."""
    return session.get_bind().dialect.name


def insert_for(dialect: str, table: Any) -> Any:
    """`insert_into` by dialect name, for statements built once and kept (see `storage.activities`)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
