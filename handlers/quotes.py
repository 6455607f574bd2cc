"""Quotes and approvals in Slack: `/closeloop quote` (new, `edit`, `why`), the approver's buttons and
reason form, and `/closeloop delegate`.

Approve decides at once; Reject and Request changes open a form whose reason is required. The quote
desk checks who may decide; anyone else is told privately and nothing changes. Every message the
decision changes (each copy of the DM, the deal thread, the requester's DM) follows through the outbox.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import t
from bot.render.modals import submitted_values
from bot.render.quote_forms import QUOTE_CALLBACK, REASON_CALLBACK, quote_modal, reason_modal
from bot.render.quotes import why_text
from bot.render.todo import ACTION_APPROVE, ACTION_CHANGES, ACTION_REJECT
from bot.services import Services
from domain.money import parse_amount
from domain.quotes import PaymentTerms, QuoteContent, Remainder, parse_lines
from handlers.command_table import COMMANDS, MENTION, CommandCall, Subcommand
from handlers.deals import quote_form_for
from handlers.interactions import actor, open_form, tell_privately
from usecases.quote_views import read_request, read_version
from usecases.quotes import QuoteError

_UNTIL = re.compile(r"^(?:until|to|至|到)?\s*(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)


def refusal(error: QuoteError, lang: str) -> str:
    """A quote operation's refusal in words (a decision already taken is named by its label)."""
    params = dict(error.params)
    if "decision" in params:
        params["decision"] = t(lang, f"decision.{params['decision']}")
    return t(lang, error.code, **params)


async def _quote(call: CommandCall) -> None:
    """`/closeloop quote` (form), `quote edit Q-…` (a new version), `quote why Q-…` (the chain's reasons),
    `quote pdf Q-…` (a draft PDF in the deal's thread)."""
    lang, services = call.person.lang, call.services
    word, _, rest = call.args.partition(" ")
    word, number = word.lower(), rest.strip()
    if (word in ("why", "edit", "pdf") and not number) or word not in ("", "why", "edit", "pdf"):
        await call.reply(t(lang, "quote.usage"))
        return
    try:
        if word == "why":
            record = await services.quotes.current(call.team_id, number)
            view = await read_version(services.db, record.version.id)
            assert view is not None
            await call.reply(why_text(view, services.rules, lang))
            return
        if word == "pdf":
            posted = await services.quotes.draft_pdf(
                call.team_id, number, call.person.user_id, services.clock.now()
            )
            await call.reply(
                t(lang, "quote.pdf.asked" if posted else "quote.pdf.already", number=number.upper())
            )
            return
        if word == "edit":
            record = await services.quotes.for_edit(call.team_id, number, call.person.user_id)
            form = quote_modal(
                lang=lang,
                deals=[],
                deal_id=record.quote.deal_id,
                currency=record.content.currency,
                valid_until=record.content.valid_until or services.clock.now().date(),
                content=record.content,
                number=record.quote.number,
            )
            await call.client.views_open(trigger_id=call.trigger_id, view=form)
            return
    except QuoteError as error:
        await call.reply(refusal(error, lang))
        return
    form = await quote_form_for(services, call.person, call.team_id, None)
    if form is None:
        await call.reply(t(lang, "deal.no_open"))
        return
    await call.client.views_open(trigger_id=call.trigger_id, view=form)


async def _delegate(call: CommandCall) -> None:
    """`/closeloop delegate @bob until 2026-12-10`, `delegate off`, or `delegate` to see what runs."""
    lang, services, args = call.person.lang, call.services, call.args.strip()
    desk, now = services.quotes, services.clock.now()
    try:
        if not args:
            current = await desk.delegation_of(call.team_id, call.person.user_id, now)
            if current is None:
                await call.reply(t(lang, "delegate.nothing"))
            else:
                last_day = current.last_day(call.person.tz).isoformat()
                await call.reply(t(lang, "delegate.current", user=current.delegate, until=last_day))
            return
        if args.lower() in ("off", "end", "stop", "取消", "结束"):
            ended = await desk.end_delegation(call.team_id, call.person.user_id, now)
            await call.reply(t(lang, "delegate.ended", user=ended.delegate))
            return
        mention = MENTION.match(args)
        until = _UNTIL.match(args[mention.end() :].strip()) if mention else None
        if mention is None or until is None:
            await call.reply(t(lang, "delegate.usage"))
            return
        try:
            last_day = date.fromisoformat(until.group(1))
        except ValueError:
            await call.reply(t(lang, "delegate.usage"))
            return
        delegated = await desk.delegate(call.team_id, call.person.user_id, mention.group(1), last_day, now)
        await call.reply(
            t(lang, "delegate.set", user=mention.group(1), until=last_day.isoformat(), count=delegated.moved)
        )
    except QuoteError as error:
        await call.reply(refusal(error, lang))


