"""The dunning sweep (催款): each unpaid instalment's level, recomputed from its dates when it changes.

`domain.dunning.standing` gives the level at `now` and when it next changes; the instalment keeps
that instant in `next_level_at`, so a sweep reads only the instalments whose level is due to change
(a payment clears it, a written reason brings it forward). Each new level is told once, ever, under
the key `dunning:{instalment}:{level}:{reader}`: yellow to the owner, orange to the owner and their
manager, red to the owner, manager and directors, and the owner's red DM asks for the reason. A level
is an item on the owner's list until the money arrives.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from config.rules import Rules
from domain.dunning import Level, standing
from storage import contracts as store
from storage import outbox
from storage.db import Database
from storage.models import Contract, Customer, Instalment
from storage.outbox import Outgoing
from usecases.task_book import DUNNING, TaskBook, home_key

BATCH = 200
OWNER, MANAGER, DIRECTOR = "owner", "manager", "director"


def dunning_key(instalment_id: int, level: str, reader: str) -> str:
    """The key of one person's DM about one level of one instalment: told once, ever."""
    return f"dunning:{instalment_id}:{level}:{reader}"


def dunning_message(team_id: str, instalment_id: int, level: str, reader: str, role: str) -> Outgoing:
    """One person told that an instalment reached a level: once per (instalment, level, person)."""
    return Outgoing(
        key=dunning_key(instalment_id, level, reader),
        kind="dunning",
        team_id=team_id,
        channel=reader,
        payload={"instalment_id": instalment_id, "level": level, "reader": reader, "role": role},
    )


class DunningDesk:
    """Moves instalments to the level their dates give them and tells whom each level concerns."""

    def __init__(self, db: Database, rules: Rules, tasks: TaskBook):
        self._db = db
        self._rules = rules
        self._tasks = tasks

    async def sweep(self, now: datetime) -> int:
        """Every level change due by `now`; returns how many instalments changed level."""
        changed = 0
        while True:
            async with self._db.sessions.begin() as session:
                ids = await store.level_changes_due(session, now, BATCH)
                if not ids:
                    return changed
                rows = await session.execute(
                    select(Instalment, Contract, Customer.name)
                    .join(Contract, Contract.id == Instalment.contract_id)
                    .join(Customer, Customer.id == Contract.customer_id)
                    .where(Instalment.id.in_(ids))
                    .execution_options(populate_existing=True)
                )
                for instalment, contract, customer in rows.all():
                    changed += await self._move(session, instalment, contract, customer, now)

    async def _move(
        self, session: AsyncSession, instalment: Instalment, contract: Contract, customer: str, now: datetime
    ) -> int:
        rules = self._rules.contracts
        if instalment.paid >= instalment.amount:
            level, next_at = None, None
        else:
            found = standing(
                instalment.due_on, now, contract.tz, instalment.reason is not None, rules.dunning
            )
            level, next_at = found.level, found.next_change
        before = instalment.level
        if not await store.move_level(
            session, instalment, seen=instalment.next_level_at, level=level, next_at=next_at
        ):
            return 0  # another sweep moved it
        if level == before:
            return 0
        if level is None:
            await self._tasks.settle(session, contract.team_id, DUNNING, instalment.id, None, now)
            return 1
        await self._tasks.item(
            session,
            team_id=contract.team_id,
            kind=DUNNING,
            subject_id=instalment.id,
            owner_id=contract.owner_id,
            title=contract.number,
            customer=customer,
            due=datetime.combine(instalment.due_on, rules.dunning_at, ZoneInfo(contract.tz)),
            now=now,
        )
        messages = [
            dunning_message(contract.team_id, instalment.id, level, reader, role)
            for reader, role in self._readers(contract.owner_id, Level(level))
        ]
        await outbox.send_each_once(session, messages, now)
        await outbox.reshow(session, home_key(contract.owner_id), now)
        return 1

    def _readers(self, owner_id: str, level: Level) -> list[tuple[str, str]]:
        """Whom a level concerns: yellow the owner; orange also their manager; red also the directors."""
        leads = self._rules.leads
        readers = [(owner_id, OWNER)]
        if level in (Level.ORANGE, Level.RED):
            readers += [(m, MANAGER) for m in leads.managers_of(owner_id) if m != owner_id]
        if level is Level.RED:
            readers += [(d, DIRECTOR) for d in leads.director_ids if d != owner_id]
        first_role: dict[str, str] = {}
        for reader, role in readers:  # a manager who is also a director is told once, as manager
            first_role.setdefault(reader, role)
        return list(first_role.items())
