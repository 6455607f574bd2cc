"""Channels and people the rules file names by name, looked up in Slack once at start.

`#sales-leads` is found in `conversations.list` (public and private channels the bot can see, archived
ones left out), `alice@corp.com` with `users.lookupByEmail`, `@alice` in `users.list` by username or
display name. Each list is read once per process and kept; the routing table then carries IDs only, so
nothing on the request path asks Slack for a name.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from config.references import RefKind, SlackRef
from config.rules import Rules
from config.toml_lines import KeyPath

log = logging.getLogger(__name__)

_PAGE = 200
_NOBODY_BY_EMAIL = frozenset({"users_not_found", "user_not_found"})


class DirectoryError(Exception):
    """Slack could not be asked (no network, a bad token, a missing scope): names stay unknown."""


@dataclass(frozen=True)
class NameProblem:
    """A name in the rules file that names nothing, or two entries that turn out to be one person."""

    path: KeyPath
    message: str


@dataclass(frozen=True)
class Resolution:
    """The rules with every name Slack knows replaced by its ID, and what could not be placed."""

    rules: Rules
    problems: list[NameProblem]


class SlackDirectory:
    """Finds channel and member IDs by name through the Web API, reading each list once."""

    def __init__(self, client: AsyncWebClient):
        self._client = client
        self._channels: dict[str, str] | None = None
        self._handles: dict[str, set[str]] | None = None
        self._emails: dict[str, str | None] = {}

    async def find(self, ref: SlackRef) -> str | set[str] | None:
        """The ID a name stands for; None when Slack knows no such name, a set when several match."""
        if ref.kind is RefKind.CHANNEL:
            return (await self._channel_ids()).get(ref.name.casefold())
        if ref.kind is RefKind.EMAIL:
            return await self._by_email(ref.name)
        matches = (await self._handle_ids()).get(ref.name.casefold(), set())
        return next(iter(matches)) if len(matches) == 1 else (matches or None)

    async def _channel_ids(self) -> dict[str, str]:
        if self._channels is None:
            channels: dict[str, str] = {}
            pages = self._pages(
                self._client.conversations_list,
                "channels",
                types="public_channel,private_channel",
                exclude_archived=True,
            )
            async for channel in pages:
                channels.setdefault(channel["name"].casefold(), channel["id"])
            self._channels = channels
        return self._channels

    async def _handle_ids(self) -> dict[str, set[str]]:
        if self._handles is None:
            by_name: dict[str, set[str]] = {}
            by_display: dict[str, set[str]] = {}
            async for member in self._pages(self._client.users_list, "members"):
                if member.get("deleted"):
                    continue
                by_name.setdefault(member["name"].casefold(), set()).add(member["id"])
                display = (member.get("profile") or {}).get("display_name") or ""
                if display:
                    by_display.setdefault(display.casefold(), set()).add(member["id"])
            # A username is unique in a workspace; a display name is a fallback and may be shared.
            self._handles = by_display | by_name
        return self._handles

    async def _by_email(self, email: str) -> str | None:
        if email not in self._emails:
            try:
                answer = await self._client.users_lookupByEmail(email=email)
                self._emails[email] = answer["user"]["id"]
            except SlackApiError as error:
                if error.response.get("error") not in _NOBODY_BY_EMAIL:
                    raise DirectoryError(_why(error)) from None
                self._emails[email] = None
            except Exception as error:  # the network, a timeout: Slack could not be asked at all
                raise DirectoryError(f"users.lookupByEmail: {error}") from None
        return self._emails[email]

    async def _pages(
        self, method: Callable[..., Awaitable[Any]], key: str, **params: Any
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a cursor-paged list, page by page."""
        cursor: str | None = None
        while True:
            try:
                answer = await method(**params, limit=_PAGE, cursor=cursor)
            except SlackApiError as error:
                raise DirectoryError(_why(error)) from None
            except Exception as error:  # the network, a timeout: Slack could not be asked at all
                raise DirectoryError(str(error) or type(error).__name__) from None
            for item in answer.get(key) or []:
                yield item
            cursor = (answer.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return


def _why(error: SlackApiError) -> str:
    method = str(error.response.api_url).rstrip("/").rsplit("/", 1)[-1]
    needed = error.response.get("needed")
    return f"{method}: {error.response.get('error')}" + (f" (needs {needed})" if needed else "")


def uses_names(rules: Rules) -> bool:
    """Whether the rules file names any channel or person by name (so Slack must be asked)."""
    return any(ref.is_name for _path, ref in _references(rules))


def _references(rules: Rules) -> list[tuple[KeyPath, SlackRef]]:
    """Every channel and person the rules name, section by section."""
    return rules.references()


async def resolve_names(rules: Rules, directory: SlackDirectory, lang: str) -> Resolution:
    """Look up every name the rules use; the rules come back with IDs wherever Slack knew the name.

    Raises DirectoryError when Slack cannot be asked. A rules file without names costs no call.
    """
    problems: list[NameProblem] = []
    ids: dict[str, str | None] = {}
    ambiguous: set[str] = set()
    for path, ref in _references(rules):
        if not ref.is_name or ref.id is not None:
            continue
        if ref.key not in ids:
            found = await directory.find(ref)
            ids[ref.key] = found if isinstance(found, str) else None
            if isinstance(found, set):
                ambiguous.add(ref.key)
        if ids[ref.key] is None:
            key = _problem_key(ref, ambiguous=ref.key in ambiguous)
            problems.append(NameProblem(path, t(lang, key, where=_where(path), name=ref.written)))
    if not ids:
        return Resolution(rules, [])
    try:
        leads = rules.leads.resolved(ids)
    except ValidationError as error:
        problems += [
            NameProblem(("leads", *e["loc"]), f"{_where(('leads', *e['loc']))}: {_message(e['msg'])}")
            for e in error.errors()
        ]
        return Resolution(rules, problems)
    resolved = {
        "leads": leads,
        "daily": rules.daily.resolved(ids),
        "deals": rules.deals.resolved(ids),
        "approvals": rules.approvals.resolved(ids),
    }
    return Resolution(rules.model_copy(update=resolved), problems)


def _problem_key(ref: SlackRef, *, ambiguous: bool) -> str:
    if ambiguous:
        return "names.ambiguous"
    return "names.unknown_channel" if ref.kind is RefKind.CHANNEL else "names.unknown_person"


def _where(path: KeyPath) -> str:
    return ".".join(str(part) for part in path)


def _message(text: str) -> str:
    return text.removeprefix("Value error, ")


def unannounced_pools(rules: Rules, lang: str) -> list[str]:
    """One sentence per pool whose lead cards go nowhere, naming the pool and why."""
    lines = []
    for pool in rules.leads.unannounced_pools():
        if pool.channel is None:
            lines.append(t(lang, "names.pool_without_channel", pool=pool.id))
        else:
            lines.append(t(lang, "names.pool_channel_unknown", pool=pool.id, channel=pool.channel.written))
    return lines
