"""The to-do card's and the escalation DM's buttons, and `/closeloop todo`.

Done, Snooze and Log work only for the item's owner; Acknowledge and Snooze on an escalation only for
the person it was sent to. Anyone else is told privately and nothing changes. Buttons ack at once;
the messages showing the item update through the outbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.people import Person
from bot.render.activity_modals import log_modal
from bot.render.todo import (
    ACTION_ACKNOWLEDGE,
    ACTION_DONE,
    ACTION_LOG,
    ACTION_PAUSE,
    ACTION_SNOOZE,
    ItemList,
    item_blocks,
)
from bot.services import Services
from handlers.command_table import COMMANDS, CommandCall, Subcommand
from handlers.interactions import actor, open_form, tell_privately
from usecases.tasks import TaskError

SNOOZE_DAY = timedelta(days=1)


def _task_and_day(value: str) -> tuple[int, str | None]:
    task_id, _, rest = value.partition("|")
    return int(task_id), rest.partition("|")[0] or None


def _answer(value: str) -> str | None:
    """A customer-success item's Done carries the answer to its question (`yes` / `no`) last."""
    return value.split("|")[2] if value.count("|") >= 2 else None


def pause_until(pause: str, now: datetime, person: Person, services: Services) -> datetime:
    """The end of an escalation's Snooze: in two hours, the reader's next working morning, or in 3 days."""
    if pause == "2h":
        return now + timedelta(hours=2)
    if pause == "tomorrow":
        hours = services.rules.daily.working_hours
        return hours.next_morning(now, person.tz, services.rules.calendar)
    return now + timedelta(days=3)


async def _todo(call: CommandCall) -> None:
    """`/closeloop todo`: your list, only to you, in the channel you are in."""
    now = call.services.clock.now()
    view = await call.services.tasks.todo_for(call.team_id, call.person.user_id, call.person.tz, now)
    lang = call.person.lang
    if not view.tasks:
        await call.reply(t(lang, "todo.list.empty"))
        return
    header = t(lang, "todo.list.header", count=len(view.tasks) + view.listing.more)
    blocks = item_blocks(ItemList(view.tasks, view.listing.more), now, lang, call.person.tz)
    await call.reply(
        header,
        [{"type": "section", "text": {"type": "mrkdwn", "text": header}}, *(b.to_dict() for b in blocks)],
    )


COMMANDS.add(Subcommand("todo", "", "help.todo", _todo))


ItemWork = Callable[[Person, dict[str, Any], dict[str, Any], AsyncWebClient], Awaitable[None]]


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the item buttons: each acks at once, acts for the person who clicked, and answers a
    refusal privately."""
    desk = services.tasks

    def on_click(action_id: str) -> Callable[[ItemWork], ItemWork]:
        def listen(work: ItemWork) -> ItemWork:
            @app.action(action_id)
            async def listener(
                ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
            ) -> None:
                await ack()
                person = await actor(services, client, body)
                try:
                    await work(person, action, body, client)
                except TaskError as error:
                    await tell_privately(client, body, person, t(person.lang, error.code, **error.params))

            return work

        return listen

    @on_click(ACTION_DONE)
    async def done(
        person: Person, action: dict[str, Any], _body: dict[str, Any], _client: AsyncWebClient
    ) -> None:
        task_id, day = _task_and_day(action["value"])
        answer = _answer(action["value"])
        await desk.done(task_id, person.user_id, services.clock.now(), card_day=day, answer=answer)

    @on_click(ACTION_SNOOZE)
    async def snooze(
        person: Person, action: dict[str, Any], _body: dict[str, Any], _client: AsyncWebClient
    ) -> None:
        task_id, day = _task_and_day(action["value"])
        now = services.clock.now()
        await desk.snooze(task_id, person.user_id, now + SNOOZE_DAY, now, card_day=day, owner_only=True)

    @on_click(ACTION_LOG)
    async def log(
        person: Person, action: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        task = await desk.owned_task(_task_and_day(action["value"])[0], person.user_id)
        customer = task.customer or ""
        form = log_modal(
            lang=person.lang,
            channel_id=person.user_id,
            status=f"{customer}: " if customer else None,
            next_action=None if task.kind == "lead_contact" else task.title,
            task_id=task.id,
        )
        await open_form(client, body["trigger_id"], form, "log")

    @on_click(ACTION_ACKNOWLEDGE)
    async def acknowledge(
        person: Person, action: dict[str, Any], _body: dict[str, Any], _client: AsyncWebClient
    ) -> None:
        task_id, reader = action["value"].split("|")
        if reader != person.user_id:
            raise TaskError("task.not_for_you")
        await desk.acknowledge(int(task_id), person.user_id, services.clock.now())

    @on_click(ACTION_PAUSE)
    async def pause(
        person: Person, action: dict[str, Any], _body: dict[str, Any], _client: AsyncWebClient
    ) -> None:
        task_id, reader, until = action["selected_option"]["value"].split("|")
        if reader != person.user_id:
            raise TaskError("task.not_for_you")
        now = services.clock.now()
        await desk.snooze(int(task_id), person.user_id, pause_until(until, now, person, services), now)
