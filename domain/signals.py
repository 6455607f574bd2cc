"""Detect sales signals (price objection, no budget, competitor…) in a conversation by keyword rules.

Keyword rules are deliberately simple: a manager can read the rules file and predict what fires.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignalRule:
    """A signal and the keywords (any language) that raise it."""

    signal_id: str
    keywords: tuple[str, ...]


def detect_signals(text: str, rules: tuple[SignalRule, ...]) -> tuple[str, ...]:
    """Ids of the signals whose keywords occur in `text` (case-insensitive), in rule order."""
    folded = text.casefold()
    return tuple(r.signal_id for r in rules if any(k.casefold() in folded for k in r.keywords))
