"""Items on a person's list, as the morning card, `/closeloop todo`, App Home and escalation DMs show them.

An item reads "what — which customer — how late" in the reader's language and zone; buttons carry the
task id (and, on the morning card, the card's day, so the card updates in place after a click).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.i18n import t
from bot.render.contracts import ACTION_DETAILS, reason_button
from bot.render.dates import format_clock, format_day, format_moment
from bot.render.handover import confirm_button
from domain.contracts import SUCCESS_KINDS
from storage.models import Task

# An approval on the list is decided with the approver's DM's own buttons (bot.render.quotes).
ACTION_APPROVE, ACTION_REJECT, ACTION_CHANGES = "approval_approve", "approval_reject", "approval_changes"
ACTION_DONE = "todo_done"
# Items a contract puts on a list, each read as "what — contract number — customer".
CONTRACT_KINDS = (
    "invoice",
    "first_review",
    "missing_tax_id",
    "missing_bank_account",
    "dunning",
    "payment_missing",
    *SUCCESS_KINDS,
)
ACTION_SNOOZE = "todo_snooze"
ACTION_LOG = "todo_log"
ACTION_ACKNOWLEDGE = "ladder_acknowledge"
ACTION_PAUSE = "ladder_snooze"
PAUSES = ("2h", "tomorrow", "3d")  # what an escalation's Snooze offers


def format_age(span: timedelta, lang: str) -> str:
    """`45 minutes`, `26 hours`, `3 days`: a span as people say it, counted right."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 60:
        return t(lang, "age.minutes", count=minutes)
    if minutes < 48 * 60:
        return t(lang, "age.hours", count=minutes // 60)
    return t(lang, "age.days", count=minutes // (24 * 60))


def what(task: Task, lang: str) -> str:
    """The item in a few words: "Follow up: send the quote — ACME Corp" / "Contact new lead ACME Corp"."""
    if task.kind == "lead_contact":
        return t(lang, "todo.what.lead_contact", company=task.title)
    customer = task.customer or t(lang, "todo.no_customer")
    if task.kind == "approval":
        return t(lang, "todo.what.approval", number=task.title, customer=customer)
    if task.kind == "deal_stale":
        return t(lang, "todo.what.deal_stale", title=task.title, customer=customer)
    if task.kind == "handover":
        return t(lang, "todo.what.handover", user=task.title)
    if task.kind in CONTRACT_KINDS:
        return t(lang, f"todo.what.{task.kind}", number=task.title, customer=customer)
    return t(lang, "todo.what.follow_up", action=task.title, customer=customer)


def lateness(task: Task, now: datetime, lang: str, tz: str) -> str:
    """How late the item is, or when it falls due today."""
    if task.kind == "lead_contact":
        return t(lang, "todo.late.lead_contact", age=format_age(now - task.anchor_at, lang))
    if task.kind == "approval":
        return t(lang, "todo.late.approval", age=format_age(now - task.anchor_at, lang))
    if task.kind == "deal_stale" and task.due_at <= now:
        return t(lang, "todo.late.deal_stale", age=format_age(now - task.due_at, lang))
    if task.kind == "dunning" and task.due_at <= now:
        return t(lang, "todo.late.dunning", age=format_age(now - task.due_at, lang))
    if task.due_at.astimezone(ZoneInfo(tz)).date() > now.astimezone(ZoneInfo(tz)).date():
        return t(lang, "todo.late.due_on", day=format_day(task.due_at.astimezone(ZoneInfo(tz)).date(), lang))
    if task.due_at <= now:
        return t(lang, "todo.late.overdue", age=format_age(now - task.due_at, lang))
    return t(lang, "todo.late.due_today", time=format_clock(task.due_at, tz))


def state_line(task: Task, now: datetime, lang: str, tz: str) -> str | None:
    """What became of an item since the card went out; None while it is still open and awake."""
    if task.state == "done":
        key = {"yes": "todo.state.solved", "no": "todo.state.unsolved"}.get(
            task.answer or "", "todo.state.done"
        )
        return t(lang, key, user=task.closed_by or task.owner_id)
    if task.state != "open":
        return t(lang, "todo.state.closed")
    if task.snoozed_until is not None and task.snoozed_until > now:
        return t(lang, "todo.state.snoozed", until=format_moment(task.snoozed_until, tz, lang))
    return None


@dataclass(frozen=True)
class ItemList:
    """A list of items to render: the tasks in rank order, how many more there are, and the card's day."""

    tasks: Sequence[Task]
    more: int
    day: str | None = None  # the morning card's local day; None on App Home and `/closeloop todo`
    home_link: str | None = None  # where "+N more" leads: the app's Home tab


def item_blocks(items: ItemList, now: datetime, lang: str, tz: str) -> list[Block]:
    """One section per item with its buttons while it is open; "+N more" at the end."""
    blocks: list[Block] = []
    for number, task in enumerate(items.tasks, start=1):
        change = state_line(task, now, lang, tz)
        line = f"*{number}. {what(task, lang)}*"
        if change is None:
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text=f"{line}\n{lateness(task, now, lang, tz)}"))
            )
            blocks.append(
                ActionsBlock(block_id=f"todo-{task.id}", elements=_item_buttons(task, items.day, lang))
            )
        else:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=f"~{line}~\n{change}")))
    if items.more:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=_linked(t(lang, "todo.more", count=items.more), items.home_link))
                ]
            )
        )
    return blocks


