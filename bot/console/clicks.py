"""What a click sends: a button's value, or the option picked from a select, once any confirmation is given.

One small function per element type, in `ACTION_BUILDERS`; each returns the `actions[0]` of a
block_actions payload, or None when the person backed out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.console.modal import Prompter, choose
from bot.console.render import options_of, text_of
from bot.i18n import t

JsonDict = dict[str, Any]

_YES = frozenset({"y", "yes", "是", "确认", "好"})


def _confirmed(confirm: JsonDict, prompter: Prompter) -> bool:
    """Slack's confirmation dialog, as a yes/no question."""
    yes = text_of(confirm.get("confirm"), prompter.names)
    no = text_of(confirm.get("deny"), prompter.names)
    question = (
        f"{text_of(confirm.get('title'), prompter.names)} {text_of(confirm.get('text'), prompter.names)}"
    )
    answer = prompter.answer(f"  {question} [y = {yes}, n = {no}]: ")
    return answer.casefold() in _YES or answer.casefold() == yes.casefold()


def _button(element: JsonDict, prompter: Prompter) -> JsonDict | None:
    if element.get("url"):
        prompter.say(f"  {t(prompter.lang, 'console.opens', url=element['url'])}")
    action = {"type": "button", "action_id": element.get("action_id", ""), "text": element.get("text")}
    if "value" in element:
        action["value"] = element["value"]
    if "style" in element:
        action["style"] = element["style"]
    return action


def _static_select(element: JsonDict, prompter: Prompter) -> JsonDict | None:
    options = options_of(element)
    placeholder = text_of(element.get("placeholder"), prompter.names)
    chosen = choose(options, prompter, f"  {placeholder} (1-{len(options)}): ", None)
    if chosen is None:
        return None
    return {
        "type": "static_select",
        "action_id": element.get("action_id", ""),
        "selected_option": chosen,
        **({"placeholder": element["placeholder"]} if "placeholder" in element else {}),
    }


ACTION_BUILDERS: dict[str, Callable[[JsonDict, Prompter], JsonDict | None]] = {
    "button": _button,
    "static_select": _static_select,
}


def action_for(element: JsonDict, prompter: Prompter) -> JsonDict | None:
    """The action a click on `element` sends; None if it cannot be clicked here or was called off.

    Raises modal.Cancelled when the input ends mid-question.
    """
    build = ACTION_BUILDERS.get(element.get("type", ""))
    if build is None:
        prompter.say(t(prompter.lang, "console.cannot_click", type=element.get("type")))
        return None
    if element.get("confirm") and not _confirmed(element["confirm"], prompter):
        prompter.say(f"  {t(prompter.lang, 'console.not_done')}")
        return None
    return build(element, prompter)
