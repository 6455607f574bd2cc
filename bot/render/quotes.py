"""A quote's progress in the deal thread, the approver's DM, the requester's outcome, and `why`.

Everything is rendered from a `VersionView` at send time, so each copy of a message shows the
chain as it stands: who approved, who is still to decide, what was skipped and why. Buttons carry the
request id; who may press them is checked when they are pressed, never trusted from the message.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.i18n import t
from bot.render.dates import format_day, format_moment
from bot.render.money import format_money
from bot.render.todo import approval_buttons
from config.rules import Rules
from domain.approvals import Reason
from domain.quotes import Change, PaymentTerms, Remainder
from usecases.quote_views import RequestView, StepView, VersionView

_OPS = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "eq": "="}
_ICONS = {"approve": "✅", "reject": "❌", "changes": "✏️"}


def _number(value: Decimal | str) -> str:
    return f"{Decimal(value).normalize():f}"


def terms_text(terms: PaymentTerms, lang: str) -> str:
    """`30 % prepayment, the rest net 30 days` / `预付 30 %，余款账期 30 天`."""
    parts = []
    upfront = terms.prepayment_pct > 0
    if upfront:
        parts.append(t(lang, "terms.prepayment", pct=_number(terms.prepayment_pct)))
    if terms.prepayment_pct < 100:
        if terms.remainder is Remainder.ON_DELIVERY:
            parts.append(t(lang, "terms.cash_on_delivery" if upfront else "terms.cash_on_delivery_all"))
        else:
            parts.append(t(lang, "terms.net" if upfront else "terms.net_all", days=terms.net_days))
    if terms.special.strip():
        parts.append(t(lang, "terms.special", text=terms.special.strip()))
    return ("，" if lang == "zh" else ", ").join(parts) or t(lang, "terms.none")


def reason_text(reason: Reason, lang: str) -> str:
    """One reason for a step, as a person reads it: "discount 15 % > 10 %", "cash on delivery, low risk"."""
    test = reason.test
    if test is None:
        return t(lang, f"why.{reason.code}")
    fact = test["fact"]
    if fact == "terms":
        return t(lang, f"why.terms.{test['tag']}")
    op, limit, actual = _OPS.get(test.get("op") or "", "?"), test["limit"], test.get("actual")
    if fact == "amount":
        currency = test.get("in") or test.get("currency", "")
        shown = format_money(Decimal(limit), currency, lang)
        if actual is None:
            return t(lang, "why.amount_unknown", currency=test.get("currency", ""), limit=shown)
        return t(lang, "why.amount", actual=format_money(Decimal(actual), currency, lang), op=op, limit=shown)
    return t(lang, f"why.{fact}", actual=_number(actual or 0), op=op, limit=_number(limit))


def reasons_text(reasons: tuple[Reason, ...], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(reason_text(r, lang) for r in reasons)


def step_line(step: StepView, rules: Rules, lang: str) -> str:
    """One step of the progress: ✅ Manager (@ann), ⏳ Finance (@zhao), ⏭ Legal skipped: cash on delivery."""
    row = step.row
    name = rules.approvals.step_label(row.step, lang)
    if row.state in ("approved", "rejected", "changes"):
        key = {"approved": "step.approved", "rejected": "step.rejected", "changes": "step.changes"}[row.state]
        if row.state == "approved" and row.on_behalf_of:
            return t(lang, "step.approved_for", step=name, user=row.decided_by, **{"for": row.on_behalf_of})
        return t(lang, key, step=name, user=row.decided_by or "")
    if row.state == "pending":
        people = ", ".join(
            f"<@{r.delegate_id or r.approver_id}>" for r in step.requests if r.state == "pending"
        )
        if row.all_of_group:
            people = f"{people}; {t(lang, 'step.all_of')}"
        if row.fallback:
            people = f"{people}; {t(lang, 'step.fallback')}"
        return t(lang, "step.pending", step=name, people=people)
    if row.state == "skipped":
        return t(lang, "step.skipped", step=name, why=reasons_text(step.spec.reasons, lang))
    return t(lang, "step.replaced" if row.state == "replaced" else "step.waiting", step=name)


def chain_text(view: VersionView, rules: Rules, lang: str) -> str:
    return "  ".join(step_line(step, rules, lang) for step in view.steps)


def changes_text(changes: tuple[Change, ...], currency: str, lang: str) -> str:
    shown = []
    for change in changes:
        before, after = change.before, change.after
        if change.what == "total":
            before = format_money(Decimal(before), currency, lang)
            after = format_money(Decimal(after), currency, lang)
        if change.what == "remainder":
            before, after = (
                t(lang, f"quote.form.remainder.{before}"),
                t(lang, f"quote.form.remainder.{after}"),
            )
        shown.append(t(lang, f"change.{change.what}", before=before, after=after))
    return ("；" if lang == "zh" else "; ").join(shown)


def total_of(view: VersionView, lang: str) -> str:
    return format_money(view.content.total, view.content.currency, lang)


def render_status(view: VersionView, rules: Rules, lang: str, tz: str) -> tuple[str, list[dict]]:
    """The version's progress in the deal's thread, updated in place as the chain moves."""
    quote, version = view.quote, view.version
    total = total_of(view, lang)
    header = t(
        lang,
        "quote.status.header",
        number=quote.number,
        version=version.version,
        customer=view.customer,
        total=total,
    )
    text = t(
        lang,
        "quote.status.text",
        number=quote.number,
        version=version.version,
        customer=view.customer,
        total=total,
    )
    lines = [header]
    if version.version > 1:
        lines.append(t(lang, "quote.status.restarted", previous=version.version - 1))
    lines.append(chain_text(view, rules, lang))
    decided = next((s.row for s in view.steps if s.row.state in ("rejected", "changes")), None)
    if version.state == "replaced":
        lines.append(t(lang, "quote.status.replaced"))
    elif version.state == "approved":
        lines.append(t(lang, "quote.status.approved"))
    elif decided is not None:
        lines.append(t(lang, f"quote.status.{decided.state}", reason=decided.reason or ""))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines))),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=t(
                        lang,
                        "quote.status.submitted_by",
                        user=version.submitted_by,
                        when=format_moment(version.submitted_at, tz, lang),
                    )
                )
            ]
        ),
    ]
    return text, [block.to_dict() for block in blocks]


def render_approval(
    view: RequestView, reader: str, now: datetime, rules: Rules, lang: str, tz: str
) -> tuple[str, list[dict]]:
    """The approver's DM: summary, changes, risk, chain, and the buttons while it is theirs to decide."""
    version = view.version
    quote, content = version.quote, version.content
    step_name = rules.approvals.step_label(view.step.row.step, lang)
    total = total_of(version, lang)
    text = t(
        lang,
        "approval.text",
        step=step_name,
        number=quote.number,
        version=version.version.version,
        customer=version.customer,
        total=total,
    )
    lines = [
        t(
            lang,
            "approval.header",
            step=step_name,
            number=quote.number,
            version=version.version.version,
            deal=version.deal.title,
            customer=version.customer,
            requester=version.version.submitted_by,
        ),
        t(
            lang,
            "approval.summary",
            total=total,
            subtotal=format_money(content.subtotal, content.currency, lang),
            discount=_number(content.discount_pct),
            terms=terms_text(content.terms, lang),
            valid=format_day(content.valid_until, lang) if content.valid_until else "—",
        ),
        t(
            lang,
            "approval.changes",
            previous=version.version.version - 1,
            changes=changes_text(version.changes, content.currency, lang),
        )
        if version.changes
        else t(lang, "approval.first_version"),
        t(lang, "approval.risks", reasons=reasons_text(version.risks, lang))
        if version.risks
        else t(lang, "approval.no_risk"),
        t(lang, "approval.chain", chain=chain_text(version, rules, lang)),
    ]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join(lines)))]
    blocks += _approval_state(view, reader, now, lang, tz)
    return text, [block.to_dict() for block in blocks]