def _linked(text: str, link: str | None) -> str:
    return f"<{link}|{text}>" if link else text


def home_tab_link(team_id: str, app_id: str) -> str:
    """The deep link that opens the app's Home tab in Slack."""
    return f"slack://app?team={team_id}&id={app_id}&tab=home"


def approval_buttons(request_id: int, lang: str) -> list[ButtonElement]:
    """Approve, Reject, Request changes for one approval request, wherever it is shown (its DM, a list)."""
    value = str(request_id)
    return [
        ButtonElement(
            text=t(lang, "approval.button.approve"), action_id=ACTION_APPROVE, value=value, style="primary"
        ),
        ButtonElement(
            text=t(lang, "approval.button.reject"), action_id=ACTION_REJECT, value=value, style="danger"
        ),
        ButtonElement(text=t(lang, "approval.button.changes"), action_id=ACTION_CHANGES, value=value),
    ]


def _item_buttons(task: Task, day: str | None, lang: str) -> list[ButtonElement]:
    """Done, Snooze, Log; an approval is decided with its own buttons (checked like the DM's), and a
    deal's red line ends with a record in its thread, so neither has Done or Log."""
    value = f"{task.id}|{day or ''}"
    snooze = ButtonElement(text=t(lang, "todo.button.snooze"), action_id=ACTION_SNOOZE, value=value)
    if task.kind == "approval":
        return [*approval_buttons(task.subject_id, lang), snooze]
    if task.kind in ("deal_stale", "payment_missing"):
        return [snooze]
    if task.kind == "handover":  # done only by confirming what was handed over
        return [confirm_button(task.subject_id, lang), snooze]
    if task.kind == "dunning":  # ends with the payment; the reason takes it off red
        return [reason_button(task.subject_id, lang), snooze]
    if task.kind in ("missing_tax_id", "missing_bank_account"):
        details = ButtonElement(
            text=t(lang, "contract.button.details"), action_id=ACTION_DETAILS, value=str(task.subject_id)
        )
        return [details, snooze]
    if task.kind in SUCCESS_KINDS:  # done asks one question: did it solve the customer's problem?
        return [
            ButtonElement(
                text=t(lang, "todo.button.solved"),
                action_id=ACTION_DONE,
                value=f"{value}|yes",
                style="primary",
            ),
            ButtonElement(text=t(lang, "todo.button.unsolved"), action_id=ACTION_DONE, value=f"{value}|no"),
            snooze,
        ]
    return [
        ButtonElement(text=t(lang, "todo.button.done"), action_id=ACTION_DONE, value=value, style="primary"),
        ButtonElement(text=t(lang, "todo.button.snooze"), action_id=ACTION_SNOOZE, value=value),
        ButtonElement(text=t(lang, "todo.button.log"), action_id=ACTION_LOG, value=value),
    ]


def render_todo_card(items: ItemList, now: datetime, lang: str, tz: str) -> tuple[str, list[dict]]:
    """The morning DM: today's things, most urgent first."""
    open_count = sum(1 for task in items.tasks if task.state == "open")
    header = t(lang, "todo.card.header", count=len(items.tasks))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=header)),
        *item_blocks(items, now, lang, tz),
    ]
    if open_count == 0:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(lang, "todo.card.all_done"))]))
    return header, [block.to_dict() for block in blocks]


def render_escalation(
    task: Task, reader: str, ladder_round: int, now: datetime, lang: str, tz: str
) -> tuple[str, list[dict]]:
    """An escalation DM: the item, its age, the people already told, and Acknowledge / Snooze.

    A DM from an earlier round of the ladder (the item has a new owner or due time since) keeps its
    text and loses its buttons.
    """
    current = ladder_round == task.ladder_round
    told = [
        entry["user"]
        for entry in task.told
        if entry["user"] != reader and entry.get("round", 0) == ladder_round
    ]
    already = ", ".join(f"<@{user}>" for user in dict.fromkeys(told)) or t(lang, "word.none")
    age = lateness(task, now, lang, tz)
    text = t(lang, "ladder.text", what=what(task, lang), age=age, owner=task.owner_id)
    body = f"{text}\n{t(lang, 'ladder.told', people=already)}"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=body))]
    if not current:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(lang, "ladder.superseded"))]))
    elif task.acknowledged_by is not None:
        when = format_moment(task.acknowledged_at or now, tz, lang)
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=t(lang, "ladder.acknowledged", user=task.acknowledged_by, when=when)
                    )
                ]
            )
        )
    elif (change := state_line(task, now, lang, tz)) is not None and task.state != "open":
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=change)]))
    else:
        if change is not None:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=change)]))
        blocks.append(
            ActionsBlock(
                block_id=f"ladder-{task.id}",
                elements=[
                    ButtonElement(
                        text=t(lang, "ladder.button.acknowledge"),
                        action_id=ACTION_ACKNOWLEDGE,
                        value=f"{task.id}|{reader}",
                        style="primary",
                    ),
                    StaticSelectElement(
                        action_id=ACTION_PAUSE,
                        placeholder=t(lang, "ladder.button.snooze"),
                        options=[
                            Option(text=t(lang, f"ladder.pause.{pause}"), value=f"{task.id}|{reader}|{pause}")
                            for pause in PAUSES
                        ],
                    ),
                ],
            )
        )
    return text, [block.to_dict() for block in blocks]
