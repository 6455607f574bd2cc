"""Block Kit as terminal text: one small function per block and element type, clickables numbered.

A new block type means one function registered in `BLOCK_RENDERERS` (or `ELEMENT_RENDERERS` for a new
element); nothing else in the console changes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

JsonDict = dict[str, Any]

_EMOJI = {
    "memo": "📝",
    "warning": "⚠️",
    "grey_question": "❔",
    "information_source": "ℹ️",
    "wastebasket": "🗑️",
    "white_check_mark": "✅",
    "x": "❌",
    "bell": "🔔",
    "calendar": "📅",
    "moneybag": "💰",
    "bust_in_silhouette": "👤",
    "raising_hand": "🙋",
    "ocean": "🌊",
    "large_green_circle": "🟢",
    "large_yellow_circle": "🟡",
    "red_circle": "🔴",
    "palm_tree": "🌴",
}
_EMOJI_CODE = re.compile(r":([a-z0-9_+\-]+):")
_ANGLE = re.compile(r"<([^<>]+)>")
_CODE_SPAN = re.compile(r"(`[^`\n]+`)")
# Slack's emphasis: the marks hug the words inside and stand apart from the words outside
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_LABEL_LINE = re.compile(r"\*[^*\n]+\*")
_STROKE = "\u0336"  # combining long stroke overlay: struck-through text a terminal can show


class NameBook(Protocol):
    """Resolves the ids Slack markup carries to the names a person reads."""

    def user_name(self, user_id: str) -> str: ...

    def channel_name(self, channel_id: str) -> str: ...

    def member_named(self, name: str) -> Any: ...


@dataclass(frozen=True)
class Clickable:
    """Something a person can press, with the number the console showed beside it."""

    number: int
    block_id: str
    element: JsonDict


@dataclass
class Rendering:
    """A message as lines of text, and the clickables in the order they were numbered."""

    lines: list[str] = field(default_factory=list)
    clickables: list[Clickable] = field(default_factory=list)


@dataclass
class _Context:
    names: NameBook
    clickables: list[Clickable] = field(default_factory=list)

    def number(self, block_id: str, element: JsonDict) -> int:
        """Give a clickable the next number of this message."""
        clickable = Clickable(len(self.clickables) + 1, block_id, element)
        self.clickables.append(clickable)
        return clickable.number


BlockRenderer = Callable[[JsonDict, _Context], list[str]]
ElementRenderer = Callable[[JsonDict, str, _Context], str]


def mrkdwn(text: str, names: NameBook) -> str:
    """Slack's markup made readable: `<@U1>` → `@alice`, `<#C1>` → `#sales-leads`, links to labels,
    `*bold*` and `_italic_` without their marks, `~strike~` struck, `:memo:` → 📝; `code` stays as typed."""

    def angle(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            return "@" + (label or names.user_name(target[1:]))
        if target.startswith("#"):
            return "#" + (label or names.channel_name(target[1:]).lstrip("#"))
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return label or target

    readable = "".join(
        part if part.startswith("`") and part.endswith("`") and len(part) > 1 else _plain(part)
        for part in _CODE_SPAN.split(text)
    )
    readable = _ANGLE.sub(angle, readable)
    readable = _EMOJI_CODE.sub(lambda m: _EMOJI.get(m.group(1), m.group(0)), readable)
    return html.unescape(readable)


def _plain(text: str) -> str:
    """Emphasis as a terminal can show it: bold and italic lose their marks, struck text is struck."""
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return _STRIKE.sub(lambda m: "".join(ch + _STROKE for ch in m.group(1)), text)


def text_of(text_object: JsonDict | None, names: NameBook) -> str:
    """A text object's words; mrkdwn is made readable, plain_text is shown as written."""
    if not text_object:
        return ""
    if text_object.get("type") == "mrkdwn":
        return mrkdwn(text_object.get("text", ""), names)
    return text_object.get("text", "")


def _quoted(text: str) -> list[str]:
    """Split into lines; Slack's `>` quotes become a bar, so quoted text stands out."""
    return [f"│ {line[1:].lstrip()}" if line.startswith(">") else line for line in text.splitlines()]


# blocks


def _section(block: JsonDict, context: _Context) -> list[str]:
    lines = _quoted(text_of(block.get("text"), context.names))
    for field_object in block.get("fields", []):
        # a field is usually "*Label*\nvalue": "Label: value" on one line reads better in a terminal
        label, _, value = field_object.get("text", "").partition("\n")
        shown = text_of(field_object, context.names).splitlines()
        if value and _LABEL_LINE.fullmatch(label.strip()) and len(shown) > 1:
            lines.append(f"{shown[0]}: {' '.join(shown[1:])}")
        else:
            lines.append(" ".join(shown))
    if accessory := block.get("accessory"):
        lines.append(render_element(accessory, block.get("block_id", ""), context))
    return lines


