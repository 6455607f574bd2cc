"""What a lead looks like when it arrives: one schema for the webhook, the import and the form.

Validated by pydantic so every channel rejects the same mistakes with the same field names; keys the
schema does not know are kept as the lead's extra attributes (a web form's `page_dwell_seconds`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from domain.leads import Urgency
from domain.money import parse_amount

_NUL = "\x00"


def _without_nul(value: Any) -> Any:
    """Refuse text holding the NUL character: PostgreSQL cannot store it, and no person typed it."""
    texts = value if isinstance(value, list | tuple) else [value]
    if any(isinstance(text, str) and _NUL in text for text in texts):
        raise PydanticCustomError("lead_nul", "contains a NUL character (\\u0000); remove it and send again")
    return value


class LeadInput(BaseModel):
    """A lead as submitted; `company` and a phone or an e-mail are required."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    company: str = Field(min_length=1, max_length=200)
    contact: str = Field(default="", max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    region: str | None = Field(default=None, max_length=100)
    industry: str | None = Field(default=None, max_length=100)
    source: str | None = Field(default=None, max_length=100)
    budget_min: Decimal | None = Field(default=None, ge=0)
    budget_max: Decimal | None = Field(default=None, ge=0)
    urgency: Urgency | None = None
    signals: list[str] = Field(default_factory=list)
    notes: str | None = Field(default=None, max_length=4000)
    # Keys the schema does not know are kept, but pass the same text checks as the known ones.
    __pydantic_extra__: dict[str, Annotated[Any, AfterValidator(_without_nul)]]

    @model_validator(mode="before")
    @classmethod
    def _no_nul_in_names(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(isinstance(key, str) and _NUL in key for key in data):
            raise PydanticCustomError(
                "lead_nul", "a field name contains a NUL character (\\u0000); remove it and send again"
            )
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return _without_nul(value)

    @field_validator("phone", "email", "region", "industry", "source", "notes", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("phone")
    @classmethod
    def _phone_has_digits(cls, value: str | None) -> str | None:
        if value is not None and sum(ch.isdigit() for ch in value) < 5:
            raise PydanticCustomError("lead_phone_digits", "a phone number needs at least 5 digits")
        return value

    @model_validator(mode="after")
    def _reachable_and_ordered(self) -> Self:
        if not self.phone and not self.email:
            raise PydanticCustomError(
                "lead_unreachable", "give a phone or an email, so someone can follow up"
            )
        if self.budget_min is not None and self.budget_max is not None and self.budget_min > self.budget_max:
            raise PydanticCustomError("lead_budget_reversed", "budget_min is above budget_max")
        return self

    @property
    def attributes(self) -> dict[str, str | float]:
        """The extra keys, as the scoring rules read them (numbers stay numbers)."""
        extra = self.model_extra or {}
        return {
            k: v if isinstance(v, int | float) and not isinstance(v, bool) else str(v)
            for k, v in extra.items()
        }


# Checks of the lead as a whole, and the field each one belongs to when a person fixes it.
_WHOLE_LEAD_FIELD = {"lead_unreachable": "phone", "lead_budget_reversed": "budget_max"}
# pydantic's error types, as the few problems a person can act on.
_PROBLEM_OF_TYPE = {
    "missing": "required",
    "string_too_short": "required",
    "string_too_long": "too_long",
    "string_pattern_mismatch": "bad_email",
    "decimal_parsing": "bad_number",
    "decimal_type": "bad_number",
    "greater_than_equal": "negative",
    "enum": "bad_choice",
    "list_type": "bad_list",
    "string_type": "bad_text",
    "lead_nul": "nul",
    "lead_phone_digits": "bad_phone",
    "lead_unreachable": "unreachable",
    "lead_budget_reversed": "budget_reversed",
}


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field, as a code the message catalogue words (`lead.input.<code>`)."""

    code: str
    params: dict[str, Any]


def field_problems(error: ValidationError) -> dict[str, FieldProblem]:
    """Each bad field with what is wrong with it; a check of the whole lead names the field to fix."""
    fields: dict[str, FieldProblem] = {}
    for problem in error.errors():
        kind = str(problem["type"])
        name = ".".join(str(part) for part in problem["loc"]) or _WHOLE_LEAD_FIELD.get(kind, "company")
        params = {"limit": (problem.get("ctx") or {}).get("max_length", "")}
        fields.setdefault(name, FieldProblem(_PROBLEM_OF_TYPE.get(kind, "invalid"), params))
    return fields


def parse_budget(text: str | None) -> tuple[Decimal | None, Decimal | None]:
    """`50000-80000`, `5万-8万`, `80000` → (min, max); raises ValueError for anything else."""
    if not text:
        return None, None
    figures = [parse_amount(part) for part in re.split(r"\s*(?:-|–|~|至|到)\s*", text.strip()) if part]
    if len(figures) == 1:
        return figures[0], figures[0]
    if len(figures) == 2:
        return figures[0], figures[1]
    raise ValueError(text)