COMMANDS.add(Subcommand("quote", "usage.quote", "help.quote", _quote))
COMMANDS.add(Subcommand("delegate", "usage.delegate", "help.delegate", _delegate))


def read_quote_form(values: dict[str, str | None], lang: str) -> tuple[QuoteContent | None, dict[str, str]]:
    """The quote form's fields as a quote's content, or the fields to fix with what is wrong."""
    errors: dict[str, str] = {}
    lines, problems = parse_lines(values.get("lines") or "")
    if problems:
        errors["lines"] = t(lang, "quote.form.bad_line", line=problems[0].number, text=problems[0].text[:80])
    lump_sum = None
    if values.get("total"):
        try:
            lump_sum = parse_amount(values["total"] or "")
        except ValueError:
            errors["total"] = t(lang, "quote.form.bad_number")
    if not lines and lump_sum is None and "lines" not in errors and "total" not in errors:
        errors["total"] = t(lang, "quote.form.no_price")

    def number(field: str, default: str) -> Decimal:
        try:
            value = Decimal((values.get(field) or default).rstrip("%").strip())
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():  # "NaN" and "Infinity" parse, and compare with nothing
            errors[field] = t(lang, "quote.form.bad_number")
            return Decimal(0)
        return value

    discount, prepayment = number("discount", "0"), number("prepayment", "0")
    net_days = number("net_days", "30")
    if net_days != net_days.to_integral_value():
        errors["net_days"] = t(lang, "quote.form.bad_number")
    if errors:
        return None, errors
    content = QuoteContent(
        currency=values.get("currency") or "CNY",
        lines=lines,
        lump_sum=None if lines else lump_sum,
        discount_pct=discount,
        terms=PaymentTerms(
            prepayment,
            Remainder(values.get("remainder") or Remainder.NET.value),
            int(net_days),
            values.get("special") or "",
        ),
        valid_until=date.fromisoformat(values["valid_until"]) if values.get("valid_until") else None,
    )
    return content, {}


_ERROR_FIELDS = {
    "quote.error.no_price": "total",
    "quote.error.bad_amount": "total",
    "quote.error.bad_discount": "discount",
    "quote.error.bad_prepayment": "prepayment",
    "quote.error.bad_net_days": "net_days",
    "quote.error.expired": "valid_until",
    "deal.error.bad_currency": "currency",
}


def register(app: AsyncApp, services: Services) -> None:
    """Listen to the quote form, the approval buttons and the reason form."""
    desk = services.quotes

    @app.view(QUOTE_CALLBACK)
    async def on_quote(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        values = submitted_values(view)
        content, errors = read_quote_form(values, person.lang)
        if content is None:
            await ack(response_action="errors", errors=errors)
            return
        number = json.loads(view.get("private_metadata") or "{}").get("number")
        deal_id = int(values["deal"]) if values.get("deal") else None
        try:
            await desk.submit(
                body["team"]["id"],
                person.user_id,
                content,
                services.clock.now(),
                deal_id=deal_id,
                number=number,
            )
        except QuoteError as error:
            field = _ERROR_FIELDS.get(error.code, "deal" if number is None else "lines")
            await ack(response_action="errors", errors={field: refusal(error, person.lang)})
            return
        await ack()

    @app.action(ACTION_APPROVE)
    async def on_approve(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        person = await actor(services, client, body)
        try:
            await desk.decide(int(action["value"]), person.user_id, "approve", "", services.clock.now())
        except QuoteError as error:
            await tell_privately(client, body, person, refusal(error, person.lang))

    async def on_reason_button(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Reject / Request changes: the form opens only for someone who may decide, while they may."""
        await ack()
        person = await actor(services, client, body)
        decision = "reject" if action["action_id"] == ACTION_REJECT else "changes"
        request_id = int(action["value"])
        try:
            await desk.check_decider(request_id, person.user_id, services.clock.now())
        except QuoteError as error:
            await tell_privately(client, body, person, refusal(error, person.lang))
            return
        shown = await read_request(services.db, request_id)
        assert shown is not None
        form = reason_modal(
            lang=person.lang,
            request_id=request_id,
            decision=decision,
            number=shown.version.quote.number,
            version=shown.version.version.version,
        )
        await open_form(client, body["trigger_id"], form, "reason")

    app.action(ACTION_REJECT)(on_reason_button)
    app.action(ACTION_CHANGES)(on_reason_button)

    @app.view(REASON_CALLBACK)
    async def on_reason(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        person = await actor(services, client, body)
        metadata = json.loads(view.get("private_metadata") or "{}")
        reason = submitted_values(view).get("reason") or ""
        try:
            await desk.decide(
                int(metadata["request_id"]),
                person.user_id,
                metadata["decision"],
                reason,
                services.clock.now(),
            )
        except QuoteError as error:
            await ack(response_action="errors", errors={"reason": refusal(error, person.lang)})
            return
        await ack()
