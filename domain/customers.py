"""Which known customer a typed name means: `ACME`, `acme corp.` and `ＡＣＭＥ Corp` are one customer.

People type a customer's name the way they say it: shorter, in another case, full-width from a Chinese
input method, with or without the dots and spaces. A name typed that matches no known customer is not
silently a new one; the caller asks first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# A Chinese name may be typed by its first characters (华东 for 华东机械); one character says too little.
_MIN_CJK_PREFIX = 2


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK ", "HIRAGANA", "KATAKANA", "HANGUL"))


def _words(name: str) -> list[str]:
    """The name's words, compared without case, width, punctuation or symbols."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    kept = "".join(ch if ch.isalnum() else " " for ch in folded)
    return kept.split()


def customer_key(name: str) -> str:
    """The form two names must share to be the same customer: `AT&T Machinery` → `attmachinery`."""
    return "".join(_words(name))


def _contains_words(words: list[str], typed: list[str]) -> bool:
    size = len(typed)
    return any(words[i : i + size] == typed for i in range(len(words) - size + 1))


def best_match(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` means, or None when it means none of them or several.

    An exact key match wins (the first one, should the list hold two); else the one known name that
    contains the typed words as whole words (`ACME` → `ACME Corp`), or, for a Chinese name, starts with
    it (`华东` → `华东机械`).
    """
    typed_words = _words(name)
    typed_key = "".join(typed_words)
    if not typed_key:
        return None
    names = list(dict.fromkeys(known))
    exact = [k for k in names if customer_key(k) == typed_key]
    if exact:
        return exact[0]
    cjk = any(_is_cjk(ch) for ch in typed_key)
    candidates = []
    for candidate in names:
        words = _words(candidate)
        chinese_prefix = cjk and len(typed_key) >= _MIN_CJK_PREFIX and "".join(words).startswith(typed_key)
        if chinese_prefix or _contains_words(words, typed_words):
            candidates.append(candidate)
    by_key = {customer_key(c) for c in candidates}
    return candidates[0] if len(by_key) == 1 else None


def tidy_name(name: str) -> str:
    """A new customer's name as stored: spacing collapsed, Slack's escaping already undone by the caller."""
    return re.sub(r"\s+", " ", name).strip()
