"""The console's REPL: who is speaking and where, and each line turned into a Slack request to the bot.

Messages, `/closeloop` commands, clicks and modal submissions become the payloads Slack would send;
they go through the bot's own Bolt app (`async_dispatch`), then the inbox is drained, so what happens
next is exactly what would happen in Slack. What the bot does in return arrives at `ConsoleSlack`
and is shown here.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.app import Bot
from bot.clock import SimulatedClock
from bot.console import clicks, modal
from bot.console.client import ConsoleSlack, with_block_ids
from bot.console.history import restore_messages
from bot.console.lines import LineSource
from bot.console.moments import parse_clock_target
from bot.console.payloads import (
    app_home_opened_event,
    app_mention_event,
    block_actions,
    message_event,
    slash_command,
    view_submission,
)
from bot.console.render import render_message, text_of
from bot.console.screen import Place, Screen
from bot.console.workspace import BOT_USER_ID, Channel, Member, Message, Workspace
from bot.i18n import language_for, t
from bot.render.dates import format_moment
from bot.slack_standin.block_kit import message_block_errors
from domain.leads import Rep
from scheduler.jobs import run_due_jobs

JsonDict = dict[str, Any]

_HISTORY_SHOWN = 10  # top-level messages shown on entering a channel


@dataclass(frozen=True)
class ConsoleCommand:
    """A console command: its name, its argument synopsis's catalogue key ("" for none), its help entry
    and what it runs."""

    name: str
    usage_key: str
    help_key: str
    run: Callable[[ConsoleSession, str], Awaitable[None]]


class ConsoleSession:
    """One person at the terminal talking to the bot, in a workspace the console plays."""

    def __init__(
        self,
        bot: Bot,
        slack: ConsoleSlack,
        screen: Screen,
        lines: LineSource,
        clock: SimulatedClock,
        *,
        me: Member,
        channel: Channel,
        database_label: str,
    ):
        self.bot = bot
        self.slack = slack
        self.workspace: Workspace = slack.workspace
        self.screen = screen
        self.clock = clock
        self.me = me
        self.place = Place(channel.channel_id)
        self._lines = lines
        self._settings = bot.services.settings
        self._database_label = database_label
        self._done = False

    @property
    def lang(self) -> str:
        """The console speaks the language of whoever is at the keyboard."""
        return language_for(self.me.locale, self._settings.closeloop_lang)

    @property
    def prompter(self) -> modal.Prompter:
        """How modals, selects and confirmations ask their questions."""
        return modal.Prompter(self._lines.read, self.screen.say, self.lang, self.workspace)

    def prompt(self) -> str:
        """`[alice @ #sales-leads]> `, or with the thread when in one."""
        where = self.workspace.channel_name(self.place.channel_id)
        if self.place.thread_ts:
            root = self.workspace.find(self.place.channel_id, self.place.thread_ts)
            number = root.number if root else "?"
            where = t(self.lang, "console.where_thread", channel=where, number=number)
        return t(self.lang, "console.prompt", user=self.me.display_name, where=where)

    # the loop

    async def run(self) -> None:
        """Read and act on lines until `/quit` or the end of the input."""
        while not self._done:
            line = self._lines.read(self.prompt())
            if line is None:
                break
            await self.handle(line)
        self.screen.say(t(self.lang, "console.bye", database=self._database_label))

    async def handle(self, line: str) -> None:
        """One line: a console command, the bot's slash command, or a message."""
        text = line.strip()
        if not text:
            return
        if not text.startswith("/"):
            await self.post(self.me, self._channel(), text, thread_ts=self.place.thread_ts)
            return
        word, _, rest = text[1:].partition(" ")
        if word.lower() == "closeloop":
            await self.command(self.me, self._channel(), rest.strip())
            return
        command = CONSOLE_COMMANDS.get(word.lower())
        if command is None:
            names = " ".join(f"/{name}" for name in CONSOLE_COMMANDS)
            self.screen.say(t(self.lang, "console.unknown_command", word="/" + word, names=names))
            return
        await command.run(self, rest.strip())

    # speaking to the bot as Slack would

    async def post(
        self,
        author: Member,
        channel: Channel,
        text: str,
        *,
        thread_ts: str | None = None,
        at: datetime | None = None,
    ) -> Message:
        """`author` says `text` in `channel` (in a thread when `thread_ts` is given), at `at` or now."""
        encoded = self.workspace.encode_mentions(text)
        message = self.workspace.add_message(
            Message(channel.channel_id, self.workspace.next_ts(at), encoded, author.user_id, thread_ts)
        )
        self.screen.show(message, self.me, self.lang, self.place)
        await self._send(message_event(self.workspace, message, channel))
        if f"<@{BOT_USER_ID}>" in encoded:
            await self._send(app_mention_event(self.workspace, message))
        await self._fill_modals()
        return message

    async def command(self, author: Member, channel: Channel, text: str) -> None:
        """`author` types `/closeloop TEXT` in `channel`; the immediate answer is theirs alone."""
        response = await self._send(slash_command(self.workspace, author, channel, text))
        if response.status == 200 and response.body:
            self._show_command_answer(response.body, author, channel)
        await self._fill_modals()

    async def _send(self, body: JsonDict) -> BoltResponse:
        """Through the bot's app as a Socket Mode request, then everything the inbox took in."""
        response = await self.bot.app.async_dispatch(AsyncBoltRequest(body=body, mode="socket_mode"))
        await self.bot.settle()
        self._show_notices()
        if response.status == 404:
            self.screen.say(t(self.lang, "console.unhandled"))
        elif response.status >= 400:
            self.screen.say(t(self.lang, "console.failed", status=response.status))
        return response

    def _show_command_answer(self, raw: str, author: Member, channel: Channel) -> None:
        """Slack shows a slash command's answer to its author only, unless it says `in_channel`."""
        answer = _json(raw) or {"text": raw}
        blocks = answer.get("blocks") or []
        if errors := message_block_errors(blocks):
            self.screen.say(t(self.lang, "console.rejected", detail="; ".join(errors)))
            return
        public = answer.get("response_type") == "in_channel"
        message = self.workspace.add_message(
            Message(
                channel.channel_id,
                self.workspace.next_ts(),
                answer.get("text", ""),
                user_id=None,
                blocks=blocks,
                only_for=None if public else author.user_id,
            )
        )
        self.screen.show(message, self.me, self.lang, self.place)

    def _show_notices(self) -> None:
        for notice in self.slack.take_notices():
            if notice.kind == "rejected":
                self.screen.say(t(self.lang, "console.rejected", detail=notice.detail))
            elif notice.message is not None:
                change = None if notice.kind == "posted" else t(self.lang, f"console.{notice.kind}")
                self.screen.show(notice.message, self.me, self.lang, self.place, change)

    async def _fill_modals(self) -> None:
        """Prompt for each open modal in turn and submit it, until the bot leaves none open."""
        answered: JsonDict | None = None
        errors: dict[str, str] | None = None
        while self.slack.views:
            view = self.slack.views[-1]
            prompter = self.prompter
            if errors is None:
                title = text_of(view.get("title"), self.workspace)
                self.screen.say(f"┌ {title}  ({t(self.lang, 'console.modal_hint')})")
            try:
                values = modal.fill(view, prompter, answered, errors)
            except modal.Cancelled:
                self.slack.close_views()
                self.screen.say(f"└ {t(self.lang, 'console.modal_closed')}")
                return
            submit = text_of(view.get("submit"), self.workspace) or t(self.lang, "modal.save")
            self.screen.say(f"└ {submit}")
            response = await self._send(view_submission(self.workspace, self.me, view, values))
            if response.status != 200:
                self.slack.close_views()  # Slack would keep the modal open with an error; a script cannot retry
                return
            answered, errors = self._after_submission(view, values, _json(response.body) or {})

    def _after_submission(
        self, view: JsonDict, values: JsonDict, reply: JsonDict
    ) -> tuple[JsonDict | None, dict[str, str] | None]:
        """Apply the bot's `response_action`; the answers and errors to ask again, if it refused."""
        action = reply.get("response_action")
        if action == "errors":
            errors = dict(reply.get("errors") or {})
            fixable = {f.block_id for f in modal.fields_of(view, self.workspace)}
            if errors and errors.keys() <= fixable:
                return values, errors
            for message in errors.values():
                self.screen.say(f"  ! {message}")
            self.slack.close_views()
        elif action == "update":
            self.slack.answer("views.update", {"view_id": view["id"], "view": reply.get("view")})
        elif action == "push":
            self.slack.answer("views.push", {"view": reply.get("view")})
        elif action == "clear":
            self.slack.close_views()
        else:
            self.slack.views = [v for v in self.slack.views if v["id"] != view["id"]]
        self._show_notices()
        return None, None

    # console commands

    async def show_help(self, _args: str) -> None:
        """List the console's commands, generated from the table."""
        self.screen.say(t(self.lang, "console.help_header"))
        usages = {
            name: f"/{name} {t(self.lang, c.usage_key) if c.usage_key else ''}".rstrip()
            for name, c in CONSOLE_COMMANDS.items()
        }
        width = max(len(usage) for usage in usages.values())
        for name, command in CONSOLE_COMMANDS.items():
            self.screen.say(f"  {usages[name]:<{width}}  {t(self.lang, command.help_key)}")
        self.screen.say(t(self.lang, "console.help_footer"))
        self._show_people(await self.bot.services.leads.roster(self.workspace.team_id))
        self._show_channels()

    def _show_people(self, roster: Sequence[Rep]) -> None:
        """Who is in the team, how to become them, and what the lead rules make of them."""
        leads = self.bot.services.rules.leads
        reps = {rep.user_id: rep for rep in roster}
        rows = []
        for member in self.workspace.members.values():
            roles = [member.title] if member.title else []
            if member.user_id in leads.manager_ids:
                roles.append(t(self.lang, "console.role.manager"))
            if rep := reps.get(member.user_id):
                regions = ", ".join(sorted(rep.regions)) or t(self.lang, "rep.all")
                roles.append(t(self.lang, "console.role.rep", regions=regions, weight=rep.weight))
            name = member.real_name if member.real_name != member.handle else ""
            rows.append((member.handle, name, " · ".join(roles)))
        if not rows:
            return
        self.screen.say(t(self.lang, "console.help_people"))
        handle_width = max(len(handle) for handle, _, _ in rows)
        name_width = max(_width(name) for _, name, _ in rows)
        for handle, name, roles in rows:
            padding = " " * (name_width - _width(name))
            self.screen.say(f"  {handle:<{handle_width}}  {name}{padding}  {roles}".rstrip())

    def _show_channels(self) -> None:
        """The channels, each with the lead pool that posts its cards there."""
        pools: dict[str, list[str]] = {}
        table = self.bot.services.rules.leads.routing_table
        for pool in {p.id: p for p in (*table.pools, table.default_pool)}.values():
            if pool.channel_id:
                regions = ", ".join(sorted(pool.regions)) or t(self.lang, "rep.all")
                key = f"console.pool.{pool.mode.value}"
                pools.setdefault(pool.channel_id, []).append(t(self.lang, key, pool=pool.id, regions=regions))
        channels = [c for c in self.workspace.channels.values() if c.dm_of is None]
        if not channels:
            return
        self.screen.say(t(self.lang, "console.help_channels"))
        width = max(len(c.name) for c in channels) + 1
        for channel in channels:
            self.screen.say(
                f"  {'#' + channel.name:<{width}}  {'; '.join(pools.get(channel.channel_id, []))}".rstrip()
            )

    async def quit(self, _args: str) -> None:
        """Leave after this line."""
        self._done = True

    async def enter_thread(self, args: str) -> None:
        """Go into the thread of message N (a reply's number means its thread)."""
        message = self._numbered(args, "console.thread_usage")
        if message is None:
            return
        root = self.workspace.find(message.channel_id, message.thread_ts) if message.is_reply else message
        if root is None or root.deleted:  # a reply whose thread start is no longer kept
            self.screen.say(t(self.lang, "console.no_message", number=args))
            return
        self.place = Place(root.channel_id, root.ts)
        channel = self.workspace.channel_name(root.channel_id)
        self.screen.say(t(self.lang, "console.in_thread", number=root.number, channel=channel))
        self.screen.show_history(
            self.workspace.thread(root.channel_id, root.ts), self.me, self.lang, self.place
        )

    async def leave_thread(self, _args: str) -> None:
        """Back to the channel the thread is in."""
        if self.place.thread_ts is None:
            self.screen.say(t(self.lang, "console.not_in_thread"))
            return
        self.place = Place(self.place.channel_id)
        self.screen.say(
            t(self.lang, "console.back", channel=self.workspace.channel_name(self.place.channel_id))
        )

    async def click(self, args: str) -> None:
        """Press button N of the last message shown with buttons (a select asks which option)."""
        if not args.isdigit():
            self.screen.say(t(self.lang, "console.click_usage"))
            return
        target = self.screen.click_target
        if (
            target is None
            or target.deleted
            or not target.visible_to(self.me.user_id, self.workspace.channels)
        ):
            self.screen.say(t(self.lang, "console.nothing_to_click"))
            return
        clickables = render_message(target.text, target.blocks, self.workspace).clickables
        clickable = next((c for c in clickables if c.number == int(args)), None)
        if clickable is None:
            self.screen.say(t(self.lang, "console.no_button", number=args, count=len(clickables)))
            return
        try:
            action = clicks.action_for(clickable.element, self.prompter)
        except modal.Cancelled:
            return
        if action is None:
            return
        body = block_actions(
            self.workspace, self.me, target, clickable.block_id, action, self.workspace.next_ts()
        )
        await self._send(body)
        await self._fill_modals()

    async def switch_user(self, args: str) -> None:
        """Speak as someone else; a new name joins the team with its default language and zone."""
        if not args:
            names = ", ".join(m.handle for m in self.workspace.members.values())
            self.screen.say(t(self.lang, "console.as_usage", names=names))
            return
        member = self.workspace.member_named(args)
        if member is None:
            member = self.workspace.join(args, self._settings.closeloop_tz)
            self.screen.say(t(self.lang, "console.joined", name=member.display_name))
        self.me = member
        self.screen.say(
            t(self.lang, "console.you_are", name=member.display_name, language=self.lang, tz=member.tz)
        )

    async def switch_channel(self, args: str) -> None:
        """Go to a channel (a new name creates it); without a name, list the channels."""
        if not args:
            names = " ".join(f"#{c.name}" for c in self.workspace.channels.values() if c.dm_of is None)
            self.screen.say(t(self.lang, "console.channels", names=names))
            return
        channel = self.workspace.channel_named(args)
        if channel is None:
            channel = self.workspace.add_channel(args)
            await restore_messages(self.bot, self.workspace, [channel.channel_id])
            self.screen.say(t(self.lang, "console.channel_created", channel=f"#{channel.name}"))
        self.place = Place(channel.channel_id)
        self.show_place()

    async def show_dms(self, _args: str) -> None:
        """The bot's direct messages to whoever is at the keyboard."""
        dm = self.workspace.dm_with(self.me.user_id)
        messages = [m for m in self.workspace.messages if m.channel_id == dm.channel_id and not m.deleted]
        if not messages:
            self.screen.say(t(self.lang, "console.no_dms", name=self.me.display_name))
            return
        self.screen.show_history(messages, self.me, self.lang, Place(dm.channel_id))

    async def show_home(self, _args: str) -> None:
        """Open closeloop's Home tab as whoever is at the keyboard; its buttons are what `/click` presses."""
        await self._send(app_home_opened_event(self.workspace, self.me))
        view = self.slack.homes.get(self.me.user_id)
        if view is None:
            self.screen.say(t(self.lang, "console.no_home"))
            return
        home = Message(
            self.workspace.dm_with(self.me.user_id).channel_id,
            self.workspace.next_ts(),
            "",
            user_id=None,
            blocks=with_block_ids(view.get("blocks") or []),
            only_for=self.me.user_id,
        )
        self.screen.say(t(self.lang, "console.home_header", name=self.me.display_name))
        rendering = render_message("", home.blocks, self.workspace)
        for line in rendering.lines:
            self.screen.say(f"    {line}")
        if rendering.clickables:
            self.screen.click_target = home

    async def move_clock(self, args: str) -> None:
        """Show the simulated time, or move it and run the scheduled work that came due."""
        if args:
            now = self.clock.now()
            try:
                target = parse_clock_target(args, now, self.me.tz)
            except ValueError:
                self.screen.say(t(self.lang, "console.bad_time", text=args))
                return
            if target < now:
                self.screen.say(t(self.lang, "console.clock_backwards", time=self._time(now)))
                return
            self.clock.set(target)
        self.show_clock()
        if args:
            await self._run_due_jobs()

    async def _run_due_jobs(self) -> None:
        """Every job of the scheduler's table due at the simulated time, as a replica's tick runs them."""
        await run_due_jobs(self.bot.services, self.clock.now())
        await self.bot.settle()
        self._show_notices()
        await self._fill_modals()

    def show_clock(self) -> None:
        """The simulated time, in the zone of whoever is at the keyboard."""
        self.screen.say(t(self.lang, "console.clock", time=self._time(self.clock.now()), tz=self.me.tz))

    # places

    def show_place(self) -> None:
        """Print the current channel's latest messages, as Slack shows a channel when you open it."""
        channel = self.workspace.channel_name(self.place.channel_id)
        history = self.workspace.channel_history(self.place.channel_id)[-_HISTORY_SHOWN:]
        self.screen.say(t(self.lang, "console.channel_header", channel=channel))
        self.screen.show_history(history, self.me, self.lang, self.place)

    def _channel(self) -> Channel:
        return self.workspace.channels[self.place.channel_id]

    def _numbered(self, args: str, usage_key: str) -> Message | None:
        if not args.isdigit():
            self.screen.say(t(self.lang, usage_key))
            return None
        message = self.workspace.numbered(int(args))
        if message is None or not message.visible_to(self.me.user_id, self.workspace.channels):
            self.screen.say(t(self.lang, "console.no_message", number=args))
            return None
        return message

    def _time(self, moment: datetime) -> str:
        return format_moment(moment, self.me.tz, self.lang)


