"""Storage tests get a migrated database on every configured backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.db import Database


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """An empty, fully migrated database."""
    db = Database(database_url)
    await db.upgrade()
    yield db
    await db.dispose()
