"""Who is speaking: each person's reply language and time zone, from Slack's profile.

`users.info` gives the locale and zone; answers are cached in the database for a day so a busy
channel does not cost one Web API call per message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import Lang, language_for
from storage import users
from storage.db import Database

log = logging.getLogger(__name__)


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

    async def lookup(self, client: AsyncWebClient, team_id: str, user_id: str, now: datetime) -> Person:
        """The person behind `user_id`; the team defaults if Slack cannot be asked."""
        async with self._db.sessions() as session:
            known = await users.cached(session, team_id, user_id, now)
        if known is not None:
            return self._person(user_id, known.name, known.locale, known.tz)
        return await self._fetch(client, team_id, user_id, now)

    def _person(self, user_id: str, name: str, locale: str | None, tz: str | None) -> Person:
        """A person, with the team defaults for whatever Slack did not say."""
        return Person(user_id, name, language_for(locale, self._default_lang), tz or self._default_tz)

    async def _fetch(self, client: AsyncWebClient, team_id: str, user_id: str, now: datetime) -> Person:
        """Ask Slack and remember the answer for a day."""
        try:
            reply = await client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:
            log.warning("users.info for %s failed: %s", user_id, error.response.get("error"))
            return self._person(user_id, user_id, None, None)
        profile = reply["user"]
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
                user_id=user_id,
                name=name,
                locale=locale,
                tz=tz,
                is_bot=bool(profile.get("is_bot")),
                now=now,
            )
        return self._person(user_id, name, locale, tz)
