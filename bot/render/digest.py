"""A digest as Slack shows it: the summary in its channel, the details in its thread.

Both are rendered from the figures the use case counted when the digest was due (kept in the
outbox row), in the team's language and zone: what a digest said at 18:00 does not change later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from bot.i18n import label, t
from bot.render.collection import money_lines, reason_lines, rep_lines
from bot.render.dates import format_day, format_moment
from domain.collection import Collection
from domain.digest import Change, Figures, grades_in_order, percent, share_change, week_over_week


def _day(lang: str, day: date) -> str:
    return format_day(day, lang)


def _scope(lang: str, pools: Sequence[str] | None) -> str:
    if pools is None:
        return t(lang, "digest.scope.team")
    return ", ".join(label(lang, "lead.pool", pool) for pool in pools)


def _change(lang: str, change: Change | None) -> str:
    if change is None:
        return ""
    if change.delta == 0:
        return t(lang, "digest.change.same")
    return t(
        lang, "digest.change.more" if change.delta > 0 else "digest.change.less", delta=abs(change.delta)
    )


def _points(lang: str, delta: int | None) -> str:
    if delta is None:
        return ""
    if delta == 0:
        return t(lang, "digest.change.same")
    return t(
        lang, "digest.change.points_more" if delta > 0 else "digest.change.points_less", delta=abs(delta)
    )


def render_summary(payload: Mapping[str, Any], lang: str) -> str:
    """The summary: one line a figure (with last week's change in a weekly report), then the hint."""
    figures = Figures.from_json(payload["figures"])
    previous = Figures.from_json(payload["previous"]) if payload.get("previous") else None
    changes = week_over_week(figures, previous) if previous else {}
    first = date.fromisoformat(payload["first_day"])
    scope = _scope(lang, payload.get("pools"))
    if payload["period"] == "week":
        last = date.fromordinal(first.toordinal() + payload["days"] - 1)
        title = t(
            lang,
            "digest.title.week",
            scope=scope,
            week=first.isocalendar()[1],
            first=_day(lang, first),
            last=_day(lang, last),
        )
    else:
        title = t(lang, "digest.title.day", scope=scope, date=_day(lang, first))
    graded = grades_in_order(figures.new_leads)
    grades = t(lang, "digest.grades", grades=" · ".join(f"{g} {n}" for g, n in graded)) if graded else ""
    contact = figures.contact
    if contact.settled:
        contact_line = t(
            lang,
            "digest.contact",
            in_time=contact.in_time,
            settled=contact.settled,
            percent=percent(contact.share),
        )
        contact_line += _points(lang, share_change(contact, previous.contact) if previous else None)
    else:
        contact_line = t(lang, "digest.contact.none")
    lines = [
        f"*{title}*",
        t(lang, "digest.new", count=figures.new_total, grades=grades)
        + _change(lang, changes.get("new_leads")),
        t(lang, "digest.assigned", count=figures.assigned) + _change(lang, changes.get("assigned")),
        contact_line,
        t(lang, "digest.breaches", count=figures.breaches) + _change(lang, changes.get("breaches")),
        t(lang, "digest.releases", count=figures.releases) + _change(lang, changes.get("releases")),
        t(lang, "digest.records", count=figures.records) + _change(lang, changes.get("records")),
        *(
            [
                t(
                    lang,
                    "digest.chains",
                    count=figures.chains_settled,
                    on_time=figures.chains_on_time,
                    percent=percent(figures.chains_on_time / figures.chains_settled),
                    days=payload.get("chain_days", 5),
                )
            ]
            if figures.chains_settled
            else []
        ),
        *(money_lines(Collection.from_json(payload["money"]), lang) if payload.get("money") else []),
        t(lang, "digest.open", count=payload["details"]["open_total"]),
        t(lang, "digest.thread_hint"),
    ]
    return "\n".join(lines)


def _what(lang: str, title: str, customer: str | None) -> str:
    return t(lang, "digest.details.item_customer", title=title, customer=customer) if customer else title


def _section(lang: str, header: str, lines: list[str], total: int) -> list[str]:
    if not lines:
        return []
    more = [t(lang, "digest.details.more", count=total - len(lines))] if total > len(lines) else []
    return ["", t(lang, header), *lines, *more]


def render_details(payload: Mapping[str, Any], lang: str, tz: str) -> str:
    """The thread reply: which leads, which releases, which items ran late, who filed, what is most urgent."""
    figures = Figures.from_json(payload["figures"])
    details = payload["details"]
    no_owner = t(lang, "digest.details.no_owner")
    new = [
        t(
            lang,
            "digest.details.new_line",
            id=lead_id,
            company=company,
            grade=grade,
            owner=f"<@{owner}>" if owner else no_owner,
        )
        for lead_id, company, grade, owner in details["new"]
    ]
    released = [
        t(lang, "digest.details.released_line", id=lead_id, company=company, owner=owner)
        for lead_id, company, owner in details["released"]
    ]
    breaches = [
        t(lang, "digest.details.item_line", what=_what(lang, title, customer), owner=owner)
        for title, customer, owner in details["breaches"]
    ]
    records = [
        t(lang, "digest.details.records_line", user=user, count=count) for user, count in details["records"]
    ]
    urgent = [
        t(
            lang,
            "digest.details.open_line",
            what=_what(lang, title, customer),
            owner=owner,
            due=format_moment(datetime.fromisoformat(due), tz, lang),
        )
        for title, customer, owner, due in details["open"]
    ]
    lines = [
        *_section(lang, "digest.details.new", new, figures.new_total),
        *_section(lang, "digest.details.released", released, figures.releases),
        *_section(lang, "digest.details.breaches", breaches, figures.breaches),
        *_section(lang, "digest.details.records", records, len(records)),
        *_section(lang, "digest.details.open", urgent, details["open_total"]),
    ]
    if payload.get("money"):
        reps = rep_lines(Collection.from_json(payload["money"]), lang)
        lines += _section(lang, "money.reps_heading", reps, len(reps))
    reasons = reason_lines(details.get("late_reasons", []), lang)
    lines += _section(lang, "money.reasons_heading", reasons, len(reasons))
    return "\n".join(lines[1:])
