"""The `closeloop` command line: run the bot, migrate, export, check the rules.

Usage errors exit with code 2 and one line saying what is wrong, as the contract promises.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web
from sqlalchemy.engine import make_url

from bot.console.launch import quiet_logging, run_console
from bot.console.moments import parse_moment
from bot.export import EXPORTS, FORMATS, to_bytes
from bot.i18n import t
from bot.transports import serve_http, serve_socket_mode
from config.rules import Rules, RulesError, load_rules
from config.settings import Settings
from storage.db import Database

USAGE_ERROR = 2


class CliError(Exception):
    """A problem the person at the terminal can fix; printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one subparser per command of the contract."""
    parser = argparse.ArgumentParser(
        prog="closeloop", description="A Slack bot that closes a sales team's loops."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    run.add_argument("--host", default="0.0.0.0")
    run.add_argument("--port", type=int, default=None, help="default: $PORT, else 3000")
    run.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs in this process")

    console = commands.add_parser("console", help="try the bot in the terminal, no Slack workspace needed")
    console.add_argument("--demo", action="store_true", help="start with a demo team (seeded once)")
    console.add_argument(
        "--as",
        dest="as_user",
        default=None,
        metavar="USER",
        help="who types first (default: alice with --demo, else me)",
    )
    console.add_argument(
        "--now", default=None, metavar="ISO-8601", help="start the simulated clock here (default: now)"
    )

    db = commands.add_parser("db", help="database maintenance")
    db.add_subparsers(dest="db_command", required=True).add_parser(
        "upgrade", help="apply migrations and exit"
    )

    export = commands.add_parser("export", help="export records")
    export.add_argument("table", choices=sorted(EXPORTS))
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("--out", type=Path, default=None, help="default: standard output")

    config = commands.add_parser("config", help="rules file tools")
    check = config.add_subparsers(dest="config_command", required=True).add_parser(
        "check", help="validate a rules file"
    )
    check.add_argument(
        "file", nargs="?", type=Path, default=None, help="default: $CLOSELOOP_RULES or the packaged rules"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `closeloop` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    try:
        return COMMAND_RUNNERS[args.command](args, settings)
    except CliError as error:
        print(error, file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.closeloop_lang
    missing = ["SLACK_BOT_TOKEN"] if not settings.slack_bot_token else []
    if not settings.socket_mode and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET")
    if missing:
        raise CliError(t(lang, "cli.missing_env", name=" and ".join(missing)))
    rules = _rules_or_fail(settings)
    asyncio.run(_migrate(settings))
    if settings.socket_mode:
        asyncio.run(serve_socket_mode(settings, rules, scheduler=not args.no_scheduler))
        return 0
    port = args.port or settings.port
    print(t(lang, "cli.listening", host=args.host, port=port), flush=True)
    web.run_app(
        serve_http(settings, rules, scheduler=not args.no_scheduler), host=args.host, port=port, print=None
    )
    return 0


def _rules_or_fail(settings: Settings) -> Rules:
    try:
        return load_rules(settings.closeloop_rules)
    except RulesError as error:
        raise CliError(f"{t(settings.closeloop_lang, 'cli.rules_invalid')}\n{error}") from None


async def _migrate(settings: Settings) -> None:
    database = Database(settings.database_url)
    try:
        await database.upgrade()
    except Exception as error:
        url = make_url(settings.database_url).render_as_string(hide_password=True)
        raise CliError(t(settings.closeloop_lang, "cli.database_error", url=url, error=error)) from None
    finally:
        await database.dispose()


def _console(args: argparse.Namespace, settings: Settings) -> int:
    rules = _rules_or_fail(settings)
    try:
        start = parse_moment(args.now, settings.closeloop_tz) if args.now else datetime.now(UTC)
    except ValueError:
        raise CliError(t(settings.closeloop_lang, "console.bad_now", text=args.now)) from None
    quiet_logging()

    async def session() -> None:
        await _migrate(settings)
        await run_console(
            settings,
            rules,
            demo_team=args.demo,
            handle=args.as_user,
            start=start,
            stdin=sys.stdin,
            stdout=sys.stdout,
        )

    asyncio.run(session())
    return 0


def _db(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_migrate(settings))
    url = make_url(settings.database_url).render_as_string(hide_password=True)
    print(t(settings.closeloop_lang, "cli.migrated", url=url))
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    export = EXPORTS[args.table]

    async def fetch() -> list[dict]:
        await _migrate(settings)
        database = Database(settings.database_url)
        try:
            async with database.sessions() as session:
                return await export.fetch(session)
        finally:
            await database.dispose()

    rows = asyncio.run(fetch())
    data = to_bytes(export.columns, rows, args.format)
    if args.out is None:
        if args.format == "xlsx" and sys.stdout.isatty():
            raise CliError("closeloop: xlsx is binary; pass --out FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        args.out.write_bytes(data)
        print(t(settings.closeloop_lang, "cli.exported", count=len(rows), path=args.out), file=sys.stderr)
    return 0


def _config(args: argparse.Namespace, settings: Settings) -> int:
    try:
        load_rules(args.file or settings.closeloop_rules)
    except RulesError as error:
        print(error, file=sys.stderr)
        return USAGE_ERROR
    print(t(settings.closeloop_lang, "cli.ok"))
    return 0


COMMAND_RUNNERS = {"run": _run, "console": _console, "db": _db, "export": _export, "config": _config}


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
