"""A submitted lead's problems in the person's words: one short sentence per field, no pydantic text."""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import t
from usecases.lead_input import FieldProblem

# Where a field's problem shows in the lead form: the budget is one box, the source feeds signals.
FORM_FIELD = {"budget_min": "budget", "budget_max": "budget", "signals": "source"}


def problem_text(problem: FieldProblem, lang: str) -> str:
    """One problem as a sentence in `lang`."""
    return t(lang, f"lead.input.{problem.code}", **problem.params)


def problem_texts(
    problems: Mapping[str, FieldProblem], lang: str, rename: Mapping[str, str] = {}
) -> dict[str, str]:
    """Every problem by field (renamed where the person sees the field under another name)."""
    texts: dict[str, str] = {}
    for field, problem in problems.items():
        texts.setdefault(rename.get(field, field), problem_text(problem, lang))
    return texts
