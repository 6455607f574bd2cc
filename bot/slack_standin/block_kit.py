"""Check Block Kit the way Slack does, so a test fails where Slack would refuse what the bot built.

slack-sdk builds and validates most of a block, but it silently drops types it does not know and
coerces some wrong text objects; Slack refuses both. The errors are worded as Slack words them,
each ending with the JSON pointer of the offending field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

JsonDict = dict[str, Any]

_MAX_MESSAGE_BLOCKS = 50

_ANY_TEXT = frozenset({"plain_text", "mrkdwn"})
_PLAIN_TEXT = frozenset({"plain_text"})
# Keys whose value Slack requires to be a text object, and which kinds it accepts there.
_TEXT_SLOTS: Mapping[str, frozenset[str]] = {
    "text": _ANY_TEXT,
    "title": _PLAIN_TEXT,
    "submit": _PLAIN_TEXT,
    "close": _PLAIN_TEXT,
    "label": _PLAIN_TEXT,
    "placeholder": _PLAIN_TEXT,
    "hint": _PLAIN_TEXT,
    "description": _PLAIN_TEXT,
}
_TEXT_LIST_SLOTS: Mapping[str, frozenset[str]] = {"fields": _ANY_TEXT}
# Objects whose own ``text`` is a bare string: text objects and rich-text leaves.
_STRING_TEXT_OWNERS = frozenset({"plain_text", "mrkdwn", "text", "link"})


def message_block_errors(blocks: Any) -> list[str]:
    """Slack's complaints about a message's ``blocks``; empty when Slack would accept them."""
    if not _is_list_of_objects(blocks):
        return [_error("must be an array of objects", "/blocks")]
    errors = _block_list_errors(blocks, "/blocks")
    if len(blocks) > _MAX_MESSAGE_BLOCKS:
        errors.insert(0, _error(f"no more than {_MAX_MESSAGE_BLOCKS} items allowed", "/blocks"))
    return errors


def view_errors(view: Any) -> list[str]:
    """Slack's complaints about a modal or home ``view``; empty when Slack would accept it.

    slack-sdk's View validators cover the view itself (title/submit/close length, callback_id,
    1-100 blocks); the blocks inside get the same checks as message blocks.
    """
    if not isinstance(view, dict):
        return [_error("must be an object", "/view")]
    errors: list[str] = []
    try:
        View(**view).validate_json()
    except Exception as exc:  # slack-sdk reports bad input as several unrelated exception types
        errors.append(_model_error(exc, "/view"))
    if view.get("type") == "modal" and "title" not in view:
        errors.append(_error("missing required field: title", "/view"))
    errors += _text_slot_errors({key: value for key, value in view.items() if key != "blocks"}, "/view")
    blocks = view.get("blocks", [])
    if not _is_list_of_objects(blocks):
        return [*errors, _error("must be an array of objects", "/view/blocks")]
    return errors + _block_list_errors(blocks, "/view/blocks")


def _block_list_errors(blocks: list[JsonDict], pointer: str) -> list[str]:
    errors = list(_duplicate_errors(blocks, "block_id", pointer))
    for index, block in enumerate(blocks):
        errors += _block_errors(block, f"{pointer}/{index}")
    return errors


def _block_errors(raw: JsonDict, pointer: str) -> list[str]:
    """Build the block with slack-sdk, then add the rules Slack enforces that slack-sdk does not."""
    try:
        block = Block.parse(raw)
        # to_dict() runs validate_json() on the block and on every element nested in it.
        built = block.to_dict() if block is not None else None
    except Exception as exc:  # slack-sdk reports bad input as several unrelated exception types
        return [_model_error(exc, pointer)]
    if built is None:
        kind = f"unsupported type {raw['type']!r}" if "type" in raw else "missing required field: type"
        return [_error(kind, pointer)]
    errors = [*_dropped_objects(raw, built, pointer), *_text_slot_errors(raw, pointer)]
    elements = raw.get("elements")
    if _is_list_of_objects(elements):  # Slack wants action_ids unique within one block
        errors += _duplicate_errors(elements, "action_id", f"{pointer}/elements")
    return errors


def _model_error(exc: Exception, pointer: str) -> str:
    """Whatever makes slack-sdk refuse to build or validate a model is a payload Slack would refuse."""
    if isinstance(exc, SlackObjectFormationError):
        return _error(str(exc), pointer)
    return _error(f"cannot be parsed ({type(exc).__name__}: {exc})", pointer)


def _dropped_objects(raw: Any, built: Any, pointer: str) -> Iterator[str]:
    """Find typed objects slack-sdk silently skipped because it does not know their type."""
    if isinstance(raw, list):
        built_items = built if isinstance(built, list) else []
        for index, item in enumerate(raw):
            counterpart = built_items[index] if index < len(built_items) else None
            yield from _dropped_objects(item, counterpart, f"{pointer}/{index}")
    elif isinstance(raw, dict):
        if built is None and "type" in raw:
            yield _error(f"unsupported type {raw['type']!r}", pointer)
            return
        built_fields = built if isinstance(built, dict) else {}
        for key, value in raw.items():
            yield from _dropped_objects(value, built_fields.get(key), f"{pointer}/{key}")


def _text_slot_errors(node: Any, pointer: str) -> Iterator[str]:
    """Check text objects where slack-sdk would coerce a wrong or missing type instead of refusing it."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _text_slot_errors(item, f"{pointer}/{index}")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        child = f"{pointer}/{key}"
        if value is None:  # an optional field left empty, as in views Slack itself sends
            continue
        if key in _TEXT_SLOTS and not (key == "text" and node.get("type") in _STRING_TEXT_OWNERS):
            yield from _text_object_errors(value, _TEXT_SLOTS[key], child)
        elif key in _TEXT_LIST_SLOTS and isinstance(value, list):
            for index, item in enumerate(value):
                yield from _text_object_errors(item, _TEXT_LIST_SLOTS[key], f"{child}/{index}")
        yield from _text_slot_errors(value, child)


def _text_object_errors(value: Any, allowed: frozenset[str], pointer: str) -> Iterator[str]:
    if not isinstance(value, dict) or value.get("type") not in allowed:
        yield _error(f"must be a text object of type {' or '.join(sorted(allowed))}", pointer)


def _duplicate_errors(items: list[JsonDict], key: str, pointer: str) -> Iterator[str]:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        value = item.get(key)
        if value is None:
            continue
        if value in seen:
            yield _error(f"duplicate {key} {value!r}", f"{pointer}/{index}/{key}")
        seen.add(value)


def _is_list_of_objects(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _error(message: str, pointer: str) -> str:
    """Word an error the way Slack does, so failures read like the real thing."""
    return f"{message} [json-pointer:{pointer}]"


def home_view_errors(view: Any) -> list[str]:
    """views.publish takes only a Home tab; anything else there is refused like any other bad view."""
    errors = view_errors(view)
    if isinstance(view, dict) and view.get("type") != "home":
        errors.insert(0, _error("must be one of: home", "/view/type"))
    return errors
