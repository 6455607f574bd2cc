"""A modal as a short series of prompts, one per input block, answered into Slack's `view.state`.

Enter keeps the value shown in brackets (Slack pre-fills fields the same way), `-` empties a field,
`/cancel` closes the modal. One small function per element type, in `FIELD_ASKERS`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.console.render import NameBook, numbered_options, options_of, text_of
from bot.i18n import t

JsonDict = dict[str, Any]

CANCEL = "/cancel"
EMPTY = "-"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHOWN_CHARS = 60  # pre-filled values longer than this are shown cut short


class Cancelled(Exception):
    """The person closed the modal (or the input ended) before submitting."""


@dataclass(frozen=True)
class Prompter:
    """How the console asks: read a line after a prompt, say a line, in the person's language."""

    ask: Callable[[str], str | None]
    say: Callable[[str], None]
    lang: str
    names: NameBook

    def answer(self, prompt: str) -> str:
        """The next answer, stripped; raises Cancelled on `/cancel` or at the end of input."""
        line = self.ask(prompt)
        if line is None or line.strip() == CANCEL:
            raise Cancelled
        return line.strip()


@dataclass(frozen=True)
class Field:
    """One input block of a modal."""

    block_id: str
    action_id: str
    label: str
    optional: bool
    element: JsonDict


Asker = Callable[[Field, JsonDict | None, Prompter], JsonDict]


def choose(
    options: Sequence[JsonDict], prompter: Prompter, prompt: str, current: JsonDict | None
) -> JsonDict | None:
    """A numbered choice (or the option's own words); Enter keeps `current`, `-` chooses nothing."""
    prompter.say(f"    {numbered_options(options, prompter.names)}")
    while True:
        answer = prompter.answer(prompt)
        if not answer:
            return current
        if answer == EMPTY:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1]
        by_words = [
            o for o in options if text_of(o.get("text"), prompter.names).casefold() == answer.casefold()
        ]
        if by_words:
            return by_words[0]
        prompter.say(f"    {t(prompter.lang, 'console.no_choice', answer=answer, count=len(options))}")


def _prompt(field: Field, shown: str | None, lang: str, hint: str = "") -> str:
    optional = f" {t(lang, 'console.optional')}" if field.optional else ""
    current = f" [{_clip(' / '.join(shown.splitlines()))}]" if shown else ""
    return f"  {field.label}{optional}{current}{hint}: "


def _clip(text: str) -> str:
    """Enter still keeps all of a value shown cut short."""
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _until_valid(
    field: Field, prompter: Prompter, prompt: str, current: str | None, check: Callable[[str], str | None]
) -> str | None:
    """Ask until the answer passes `check` (which returns a problem, or None) and a required field is filled."""
    while True:
        answer = prompter.answer(prompt)
        value = current if not answer else None if answer == EMPTY else answer
        if value is None and not field.optional:
            prompter.say(f"    {t(prompter.lang, 'console.required')}")
            continue
        problem = check(value) if value is not None else None
        if problem is None:
            return value
        prompter.say(f"    {problem}")


def _text(field: Field, state: JsonDict | None, prompter: Prompter) -> JsonDict:
    current = state.get("value") if state else field.element.get("initial_value")
    limit = field.element.get("max_length")

    def check(value: str) -> str | None:
        return t(prompter.lang, "console.too_long", limit=limit) if limit and len(value) > limit else None

    value = _until_valid(field, prompter, _prompt(field, current, prompter.lang), current, check)
    return {"type": field.element["type"], "value": value}


def _static_select(field: Field, state: JsonDict | None, prompter: Prompter) -> JsonDict:
    options = options_of(field.element)
    current = state.get("selected_option") if state else field.element.get("initial_option")
    shown = text_of(current["text"], prompter.names) if current else None
    while True:
        chosen = choose(
            options, prompter, _prompt(field, shown, prompter.lang, f" (1-{len(options)})"), current
        )
        if chosen is not None or field.optional:
            return {"type": "static_select", "selected_option": chosen}
        prompter.say(f"    {t(prompter.lang, 'console.required')}")


def _datepicker(field: Field, state: JsonDict | None, prompter: Prompter) -> JsonDict:
    current = state.get("selected_date") if state else field.element.get("initial_date")

    def check(value: str) -> str | None:
        # fromisoformat alone would also take 20261201; Slack's datepicker sends YYYY-MM-DD only
        if _DATE.fullmatch(value):
            with contextlib.suppress(ValueError):
                date.fromisoformat(value)
                return None
        return t(prompter.lang, "console.not_a_date", answer=value)

    prompt = _prompt(field, current, prompter.lang, " (YYYY-MM-DD)")
    return {"type": "datepicker", "selected_date": _until_valid(field, prompter, prompt, current, check)}


def _users_select(field: Field, state: JsonDict | None, prompter: Prompter) -> JsonDict:
    """Slack's people picker, as a typed `@handle` (or display name)."""
    current = state.get("selected_user") if state else field.element.get("initial_user")
    shown = f"@{prompter.names.user_name(current)}" if current else None

    def check(value: str) -> str | None:
        found = prompter.names.member_named(value)
        return None if found is not None else t(prompter.lang, "console.no_person", name=value)

    prompt = _prompt(field, shown, prompter.lang, " (@name)")
    answer = _until_valid(field, prompter, prompt, shown, check)
    member = prompter.names.member_named(answer) if answer else None
    return {"type": "users_select", "selected_user": member.user_id if member else None}


FIELD_ASKERS: dict[str, Asker] = {
    "plain_text_input": _text,
    "email_text_input": _text,
    "url_text_input": _text,
    "number_input": _text,
    "static_select": _static_select,
    "datepicker": _datepicker,
    "users_select": _users_select,
}


def fields_of(view: JsonDict, names: NameBook) -> list[Field]:
    """The view's input blocks, in order."""
    return [
        Field(
            block_id=block.get("block_id", ""),
            action_id=block.get("element", {}).get("action_id", ""),
            label=text_of(block.get("label"), names),
            optional=bool(block.get("optional")),
            element=block.get("element", {}),
        )
        for block in view.get("blocks", [])
        if block.get("type") == "input"
    ]


def fill(
    view: JsonDict,
    prompter: Prompter,
    answered: JsonDict | None = None,
    errors: Mapping[str, str] | None = None,
) -> JsonDict:
    """Ask for each field (only those with `errors`, when given) and return `view.state.values`.

    Raises Cancelled when the person closes the modal.
    """
    values: JsonDict = dict(answered or {})
    for field in fields_of(view, prompter.names):
        if errors is not None and field.block_id not in errors:
            continue
        if errors:
            prompter.say(f"  ! {field.label}: {errors[field.block_id]}")
        asker = FIELD_ASKERS.get(field.element.get("type", ""))
        if asker is None:
            prompter.say(
                f"  {field.label}: {t(prompter.lang, 'console.cannot_fill', type=field.element.get('type'))}"
            )
            continue
        earlier = values.get(field.block_id, {}).get(field.action_id)
        values[field.block_id] = {field.action_id: asker(field, earlier, prompter)}
    return values
