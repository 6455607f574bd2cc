"""The message catalogue: every sentence closeloop says, in English and Chinese.

Entries live beside the feature that says them (`bot/i18n/<feature>.py`, each a dict of
`key -> {"en": …, "zh": …}`) and are merged here; a test checks both languages carry the same
placeholders.
"""

from __future__ import annotations

from typing import Literal

from bot.i18n import archive, cli, common, console, leads

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

CATALOGUE: dict[str, dict[str, str]] = {
    **common.ENTRIES,
    **archive.ENTRIES,
    **cli.ENTRIES,
    **console.ENTRIES,
    **leads.ENTRIES,
}


def t(lang: str, key: str, **params: object) -> str:
    """The sentence `key` in `lang` (English when `lang` is unknown), filled with `params`."""
    entry = CATALOGUE[key]
    return entry.get(lang, entry["en"]).format(**params)


def language_for(locale: str | None, default: str) -> Lang:
    """The reply language for a Slack locale (`zh-CN`, `zh-TW`, `en-US`…), else the team default."""
    if locale:
        return "zh" if locale.lower().startswith("zh") else "en"
    return "zh" if default == "zh" else "en"
