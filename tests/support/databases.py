"""Test databases: a fresh SQLite file per test, and PostgreSQL when `TEST_DATABASE_URL` names one."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url


def database_params() -> list[str]:
    """The backends every storage test runs on."""
    return ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


async def fresh_database_url(backend: str, tmp_path: Path) -> str:
    """An empty database of `backend` for one test."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'closeloop.db'}"
    url = make_url(os.environ["TEST_DATABASE_URL"])
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+asyncpg")
    connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    return url.render_as_string(hide_password=False)
