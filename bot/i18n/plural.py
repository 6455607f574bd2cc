"""Counted sentences: the forms a catalogue entry takes by a number, per language.

English has two forms (CLDR `one` and `other`): "1 row", "0 rows", "2 rows". Chinese has one ("1 行",
"2 行"). An entry whose text is a `Plural` picks its form from the parameter named by `by` when `t()`
fills it, so call sites pass the number and never choose words themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Plural:
    """One language's forms of a counted sentence; `one` is None where the language has one form."""

    other: str
    one: str | None = None
    by: str = "count"

    def choose(self, params: Mapping[str, object]) -> str:
        """The form for the count in `params[self.by]`."""
        if self.by not in params:
            raise KeyError(f"a counted message needs the parameter {self.by!r}")
        return self.one if self.one is not None and params[self.by] == 1 else self.other

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form, for checks that read all of them."""
        return (self.other,) if self.one is None else (self.one, self.other)


Text = str | Plural
Entry = dict[str, Text]


def counted(en_one: str, en_other: str, zh: str, *, by: str = "count") -> Entry:
    """A catalogue entry counted by the parameter `by`: English singular and plural, Chinese's one form."""
    return {"en": Plural(other=en_other, one=en_one, by=by), "zh": Plural(other=zh, by=by)}
