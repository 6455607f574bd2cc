"""Replies remembered under an `Idempotency-Key`, claimed in the same transaction as the work they answer.

The claim is an insert that loses quietly to an existing key: on PostgreSQL a second request with the
same key waits on the first one's row until it commits (then reads its reply) or rolls back (then
claims the key itself); SQLite has one writer at a time, so the same holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import IdempotentReply
from storage.upsert import insert_into

# The status of a claimed key whose reply is not written yet (never visible outside its transaction).
_CLAIMED = 0


async def claim(
    session: AsyncSession, scope: str, key: str, request_hash: str, now: datetime
) -> IdempotentReply | None:
    """Take `key` for this transaction: None when it is ours, else the reply stored under it."""
    result = await session.execute(
        insert_into(session, IdempotentReply)
        .values(scope=scope, key=key, status=_CLAIMED, body={}, request_hash=request_hash, created_at=now)
        .on_conflict_do_nothing(index_elements=["scope", "key"])
    )
    if result.rowcount:
        return None
    return (
        await session.scalars(
            select(IdempotentReply)
            .where(IdempotentReply.scope == scope, IdempotentReply.key == key)
            .execution_options(populate_existing=True)
        )
    ).one()


async def answer(session: AsyncSession, scope: str, key: str, status: int, body: dict[str, Any]) -> None:
    """Store the reply for a key this transaction claimed."""
    await session.execute(
        update(IdempotentReply)
        .where(IdempotentReply.scope == scope, IdempotentReply.key == key)
        .values(status=status, body=body)
    )