def _context_block(block: JsonDict, context: _Context) -> list[str]:
    parts = [
        text_of(element, context.names) if "text" in element else f"({element.get('alt_text', '')})"
        for element in block.get("elements", [])
    ]
    return [" · ".join(part for part in parts if part)]


def _actions(block: JsonDict, context: _Context) -> list[str]:
    block_id = block.get("block_id", "")
    return ["  ".join(render_element(e, block_id, context) for e in block.get("elements", []))]


def _header(block: JsonDict, context: _Context) -> list[str]:
    return [f"== {text_of(block.get('text'), context.names)} =="]


def _divider(block: JsonDict, context: _Context) -> list[str]:
    return ["─" * 24]


def _input(block: JsonDict, context: _Context) -> list[str]:
    label = text_of(block.get("label"), context.names)
    return [f"{label}: {render_element(block.get('element', {}), block.get('block_id', ''), context)}"]


def _image(block: JsonDict, context: _Context) -> list[str]:
    return [f"(image: {block.get('alt_text', '')})"]


def _rich_text(block: JsonDict, context: _Context) -> list[str]:
    def words(node: JsonDict) -> str:
        kind = node.get("type")
        if kind == "text":
            return node.get("text", "")
        if kind == "user":
            return "@" + context.names.user_name(node.get("user_id", ""))
        if kind == "channel":
            return context.names.channel_name(node.get("channel_id", ""))
        if kind == "link":
            return node.get("text") or node.get("url", "")
        if kind == "emoji":
            return _EMOJI.get(node.get("name", ""), f":{node.get('name', '')}:")
        return "".join(words(child) for child in node.get("elements", []))

    return words(block).splitlines()


BLOCK_RENDERERS: dict[str, BlockRenderer] = {
    "section": _section,
    "context": _context_block,
    "actions": _actions,
    "header": _header,
    "divider": _divider,
    "input": _input,
    "image": _image,
    "rich_text": _rich_text,
}


# elements


def _button(element: JsonDict, block_id: str, context: _Context) -> str:
    label = f"[{context.number(block_id, element)}] {text_of(element.get('text'), context.names)}"
    return f"{label} ({element['url']})" if element.get("url") else label


def _static_select(element: JsonDict, block_id: str, context: _Context) -> str:
    chosen = element.get("initial_option")
    shown = (
        text_of(chosen["text"], context.names)
        if chosen
        else text_of(element.get("placeholder"), context.names)
    )
    return f"[{context.number(block_id, element)}] ▾ {shown} ({len(options_of(element))})"


def _plain_text_input(element: JsonDict, block_id: str, context: _Context) -> str:
    return element.get("initial_value") or "…"


def _datepicker(element: JsonDict, block_id: str, context: _Context) -> str:
    return element.get("initial_date") or "YYYY-MM-DD"


def _image_element(element: JsonDict, block_id: str, context: _Context) -> str:
    return f"({element.get('alt_text', '')})"


ELEMENT_RENDERERS: dict[str, ElementRenderer] = {
    "button": _button,
    "static_select": _static_select,
    "plain_text_input": _plain_text_input,
    "datepicker": _datepicker,
    "image": _image_element,
}


def render_element(element: JsonDict, block_id: str, context: _Context) -> str:
    """One element as a few words; kinds the console does not know are named, not hidden."""
    renderer = ELEMENT_RENDERERS.get(element.get("type", ""))
    return renderer(element, block_id, context) if renderer else f"({element.get('type', '?')})"


def options_of(element: JsonDict) -> list[JsonDict]:
    """A select's options, flattened out of option groups."""
    if "option_groups" in element:
        return [option for group in element["option_groups"] for option in group.get("options", [])]
    return list(element.get("options", []))


def numbered_options(options: Sequence[JsonDict], names: NameBook) -> str:
    """`1) Call  2) Visit  3) Quote`: how a select's choices are offered."""
    return "  ".join(f"{i}) {text_of(o.get('text'), names)}" for i, o in enumerate(options, start=1))


def render_message(text: str, blocks: Sequence[JsonDict], names: NameBook) -> Rendering:
    """A message's blocks as lines (its `text` when it has none), clickables numbered from 1."""
    context = _Context(names)
    if not blocks:
        return Rendering(_quoted(mrkdwn(text, names)), [])
    lines: list[str] = []
    for block in blocks:
        renderer = BLOCK_RENDERERS.get(block.get("type", ""))
        lines += renderer(block, context) if renderer else [f"({block.get('type', '?')})"]
    return Rendering([line for line in lines if line.strip()], context.clickables)