def _width(text: str) -> int:
    """Columns a name takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _json(raw: str) -> JsonDict | None:
    """A Bolt response body as JSON, or None when it is plain text or empty."""
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


CONSOLE_COMMANDS: dict[str, ConsoleCommand] = {
    command.name: command
    for command in (
        ConsoleCommand("thread", "console.usage.number", "console.help.thread", ConsoleSession.enter_thread),
        ConsoleCommand("back", "", "console.help.back", ConsoleSession.leave_thread),
        ConsoleCommand("click", "console.usage.number", "console.help.click", ConsoleSession.click),
        ConsoleCommand("as", "console.usage.name", "console.help.as", ConsoleSession.switch_user),
        ConsoleCommand(
            "channel", "console.usage.channel", "console.help.channel", ConsoleSession.switch_channel
        ),
        ConsoleCommand("dm", "", "console.help.dm", ConsoleSession.show_dms),
        ConsoleCommand("home", "", "console.help.home", ConsoleSession.show_home),
        ConsoleCommand("clock", "console.usage.clock", "console.help.clock", ConsoleSession.move_clock),
        ConsoleCommand("help", "", "console.help.help", ConsoleSession.show_help),
        ConsoleCommand("quit", "", "console.help.quit", ConsoleSession.quit),
    )
}
