"""Start a console session: the bot built on the console's Slack, the demo seeded once, the REPL run."""

from __future__ import annotations

import logging
import traceback
from datetime import datetime
from typing import TextIO

from sqlalchemy.engine import make_url

from bot.app import open_bot
from bot.clock import SimulatedClock
from bot.console import demo
from bot.console.client import ConsoleSlack, console_web_client
from bot.console.history import restore_members, restore_messages
from bot.console.lines import LineSource, ScriptLines, TerminalLines
from bot.console.screen import Screen
from bot.console.session import ConsoleSession
from bot.console.workspace import Workspace
from bot.i18n import t
from config.references import RefKind
from config.rules import Rules
from config.settings import Settings
from storage.db import Database

CONSOLE_TEAM_ID = "T0CONSOLE"
CONSOLE_TEAM_NAME = "closeloop-console"
DEFAULT_HANDLE = "me"
DEFAULT_CHANNEL = "general"


class _OneLineFormatter(logging.Formatter):
    """A log record as one line: what went wrong, never the traceback or a multi-line hint."""

    def formatException(self, ei: object) -> str:
        return ""

    def format(self, record: logging.LogRecord) -> str:
        line = (super().format(record).splitlines() or [""])[0]
        if record.exc_info and record.exc_info[1] is not None:
            line += f" ({traceback.format_exception_only(record.exc_info[1])[-1].strip()})"
        return line


def quiet_logging() -> None:
    """Keep the terminal for the conversation: warnings and errors only, one line each."""
    logging.basicConfig(level=logging.WARNING, force=True)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_OneLineFormatter("%(levelname)s %(name)s: %(message)s"))
    # Bolt warns about every event nobody listens to (app_mention, say); the console shows those itself
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)


async def run_console(
    settings: Settings,
    rules: Rules,
    *,
    demo_team: bool,
    handle: str | None,
    start: datetime,
    stdin: TextIO,
    stdout: TextIO,
) -> None:
    """Run one console session on the (already migrated) database until `/quit` or end of input."""
    clock = SimulatedClock(start)
    team_id, team_name = (
        (demo.DEMO_TEAM_ID, demo.DEMO_TEAM_NAME) if demo_team else (CONSOLE_TEAM_ID, CONSOLE_TEAM_NAME)
    )
    workspace = Workspace(team_id, team_name, clock)
    slack = ConsoleSlack(workspace)
    if demo_team:
        demo.add_demo_team(workspace)
    for _path, ref in rules.references():
        if ref.kind is RefKind.CHANNEL:
            workspace.add_channel(ref.name)  # a console channel exists once it is named, as with `/join`
    # The people come first, so that names in the rules file (`@alice`) are found among them.
    database = Database(settings.database_url)
    try:
        await restore_members(database, workspace, settings.closeloop_tz)
    finally:
        await database.dispose()
    bot = await open_bot(
        settings, clock=clock, rules=rules, client=console_web_client(slack), answer_after_work=True
    )
    lines: LineSource = TerminalLines() if stdin.isatty() else ScriptLines(stdin, stdout)
    screen = Screen(workspace, stdout)
    database_label = make_url(settings.database_url).render_as_string(hide_password=True)
    try:
        first = handle or ("alice" if demo_team else DEFAULT_HANDLE)
        me = workspace.member_named(first) or workspace.join(first, settings.closeloop_tz)
        channel = workspace.add_channel(demo.FIRST_CHANNEL if demo_team else DEFAULT_CHANNEL)
        await restore_messages(bot, workspace, list(workspace.channels))
        session = ConsoleSession(
            bot,
            slack,
            screen,
            lines,
            clock,
            me=me,
            channel=channel,
            database_label=database_label,
        )
        if demo_team and not await demo.has_demo_data(bot.services.db):
            with screen.muted():
                await demo.seed_demo(session)
        _welcome(session, demo_team, database_label)
        session.show_place()
        await session.run()
    finally:
        await bot.close()


def _welcome(session: ConsoleSession, demo_team: bool, database_label: str) -> None:
    lang = session.lang
    say = session.screen.say
    say(t(lang, "console.welcome", database=database_label))
    if demo_team:
        people = ", ".join(
            f"{m.display_name}{'' if m.display_name == m.handle else f' [{m.handle}]'} ({m.title})"
            for m in demo.PEOPLE
        )
        customers = ", ".join(f"{c.name} ({t(lang, f'console.region.{c.region}')})" for c in demo.CUSTOMERS)
        channels = " ".join(f"#{name}" for name in demo.CHANNELS)
        say(t(lang, "console.demo_team", people=people, channels=channels, customers=customers))
    else:
        say(t(lang, "console.empty_team", name=session.me.display_name))
    say(t(lang, "console.start_hint"))
    session.show_clock()