def _approval_state(view: RequestView, reader: str, now: datetime, lang: str, tz: str) -> list[Block]:
    request, row = view.request, view.step.row
    notes: list[str] = []
    if view.version.version.state == "replaced":
        return [_context(t(lang, "approval.replaced"))]
    if request.state in ("approve", "reject", "changes"):
        return _decided(
            request.state,
            request.decided_by or "",
            row.on_behalf_of if row.decided_by == request.decided_by else None,
            request.decided_at or now,
            request.reason,
            lang,
            tz,
        )
    if request.state == "closed" or row.state != "pending":
        if row.state in ("approved", "rejected", "changes") and row.decided_by:
            decision = {"approved": "approve", "rejected": "reject", "changes": "changes"}[row.state]
            return _decided(
                decision, row.decided_by, row.on_behalf_of, row.decided_at or now, row.reason, lang, tz
            )
        return [_context(t(lang, "approval.closed"))]
    if request.delegate_id and reader == request.delegate_id:
        notes.append(t(lang, "approval.for", approver=request.approver_id))
    elif request.delegate_id:
        notes.append(t(lang, "approval.delegated", delegate=request.delegate_id))
    elif reader != request.approver_id:
        notes.append(t(lang, "approval.moved", approver=request.approver_id))
        return [_context(note) for note in notes]
    buttons = ActionsBlock(block_id=f"approval-{request.id}", elements=approval_buttons(request.id, lang))
    return [*(_context(note) for note in notes), buttons]


