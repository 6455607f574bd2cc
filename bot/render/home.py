"""A person's App Home as Block Kit: their list, their away / back switch, and a manager's team figures.

The list is the morning card's items (same ranking, same buttons), only longer; the switch carries
the rep's own id, so a click by anyone else is refused.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import t
from bot.render.collection import money_lines, rep_lines
from bot.render.dates import format_day
from bot.render.todo import ItemList, item_blocks, lateness, what
from usecases.home import Approvals, HomeContents, TeamFigures

ACTION_AWAY = "home_away"
ACTION_DELEGATE = "home_delegate"
ACTION_END_DELEGATION = "home_end_delegation"


def render_home(contents: HomeContents, user_id: str, now: datetime, lang: str, tz: str) -> list[dict]:
    """The Home view's blocks, in `lang` and `tz`."""
    todo = contents.todo
    count = len(todo.tasks) + todo.listing.more
    blocks: list[Block] = [HeaderBlock(text=t(lang, "home.list.header", count=count))]
    if todo.tasks:
        blocks += item_blocks(ItemList(todo.tasks, todo.listing.more), now, lang, tz)
    else:
        blocks.append(_text(t(lang, "todo.list.empty")))
    if contents.taking_leads is not None:
        blocks += [DividerBlock(), *_switch(contents.taking_leads, user_id, lang)]
    if contents.approvals is not None:
        blocks += [DividerBlock(), *_approvals(contents.approvals, user_id, lang, tz)]
    if contents.money is not None:
        lines = [t(lang, "money.home_heading"), *money_lines(contents.money, lang)]
        if len(contents.money.reps) > 1:
            lines += rep_lines(contents.money, lang)
        blocks += [DividerBlock(), _text("\n".join(lines))]
    if contents.team is not None:
        blocks += [DividerBlock(), *_team(contents.team, now, lang, tz)]
    return [block.to_dict() for block in blocks]


def _approvals(approvals: Approvals, user_id: str, lang: str, tz: str) -> list[Block]:
    """Whether the person's approvals come to them or to a delegate, and the buttons to change that."""
    if (delegation := approvals.delegation) is not None:
        last_day = format_day(delegation.last_day(tz), lang)
        text = t(lang, "home.approvals.delegated", user=delegation.delegate, until=last_day)
        button = ButtonElement(
            text=t(lang, "home.button.end_delegation"), action_id=ACTION_END_DELEGATION, value=user_id
        )
    else:
        text = t(lang, "home.approvals.yours")
        button = ButtonElement(text=t(lang, "home.button.delegate"), action_id=ACTION_DELEGATE, value=user_id)
    return [
        HeaderBlock(text=t(lang, "home.approvals.header")),
        _text(text),
        ActionsBlock(block_id="home-approvals", elements=[button]),
    ]


def away_choice(value: str) -> tuple[str, bool]:
    """The switch's value read back: whose switch it is, and whether it says away."""
    user_id, _, verb = value.partition("|")
    return user_id, verb == "away"


def _switch(taking_leads: bool, user_id: str, lang: str) -> list[Block]:
    verb = "away" if taking_leads else "back"
    button = ButtonElement(
        text=t(lang, f"home.button.{verb}"), action_id=ACTION_AWAY, value=f"{user_id}|{verb}"
    )
    return [
        HeaderBlock(text=t(lang, "home.leads.header")),
        _text(t(lang, "home.leads.taking" if taking_leads else "home.leads.away")),
        ActionsBlock(block_id="home-away", elements=[button]),
    ]


def _team(team: TeamFigures, now: datetime, lang: str, tz: str) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=t(lang, "home.team.header"))]
    if not team.open_leads:
        return [*blocks, _text(t(lang, "home.team.no_reps"))]
    if team.rate is None:
        rate = t(lang, "home.team.rate_none")
    else:
        percent = round(100 * team.rate)
        rate = t(lang, "home.team.rate", percent=percent, in_time=team.in_time, count=team.assigned)
    loads = " · ".join(t(lang, "home.team.load", user=user, count=count) for user, count in team.open_leads)
    if team.oldest is None:
        oldest = t(lang, "home.team.nothing_late")
    else:
        task = team.oldest
        oldest = t(
            lang,
            "home.team.oldest",
            what=what(task, lang),
            owner=task.owner_id,
            late=lateness(task, now, lang, tz),
        )
    lines = [
        rate,
        t(lang, "home.team.breaches", count=team.breaches),
        t(lang, "home.team.loads", loads=loads),
        oldest,
    ]
    return [*blocks, _text("\n".join(lines))]


def _text(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))
