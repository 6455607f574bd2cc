"""Collection this month (回款) in words, for the digest and App Home."""

from __future__ import annotations

from bot.i18n import t
from bot.render.money import format_money
from domain.collection import Collection


def _rate(rate: int | None) -> str:
    return "—" if rate is None else f"{rate}%"


def money_lines(money: Collection, lang: str) -> list[str]:
    """Collected against due with the rate; unpaid instalments by dunning level. Nothing when idle."""
    if money.empty:
        return []
    lines = [
        t(
            lang,
            "money.collected",
            collected=format_money(money.collected, money.currency, lang),
            due=format_money(money.due, money.currency, lang),
            rate=_rate(money.rate),
        )
    ]
    if money.overdue:
        levels = " · ".join(f"{t(lang, f'contract.level.{level}')} {n}" for level, n in money.overdue.items())
        lines.append(t(lang, "money.overdue", levels=levels))
    return lines


def rep_lines(money: Collection, lang: str) -> list[str]:
    """Each rep's rate (回款达成率): collected against what fell due this month."""
    return [
        t(
            lang,
            "money.rep",
            user=rep.owner,
            collected=format_money(rep.collected, money.currency, lang),
            due=format_money(rep.due, money.currency, lang),
            rate=_rate(rep.rate),
        )
        for rep in money.reps
    ]


def reason_lines(reasons: list[list[str]], lang: str) -> list[str]:
    """Late payments whose reason is written: off red, and worth a manager's reading."""
    return [
        t(lang, "money.reason", contract=number, customer=customer, reason=reason, user=owner)
        for number, customer, reason, owner in reasons
    ]
