"""The lead reports people ask for in Slack: why a lead went where it did, and lead fairness per rep."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import label, t
from bot.people import Person
from bot.render.dates import format_moment
from bot.render.lead_card import fired_label, fired_text, reason_text, reasons_text
from bot.services import Services
from domain.fairness import AssignmentFact, Flag, Period, fairness_report
from domain.leads import Grade
from usecases.leads import LeadDecision, reason_from_json

_FLAG_MARK = {
    Flag.GREEN: ":large_green_circle:",
    Flag.YELLOW: ":large_yellow_circle:",
    Flag.RED: ":red_circle:",
}
_RECEIVING_KINDS = ("routed", "claimed", "reassigned")


async def why_text(services: Services, lead_id: int, reader: Person) -> str:
    """A lead's audit trail: each decision with its reasons, and every candidate's verdict."""
    lang = reader.lang
    lead, trail = await services.leads.trail(lead_id)
    if lead is None:
        return t(lang, "lead.error.lead_unknown", id=lead_id)
    fired = [(fired_label(f, lang), f["points"]) for f in lead.fired_rules]
    lines = [
        t(lang, "lead.why.header", id=lead.id, company=lead.company),
        t(
            lang,
            "lead.why.score",
            grade=lead.grade,
            score=lead.score,
            rules=fired_text(fired, lang) or t(lang, "lead.none"),
        ),
    ]
    for decision in trail:
        lines.append(_decision_line(decision, reader))
        lines += [
            _candidate_line(c, lang)
            for c in decision.candidates
            if c.get("verdict") in ("eligible", "skipped")
        ]
    return "\n".join(lines)


def _decision_line(decision: LeadDecision, reader: Person) -> str:
    reasons = [reason_from_json(r) for r in decision.reasons]
    return t(
        reader.lang,
        "lead.why.decision",
        when=format_moment(decision.decided_at, reader.tz, reader.lang),
        kind=label(reader.lang, "lead.kind", decision.kind),
        owner=f" → <@{decision.owner_id}>" if decision.owner_id else "",
        reasons=reasons_text(reasons, reader.lang) or t(reader.lang, "lead.none"),
    )


def _candidate_line(candidate: dict, lang: str) -> str:
    if candidate["verdict"] == "skipped":
        reason = reason_text(reason_from_json(candidate["reason"]), lang)
        return t(lang, "lead.why.candidate_skip", user=candidate["user_id"], reason=reason)
    return t(
        lang,
        "lead.why.candidate_ok",
        user=candidate["user_id"],
        rank=candidate["rank"],
        open=candidate["open_leads"],
        cap=candidate["cap"],
        weight=candidate["weight"],
        new=t(lang, "lead.why.new_rep") if candidate.get("is_new") else "",
    )


def month_bounds(month: str, tz: str) -> tuple[datetime, datetime]:
    """The first moment of `month` (YYYY-MM) and of the month after, in the reader's zone."""
    year, number = (int(part) for part in month.split("-"))
    zone = ZoneInfo(tz)
    start = datetime(year, number, 1, tzinfo=zone)
    return start, datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)


async def fairness_text(services: Services, team_id: str, month: str, reader: Person) -> str:
    """Per rep: leads received by grade, share against fair share, median first contact, a flag."""
    lang = reader.lang
    roster = await services.leads.roster(team_id)
    if not roster:
        return t(lang, "fairness.empty")
    start, end = month_bounds(month, reader.tz)
    received = await services.leads.received_between(team_id, start, end, _RECEIVING_KINDS)
    facts = [
        AssignmentFact(owner, Grade(grade), decided_at, contacted_at if current_owner == owner else None)
        for owner, grade, decided_at, current_owner, contacted_at in received
    ]
    report = fairness_report(facts, roster, Period(start, end), policy=services.rules.leads.fairness_policy)
    lines = [t(lang, "fairness.header", period=month), t(lang, "fairness.columns")]
    for line in report:
        grades = {g.value.lower(): line.by_grade.get(g, 0) for g in Grade}
        why = reasons_text(line.reasons, lang)
        lines.append(
            t(
                lang,
                "fairness.row",
                flag=_FLAG_MARK[line.flag],
                user=line.user_id,
                received=line.received,
                share=f"{line.share:.0%}",
                fair=f"{line.fair_share:.0%}",
                median=_duration(line.median_first_contact, lang),
                why=f" · {why}" if why else "",
                **grades,
            )
        )
    return "\n".join(lines)


def _duration(span: timedelta | None, lang: str) -> str:
    if span is None:
        return t(lang, "lead.none")
    hours = span.total_seconds() / 3600
    if hours >= 1:
        return t(lang, "duration.hours", hours=f"{hours:.0f}")
    return t(lang, "duration.minutes", minutes=f"{span.total_seconds() / 60:.0f}")