def _decided(
    decision: str, user: str, on_behalf_of: str | None, when: datetime, reason: str | None, lang: str, tz: str
) -> list[Block]:
    params: dict[str, Any] = {
        "icon": _ICONS[decision],
        "decision": t(lang, f"decision.{decision}"),
        "user": user,
        "when": format_moment(when, tz, lang),
    }
    line = (
        t(lang, "approval.decided_for", **params, **{"for": on_behalf_of})
        if on_behalf_of
        else t(lang, "approval.decided", **params)
    )
    if reason:
        line = f"{line}\n{t(lang, 'approval.reason', reason=reason)}"
    return [_context(line)]


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def render_outcome(view: VersionView, step_id: int, rules: Rules, lang: str) -> str:
    """The requester's DM when a step rejected the version or asked for changes."""
    step = next(s.row for s in view.steps if s.row.id == step_id)
    key = "quote.outcome.rejected" if step.state == "rejected" else "quote.outcome.changes"
    return t(
        lang,
        key,
        number=view.quote.number,
        version=view.version.version,
        step=rules.approvals.step_label(step.step, lang),
        user=step.decided_by or "",
        reason=step.reason or "",
    )


def submitted_text(view: VersionView, rules: Rules, lang: str) -> str:
    """ "Q-2026-0042 v2 is submitted: ✅ … ⏳ …", or, for a later version, that the chain starts again."""
    params = {
        "number": view.quote.number,
        "version": view.version.version,
        "chain": chain_text(view, rules, lang),
    }
    if view.version.version > 1:
        return t(lang, "quote.restarted", previous=view.version.version - 1, **params)
    return t(lang, "quote.submitted", **params)


def why_text(view: VersionView, rules: Rules, lang: str) -> str:
    """`/closeloop quote why Q-…`: each step of the chain, needed or skipped, with the rules behind it."""
    lines = [t(lang, "why.header", number=view.quote.number, version=view.version.version)]
    for step in view.steps:
        name = rules.approvals.step_label(step.row.step, lang)
        key = "why.step_needed" if step.spec.needed else "why.step_skipped"
        lines.append(t(lang, key, step=name, why=reasons_text(step.spec.reasons, lang)))
    lines.append(t(lang, "approval.chain", chain=chain_text(view, rules, lang)))
    return "\n".join(lines)
