"""One table of `/closeloop` subcommands: it parses, it writes the help, it feeds the manifest.

Features add their subcommands with `COMMANDS.add(...)` in their own handler module; nothing else
needs to know a subcommand exists.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.people import Person
from bot.services import Services

# A person named in a command's text, as Slack escapes it: `<@U123|alice>`.
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*")


@dataclass(frozen=True)
class CommandCall:
    """One invocation of a subcommand, with everything its runner needs."""

    services: Services
    client: AsyncWebClient
    person: Person
    team_id: str
    channel_id: str
    args: str
    trigger_id: str
    reply: Callable[
        ..., Awaitable[None]
    ]  # ephemeral answer to the caller: reply(text) or reply(text, blocks)


Runner = Callable[[CommandCall], Awaitable[None]]


@dataclass(frozen=True)
class Subcommand:
    """A subcommand: its name, its argument synopsis's catalogue key ("" for none), its help entry
    and what it runs."""

    name: str
    usage_key: str
    help_key: str
    run: Runner


@dataclass
class CommandTable:
    """The registry of subcommands, in the order help lists them."""

    entries: dict[str, Subcommand] = field(default_factory=dict)

    def add(self, subcommand: Subcommand) -> None:
        """Register a subcommand; names are unique."""
        if subcommand.name in self.entries:
            raise ValueError(f"subcommand {subcommand.name!r} is registered twice")
        self.entries[subcommand.name] = subcommand

    def parse(self, text: str) -> tuple[Subcommand | None, str, str]:
        """(subcommand or None, the word typed, the rest) for the text after `/closeloop`."""
        word, _, rest = text.strip().partition(" ")
        return self.entries.get(word.lower()), word, rest.strip()

    def help_text(self, lang: str) -> str:
        """The help, one line per subcommand, generated from the table."""
        lines = [t(lang, "help.header")]
        lines += [
            f"`/closeloop {s.name}{' ' + t(lang, s.usage_key) if s.usage_key else ''}`: {t(lang, s.help_key)}"
            for s in self.entries.values()
        ]
        lines.append(t(lang, "help.archive"))
        return "\n".join(lines)

    def usage_hint(self) -> str:
        """The manifest's `usage_hint` for `/closeloop`."""
        return "[" + " | ".join(self.entries) + "]"

    def unknown(self, word: str, lang: str) -> str:
        """What to say to a subcommand nobody registered."""
        return t(lang, "unknown.command", word=word, names=", ".join(self.entries))


COMMANDS = CommandTable()


async def _help(call: CommandCall) -> None:
    """`/closeloop help` (and bare `/closeloop`): the table, described."""
    await call.reply(COMMANDS.help_text(call.person.lang))


COMMANDS.add(Subcommand("help", "", "help.help", _help))


def slash_payload_fields(body: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """(team, channel, user, text, trigger) from a slash-command payload."""
    return (
        body.get("team_id", ""),
        body.get("channel_id", ""),
        body.get("user_id", ""),
        body.get("text", ""),
        body.get("trigger_id", ""),
    )
