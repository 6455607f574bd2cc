"""The `closeloop` command line: run the bot, migrate, export, import leads and payments, check the rules.

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

import aiohttp
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import open_bot
from bot.clock import StartedClock
from bot.console import demo
from bot.console.launch import quiet_logging, run_console
from bot.console.moments import parse_moment
from bot.directory import DirectoryError, Resolution, SlackDirectory, resolve_names, uses_names
from bot.export import EXPORTS, FORMATS, to_bytes
from bot.i18n import t
from bot.leads.importer import LeadFile, LeadFileError, read_lead_file
from bot.payments.importer import PaymentFile, PaymentFileError, outcome_line, read_payment_file, total_text
from bot.slack_client import build_web_client
from bot.transports import serve_http, serve_socket_mode
from config.rules import DEFAULT_RULES_NAME, Rules, RulesError, RulesProblem, load_rules
from config.settings import Settings
from config.toml_lines import key_lines, line_of
from scheduler.jobs import run_due_jobs
from storage import outbox
from storage.db import Database
from storage.models import Activity, Base, Contract, LeadRecord, OutboxMessage
from usecases.leads import LeadDesk, LeadError, Placement
from usecases.payment_intake import RowOutcome, receive_rows
from usecases.payments import PaymentDesk
from usecases.task_book import TaskBook

USAGE_ERROR = 2
TICK_DELIVERY_SECONDS = 120.0  # a tick sends what it queued; what Slack refuses longer waits for `run`
SHUTDOWN_SECONDS = 1.0  # open HTTP requests get this long on SIGTERM; the workers then stop within 8 s

IMPORT_LEADS_EPILOG = """\
The header row names the columns: company, contact, phone, email, region, industry, source,
budget (a range: 50000-80000, 5万-8万), urgency, signals (split on ; , 、), notes, or in Chinese
公司 联系人 电话/手机 邮箱 区域/地区 行业 来源 预算 紧急程度 信号 备注. Other columns become the
lead's extra attributes. Duplicates (same phone, or same company and contact) merge into the lead
already known.

Without --commit nothing is stored: every bad row is printed as FILE:LINE: field: message, and
the exit code is 2 if any row is bad, else 0. With --commit the good rows are scored, routed and
stored in one transaction (exit 0; bad rows are still printed and skipped); with --commit --strict
a single bad row means nothing is imported (exit 2).

Imported leads get no Slack card, since this command does not talk to Slack; a lead gets its card
when it is routed again."""


IMPORT_PAYMENTS_EPILOG = """\
The header row names the columns: contract (or 合同编号, 合同号: a contract number C-2026-0001 or its
quote's Q-2026-0001), reference (流水号, 交易号: the bank's transaction id), amount (金额: 30000,
30,000.50, 3万), and optionally currency (币种), paid_at (付款日期, 到账日期: ISO-8601; without a zone,
in CLOSELOOP_TZ; default now) and payer (付款方).

