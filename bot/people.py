"""Who is speaking: each person's reply language and time zone, from Slack's profile.

`users.info` gives the locale and zone; answers are cached in the database for a day so a busy
channel does not cost one Web API call per message. Each replica also keeps the profiles it read or
wrote in memory for the rest of that day, so filing a record and rendering its card do not read the
author's row again and again; the database stays the truth, read again once the day is over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Lang, language_for
from storage import users
from storage.db import Database

log = logging.getLogger(__name__)

# Profiles a replica keeps in memory at most; the oldest-read goes first (a team of 10,000 fits).
REMEMBERED_AT_MOST = 10_000


@dataclass(frozen=True)
class Person:
    """A Slack user as closeloop addresses them."""

    user_id: str
    name: str
    lang: Lang
    tz: str


class PeopleDirectory:
    """Resolves user ids to people, with the team defaults for anything Slack does not say."""

    def __init__(self, database: Database, default_lang: str, default_tz: str):
        self._db = database
        self._default_lang = default_lang
        self._default_tz = default_tz
        self._recent: dict[tuple[str, str], tuple[Person, datetime]] = {}  # with when Slack said so

    async def lookup(
        self, client: AsyncWebClient, team_id: str, user_id: str, now: datetime, *, strict: bool = False
    ) -> Person:
        """The person behind `user_id`.

        When Slack cannot be asked, a listener answering someone makes do with what is remembered (or
        the team defaults); with `strict`, a message rendered for later delivery raises instead, and
        is retried, so it is never sent in the wrong language for lack of an answer.
        """
        if (recent := self._recent_person(team_id, user_id, now)) is not None:
            return recent
        async with self._db.sessions() as session:
            known = await users.cached(session, team_id, user_id, now)
        if known is not None:
            return self._keep(
                team_id, self._person(user_id, known.name, known.locale, known.tz), known.fetched_at
            )
        try:
            return await self._fetch(client, team_id, user_id, now)
        except SlackApiError as error:
            if strict and (error.response.status_code >= 500 or error.response.status_code == 429):
                raise
            reason: object = error.response.get("error")
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as error:
            if strict:
                raise
            reason = error
        log.warning("users.info for %s failed: %s", user_id, reason)
        async with self._db.sessions() as session:
            stale = await users.remembered(session, team_id, user_id)
        if stale is not None:
            return self._person(user_id, stale.name, stale.locale, stale.tz)
        return self._person(user_id, user_id, None, None)

    async def known(self, team_id: str, user_id: str, now: datetime) -> Person:
        """The person as last seen (however long ago), else the team defaults; never asks Slack.

        For the transaction that files a record: it must not wait for Slack, and a time zone seen
        last week is better than none.
        """
        if (recent := self._recent_person(team_id, user_id, now)) is not None:
            return recent
        async with self._db.sessions() as session:
            stale = await users.remembered(session, team_id, user_id)
        if stale is not None:
            return self._keep(
                team_id, self._person(user_id, stale.name, stale.locale, stale.tz), stale.fetched_at
            )
        return self._person(user_id, user_id, None, None)

    def _recent_person(self, team_id: str, user_id: str, now: datetime) -> Person | None:
        """The profile this replica read or wrote less than a day ago, if it did."""
        found = self._recent.get((team_id, user_id))
        if found is None or now - found[1] >= users.FRESH_FOR:
            return None
        return found[0]

    def _keep(self, team_id: str, person: Person, fetched_at: datetime) -> Person:
        """Hold `person` in memory until a day after Slack described them."""
        key = (team_id, person.user_id)
        self._recent.pop(key, None)
        if len(self._recent) >= REMEMBERED_AT_MOST:
            del self._recent[next(iter(self._recent))]
        self._recent[key] = (person, fetched_at)
        return person

    def _person(self, user_id: str, name: str, locale: str | None, tz: str | None) -> Person:
        """A person, with the team defaults for whatever Slack did not say."""
        return Person(user_id, name, language_for(locale, self._default_lang), tz or self._default_tz)

    async def _fetch(self, client: AsyncWebClient, team_id: str, user_id: str, now: datetime) -> Person:
        """Ask Slack and remember the answer for a day."""
        reply = await client.users_info(user=user_id, include_locale=True)
        return await self.remember(team_id, reply["user"], now)

    async def remember(self, team_id: str, profile: dict, now: datetime) -> Person:
        """Keep what `users.info` said of someone (name, language, zone, deactivated or a bot) for a day."""
        name = (
            profile.get("profile", {}).get("display_name")
            or profile.get("real_name")
            or profile.get("name", "")
        )
        locale, tz = profile.get("locale"), profile.get("tz")
        async with self._db.sessions.begin() as session:
            await users.remember(
                session,
                team_id=team_id,
                user_id=profile["id"],
                name=name,
                locale=locale,
                tz=tz,
                is_bot=bool(profile.get("is_bot")),
                deleted=bool(profile.get("deleted")),
                now=now,
            )
        return self._keep(team_id, self._person(profile["id"], name, locale, tz), now)
