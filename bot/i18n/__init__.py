"""The message catalogue: every sentence closeloop says, in English and Chinese.

Entries live beside the feature that says them (`bot/i18n/<feature>.py`, each a dict of
`key -> {"en": …, "zh": …}`) and are merged here; a test checks both languages carry the same
placeholders. A sentence with a number in it is a `Plural` (see `bot.i18n.plural`): `t()` picks the
form by the count, and `label()` names the things people see by id (sources, pools, decisions).
"""

from __future__ import annotations

from typing import Literal

from bot.i18n import (
    archive,
    cli,
    common,
    console,
    contracts,
    daily,
    deals,
    digest,
    handover,
    home,
    leads,
    payments,
    quote_pdf,
)
from bot.i18n.plural import Entry, Plural

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

CATALOGUE: dict[str, Entry] = {
    **common.ENTRIES,
    **archive.ENTRIES,
    **cli.ENTRIES,
    **console.ENTRIES,
    **daily.ENTRIES,
    **deals.ENTRIES,
    **contracts.ENTRIES,
    **home.ENTRIES,
    **digest.ENTRIES,
    **handover.ENTRIES,
    **leads.ENTRIES,
    **quote_pdf.ENTRIES,
    **payments.ENTRIES,
}


def t(lang: str, key: str, **params: object) -> str:
    """The sentence `key` in `lang` (English when `lang` is unknown), filled with `params`."""
    entry = CATALOGUE[key]
    text = entry.get(lang, entry["en"])
    if isinstance(text, Plural):
        text = text.choose(params)
    return text.format(**params)


def label(lang: str, kind: str, value: str) -> str:
    """The name people see for an id of `kind` (`lead.source`, `lead.pool`…): its catalogue label, or
    the id made readable (`website_form` → `website form`) when the catalogue has none."""
    key = f"{kind}.{value}"
    return t(lang, key) if key in CATALOGUE else humanise(value)


def humanise(identifier: str) -> str:
    """An id as words: underscores and hyphens become spaces."""
    return " ".join(identifier.replace("_", " ").replace("-", " ").split())


def language_for(locale: str | None, default: str) -> Lang:
    """The reply language for a Slack locale (`zh-CN`, `zh-TW`, `en-US`…), else the team default."""
    if locale:
        return "zh" if locale.lower().startswith("zh") else "en"
    return "zh" if default == "zh" else "en"