Every row is checked before anything is written, in one transaction: if any row is bad (unknown
contract, more than is owed, unreadable field) each is printed as FILE:LINE: message, nothing is
recorded, and the exit code is 2. A reference already recorded is reported and changes nothing, so
importing a file again is safe. With --dry-run nothing is recorded either way."""


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

    tick = commands.add_parser(
        "tick", help="run every scheduled job due at an instant, once for the whole cluster; send; exit"
    )
    tick.add_argument("--at", default=None, metavar="ISO-8601", help="the instant (default: now)")

    outbox_parser = commands.add_parser("outbox", help="messages waiting to be sent, or given up")
    outbox_parser.add_argument("--dead", action="store_true", help="list messages given up after 24 h")
    outbox_commands = outbox_parser.add_subparsers(dest="outbox_command")
    retry = outbox_commands.add_parser("retry", help="send a message again")
    retry.add_argument("id", type=int, help="the message's id, as `closeloop outbox` lists it")

    db = commands.add_parser("db", help="database maintenance")
    db.add_subparsers(dest="db_command", required=True).add_parser(
        "upgrade", help="apply migrations and exit"
    )

    export = commands.add_parser("export", help="export records")
    export.add_argument("table", choices=sorted(EXPORTS))
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("--out", type=Path, default=None, help="default: standard output")

    imports = commands.add_parser("import", help="import records from a file")
    import_kinds = imports.add_subparsers(dest="import_command", required=True)
    import_leads = import_kinds.add_parser(
        "leads",
        help="import leads from a CSV or XLSX file (a dry run unless --commit)",
        epilog=IMPORT_LEADS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    import_leads.add_argument("file", type=Path, help="a .csv (UTF-8 or GB18030) or .xlsx file (first sheet)")
    import_leads.add_argument("--commit", action="store_true", help="store the good rows, in one transaction")
    import_leads.add_argument(
        "--strict", action="store_true", help="with --commit: store nothing if a row is bad"
    )
    import_leads.add_argument(
        "--team",
        default=None,
        metavar="TEAM_ID",
        help="the Slack team the leads belong to (default: the team of the leads or activities stored)",
    )

    import_payments = import_kinds.add_parser(
        "payments",
        help="record payments received from a CSV or XLSX file (all rows or none)",
        epilog=IMPORT_PAYMENTS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    import_payments.add_argument(
        "file", type=Path, help="a .csv (UTF-8 or GB18030) or .xlsx file (first sheet)"
    )
    import_payments.add_argument("--dry-run", action="store_true", help="check every row, record nothing")
    import_payments.add_argument(
        "--team",
        default=None,
        metavar="TEAM_ID",
        help="the Slack team the contracts belong to (default: the team of the contracts stored)",
    )

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
    logging.getLogger("alembic").setLevel(logging.WARNING)  # "Context impl…" on every command is noise
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per tick would bury the rest
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # health probes every few seconds
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
        if len(missing) == 1:
            raise CliError(t(lang, "cli.missing_env", name=missing[0]))
        names = t(lang, "cli.names_and", first=missing[0], second=missing[1])
        raise CliError(t(lang, "cli.missing_envs", names=names))
    rules = _rules_or_fail(settings)
    asyncio.run(_check_token(settings))
    asyncio.run(_migrate(settings))
    try:
        if settings.socket_mode:
            asyncio.run(
                serve_socket_mode(
                    settings,
                    rules,
                    scheduler=not args.no_scheduler,
                    host=args.host,
                    port=args.port or settings.port,
                )
            )
            return 0
        port = args.port or settings.port
        print(t(lang, "cli.listening", host=args.host, port=port), flush=True)
        web.run_app(
            serve_http(settings, rules, scheduler=not args.no_scheduler),
            host=args.host,
            port=port,
            print=None,
            shutdown_timeout=SHUTDOWN_SECONDS,
        )
    except DirectoryError as error:
        raise CliError(t(lang, "names.lookup_failed", error=error)) from None
    return 0


_TOKEN_REFUSALS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


async def _check_token(settings: Settings) -> None:
    """Ask Slack who the token is (`auth.test`): a refused token stops the start, an outage does not."""
    lang = settings.closeloop_lang
    # One attempt: the workers retry on their own once running, so the start need not wait here.
    client = AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10, retry_handlers=[]
    )
    try:
        await client.auth_test()
    except SlackApiError as error:
        code = str(error.response.get("error") or f"HTTP {error.response.status_code}")
        if code in _TOKEN_REFUSALS:
            raise CliError(t(lang, "cli.token_refused", variable="SLACK_BOT_TOKEN", error=code)) from None
        print(t(lang, "cli.slack_unreachable", error=code), file=sys.stderr, flush=True)
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        print(t(lang, "cli.slack_unreachable", error=type(error).__name__), file=sys.stderr, flush=True)


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
    # The demo team comes with its own roster and pools unless the admin points at a rules file.
    rules = demo.demo_rules() if args.demo and settings.closeloop_rules is None else _rules_or_fail(settings)
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
            raise CliError(t(settings.closeloop_lang, "cli.export.binary_to_terminal"))
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        args.out.write_bytes(data)
        print(t(settings.closeloop_lang, "cli.exported", count=len(rows), path=args.out), file=sys.stderr)
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    if args.import_command == "payments":
        return _import_payments(args, settings)
    return _import_leads(args, settings)


def _import_payments(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.closeloop_lang
    quiet_logging()  # stderr is the list of bad rows; migration chatter would bury it
    now = datetime.now(UTC)
    try:
        payment_file = read_payment_file(args.file, lang, settings.closeloop_tz, now)
    except PaymentFileError as error:
        raise CliError(str(error)) from None
    outcomes = asyncio.run(_record_payments(payment_file, args, settings, now))
    bad = payment_file.bad + [
        payment_file.refused(o.line, o.error, lang) for o in outcomes if o.error is not None
    ]
    rows = t(lang, "payments.import.rows", count=len(payment_file.good) + len(payment_file.bad))
    for bad_row in sorted(bad, key=lambda row: row.line):
        print(bad_row.describe(args.file), file=sys.stderr)
    if bad:
        print(t(lang, "payments.import.refused", rows=rows, bad=len(bad)))
        return USAGE_ERROR
    for outcome in outcomes:
        print(outcome_line(outcome, lang))
    already = sum(1 for o in outcomes if o.result is not None and o.result.duplicate)
    print(
        t(
            lang,
            "payments.import.dry_run" if args.dry_run else "payments.import.done",
            rows=rows,
            recorded=len(outcomes) - already,
            already=already,
            total=total_text(outcomes, lang),
        )
    )
    return 0


async def _record_payments(
    payment_file: PaymentFile, args: argparse.Namespace, settings: Settings, now: datetime
) -> list[RowOutcome]:
    """Every good row tried in one transaction, kept only when all pass and this is no dry run."""
    if not payment_file.good:
        return []
    rules = _rules_or_fail(settings)
    await _migrate(settings)
    database = Database(settings.database_url)
    try:
        team_id = args.team
        if team_id is None:
            async with database.sessions() as session:
                team_id = await _usual_team(session, (Contract,))
        if team_id is None:
            raise CliError(t(settings.closeloop_lang, "payments.import.no_team"))
        desk = PaymentDesk(database, rules, TaskBook(rules, settings.closeloop_tz))
        commit = not args.dry_run and not payment_file.bad
        return await receive_rows(database, desk, team_id, payment_file.good, None, now, commit=commit)
    finally:
        await database.dispose()


def _import_leads(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.closeloop_lang
    quiet_logging()  # stderr is the list of bad rows; migration chatter would bury it
    try:
        lead_file = read_lead_file(args.file, lang)
    except LeadFileError as error:
        raise CliError(str(error)) from None
    for bad_row in lead_file.bad:
        print(bad_row.describe(args.file), file=sys.stderr)
    rows = t(lang, "cli.import.rows", count=lead_file.rows)
    counts = {"rows": rows, "good": len(lead_file.good), "bad": len(lead_file.bad)}
    if not args.commit:
        print(t(lang, "cli.import.dry_run", **counts))
        return USAGE_ERROR if lead_file.bad else 0
    if args.strict and lead_file.bad:
        print(t(lang, "cli.import.strict_refused", **counts))
        return USAGE_ERROR
    placements = asyncio.run(_place_leads(lead_file, args.team, settings)) if lead_file.good else []
    for good_row, placement in zip(lead_file.good, placements, strict=True):
        print(_placement_line(lang, good_row.line, placement))
    merged = sum(placement.merged for placement in placements)
    print(
        t(
            lang,
            "cli.import.committed",
            rows=rows,
            added=t(lang, "cli.import.added", count=len(placements) - merged),
            merged=merged,
            skipped=t(lang, "cli.import.skipped", count=len(lead_file.bad)),
        )
    )
    return 0


async def _place_leads(lead_file: LeadFile, team_id: str | None, settings: Settings) -> list[Placement]:
    lang = settings.closeloop_lang
    rules = _rules_or_fail(settings)
    if uses_names(rules):
        # Routing hands leads to people by ID: names must be looked up, or nobody would get a lead.
        if not settings.slack_bot_token:
            raise CliError(t(lang, "names.need_token", token="SLACK_BOT_TOKEN"))
        try:
            resolution = await _resolve(settings, rules)
        except DirectoryError as error:
            raise CliError(t(lang, "names.lookup_failed", error=error)) from None
        for problem in resolution.problems:
            print(problem.message, file=sys.stderr)
        rules = resolution.rules
    await _migrate(settings)
    database = Database(settings.database_url)
    try:
        if team_id is None:
            async with database.sessions() as session:
                team_id = await _usual_team(session, (LeadRecord, Activity))
        if team_id is None:
            raise CliError(t(lang, "cli.import.no_team"))
        desk = LeadDesk(database, rules.leads, TaskBook(rules, settings.closeloop_tz))
        try:
            return await desk.intake_many(team_id, [row.lead for row in lead_file.good], datetime.now(UTC))
        except LeadError:  # intake's one refusal: routing stayed busy, and the transaction rolled back
            raise CliError(t(lang, "cli.import.busy")) from None
    finally:
        await database.dispose()


async def _usual_team(session: AsyncSession, models: tuple[type[Base], ...]) -> str | None:
    """The team most rows of the first of `models` (else the next) belong to: the command line has no
    workspace to ask."""
    for model in models:
        team_id = await session.scalar(
            select(model.team_id)
            .group_by(model.team_id)
            .order_by(func.count().desc(), model.team_id)
            .limit(1)
        )
        if team_id is not None:
            return team_id
    return None


def _placement_line(lang: str, line: int, placement: Placement) -> str:
    lead = placement.lead
    if placement.merged:
        return t(lang, "cli.import.merged", line=line, id=lead.id)
    if lead.owner_id:
        key = "cli.import.owner"
    elif lead.status == "offered":
        key = "cli.import.offered"
    else:
        key = "cli.import.public"
    return t(lang, key, line=line, id=lead.id, grade=lead.grade, owner=lead.owner_id)


def _config(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.closeloop_lang
    path: Path | None = args.file or settings.closeloop_rules
    try:
        rules = load_rules(path)
    except RulesError as error:
        print(error, file=sys.stderr)
        return USAGE_ERROR
    source, text = (str(path), path.read_text(encoding="utf-8")) if path else (DEFAULT_RULES_NAME, "")
    lines = key_lines(text)
    if uses_names(rules) and not settings.slack_bot_token:
        print(t(lang, "names.not_checked", token="SLACK_BOT_TOKEN", api_url="SLACK_API_URL"), file=sys.stderr)
    elif uses_names(rules):
        try:
            resolution = asyncio.run(_resolve(settings, rules))
        except DirectoryError as error:
            print(f"{source}:1: {t(lang, 'names.lookup_failed', error=error)}", file=sys.stderr)
            return USAGE_ERROR
        if resolution.problems:
            for problem in resolution.problems:
                print(RulesProblem(source, line_of(lines, problem.path), problem.message), file=sys.stderr)
            return USAGE_ERROR
    leads = rules.leads
    pool_index = {pool.id: index for index, pool in enumerate(leads.pools)}
    for pool in leads.unannounced_pools():
        if pool.channel is None:  # a channel name Slack does not know is a problem reported above
            where = ("leads", "pools", pool_index[pool.id]) if pool.id in pool_index else ("leads",)
            message = t(lang, "names.pool_without_channel", pool=pool.id)
            print(RulesProblem(source, line_of(lines, where), message), file=sys.stderr)
    print(t(lang, "cli.ok"))
    return 0


async def _resolve(settings: Settings, rules: Rules) -> Resolution:
    client = build_web_client(settings.slack_bot_token or "", settings.slack_api_url)
    return await resolve_names(rules, SlackDirectory(client), settings.closeloop_lang)


def _tick(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.closeloop_lang
    if not settings.slack_bot_token:
        raise CliError(t(lang, "cli.missing_env", name="SLACK_BOT_TOKEN"))
    try:
        at = parse_moment(args.at, settings.closeloop_tz) if args.at else datetime.now(UTC)
    except ValueError:
        raise CliError(t(lang, "cli.tick.bad_at", text=args.at)) from None
    rules = _rules_or_fail(settings)

    async def tick() -> tuple[list[str], int, int]:
        await _migrate(settings)
        try:
            bot = await open_bot(settings, rules=rules, clock=StartedClock(at))
        except DirectoryError as error:
            raise CliError(t(lang, "names.lookup_failed", error=error)) from None
        try:
            ran = await run_due_jobs(bot.services, at)
            sent = await bot.delivery.deliver_due(until_idle=2.0, give_up_after=TICK_DELIVERY_SECONDS)
            async with bot.services.db.sessions() as session:
                waiting = len(await outbox.listing(session, dead=False))
        finally:
            await bot.close()
        return ran, sent, waiting

    ran, sent, waiting = asyncio.run(tick())
    print(t(lang, "cli.tick.done", at=at.isoformat(), jobs=", ".join(ran) or "-", sent=sent, waiting=waiting))
    return 0


def _outbox(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.closeloop_lang

    async def work() -> list[str]:
        await _migrate(settings)
        database = Database(settings.database_url)
        try:
            if args.outbox_command == "retry":
                async with database.sessions.begin() as session:
                    if not await outbox.requeue(session, args.id, datetime.now(UTC)):
                        raise CliError(t(lang, "cli.outbox.no_such", id=args.id))
                return [t(lang, "cli.outbox.requeued", id=args.id)]
            async with database.sessions() as session:
                rows = await outbox.listing(session, dead=args.dead)
        finally:
            await database.dispose()
        return [_outbox_line(row) for row in rows] or [t(lang, "cli.outbox.empty")]

    for line in asyncio.run(work()):
        print(line)
    return 0


def _outbox_line(row: OutboxMessage) -> str:
    """`12  pending  record-card:7  → C123  attempts 3  since 2026-12-01T09:00Z  ratelimited`."""
    since = row.pending_since.strftime("%Y-%m-%dT%H:%MZ")
    return "  ".join(
        [str(row.id), row.state, row.dedupe_key, f"→ {row.channel}", f"attempts {row.attempts}", since]
        + ([row.last_error] if row.last_error else [])
    )


COMMAND_RUNNERS = {
    "run": _run,
    "tick": _tick,
    "outbox": _outbox,
    "console": _console,
    "db": _db,
    "export": _export,
    "import": _import,
    "config": _config,
}


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
