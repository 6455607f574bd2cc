"""What each kind of outbox row looks like in Slack, rendered when it is sent.

A use case says *what* to show (`record_card` of activity 12, `text` with a catalogue key for a
person); this module turns it into text and blocks in the reader's language and time zone at send
time, so the newest state is what goes out and a person's profile is read off the transaction path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import t
from bot.people import PeopleDirectory, Person
from bot.render.activity_card import ActivityCard, render_card, render_undone
from bot.render.contracts import render_contract_note, render_dunning
from bot.render.dates import format_day
from bot.render.deal_card import render_deal_card
from bot.render.digest import render_details, render_summary
from bot.render.handover import render_handover
from bot.render.home import render_home
from bot.render.lead_card import LeadCard, fired_label, reasons_text, render_lead_card
from bot.render.payment_forms import note_text
from bot.render.quote_pdf import PdfLine, QuoteDocument, render_quote_pdf
from bot.render.quotes import render_approval, render_outcome, render_status, submitted_text, terms_text
from bot.render.todo import ItemList, home_tab_link, render_escalation, render_todo_card
from config.rules import Rules
from config.settings import Settings
from domain.leads import Reason
from storage import activities, customers
from storage import deals as deal_store
from storage import leads as lead_store
from storage import tasks as task_store
from storage.db import Database
from storage.outbox import ClaimedMessage
from usecases.contract_views import read_contract, read_instalment
from usecases.digests import queue_details
from usecases.handover import read_handover
from usecases.home import home_contents
from usecases.payment_views import payment_note
from usecases.quote_views import read_deal, read_request, read_version


@dataclass(frozen=True)
class Attachment:
    """A file a message shares (a quote's PDF): its file name in Slack, its title, its bytes.

    The name is how a send in doubt is found again in the thread, so a kind that uploads gives each
    file a name of its own (the quote's number and version, say).
    """

    filename: str
    title: str
    content: bytes


@dataclass(frozen=True)
class Rendered:
    """A message ready for Slack. With `file`, the text is the comment the file is shared with;
    `thread_ts` places the message in a thread known only at send time."""

    text: str
    blocks: list[dict] | None = None
    file: Attachment | None = None
    thread_ts: str | None = None


class NotReady(Exception):
    """What the message belongs to is not in Slack yet (a quote's deal card): send it a little later."""


@dataclass(frozen=True)
class RenderContext:
    """What rendering may read: the database, people's profiles (through Slack), rules and settings."""

    db: Database
    people: PeopleDirectory
    client: AsyncWebClient
    rules: Rules
    settings: Settings
    now: Callable[[], datetime]  # the bot's clock
    app: dict[str, str] = field(default_factory=dict)  # auth.test's answer, asked once


Renderer = Callable[[RenderContext, ClaimedMessage], Awaitable[Rendered]]
Remember = Callable[[AsyncSession, ClaimedMessage, str, str], Awaitable[None]]


@dataclass(frozen=True)
class MessageKind:
    """How one kind of outbox row is rendered and sent.

    `ephemeral`: shown to `payload["user"]` only (`chat.postEphemeral`; never updated).
    `publishes`: the person's App Home (`views.publish` to the user the row is addressed to); every
    version is a whole new view, so it has no ts and publishing one twice does no harm.
    `uploads`: shares `Rendered.file` in the channel (or thread) through Slack's file upload, once: a
    shared file is never updated, so a new version of a file is a new row under its own key.
    `dm_fallback`: the payload key naming whom to message directly when the bot may not post in the
    channel. `remember`: stores where the message landed on the object it shows, in the same
    transaction that marks the row sent. `after_sent`: a follow-up read from Slack once the message is
    out, never worth delaying it for (and never a reason to send it again).
    """

    render: Renderer
    ephemeral: bool = False
    publishes: bool = False
    uploads: bool = False
    dm_fallback: str | None = None
    remember: Remember | None = None
    after_sent: Callable[[RenderContext, ClaimedMessage], Awaitable[None]] | None = None


async def _reader(context: RenderContext, message: ClaimedMessage, user_id: str) -> Person:
    """Whom the message speaks to; if Slack cannot say, the send is retried rather than guessed."""
    return await context.people.lookup(context.client, message.team_id, user_id, context.now(), strict=True)


async def render_record_card(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """An activity record's card, in its author's language and zone."""
    payload = message.payload
    async with context.db.sessions() as session:
        activity = await activities.get(session, payload["activity_id"])
        customer = (
            await customers.get(session, activity.customer_id) if activity and activity.customer_id else None
        )
        choices = (
            [(c.id, c.name) for c in await customers.list_names(session, activity.team_id)]
            if activity and not customer
            else []
        )
    if activity is None:  # undone before its card went out
        reader = await _reader(context, message, payload["author"])
        text, blocks = render_undone(payload["activity_id"], payload["author"], reader.lang)
        return Rendered(text, blocks)
    reader = await _reader(context, message, activity.author_id)
    if message.message_ts is not None:  # an update: a permalink the first send could not get, now
        await _fill_permalink(
            context, activity.id, activity.channel_id, activity.thread_ts, activity.permalink
        )
    card = ActivityCard(
        activity_id=activity.id,
        author_id=activity.author_id,
        customer_name=customer.name if customer else None,
        activity_type=activity.activity_type,
        summary=activity.summary,
        signal_labels=[context.rules.signal_label(s, reader.lang) for s in activity.signals],
        next_action=activity.next_action,
        due_at=activity.due_at,
        blocker=activity.blocker,
        unreadable_due=payload.get("unreadable_due"),
        history_partial=bool(payload.get("history_partial")),
        customer_choices=choices,
    )
    text, blocks = render_card(card, reader.lang, reader.tz)
    return Rendered(text, blocks)


async def permalink_after_post(context: RenderContext, message: ClaimedMessage) -> None:
    """Once the card is out, the thread's permalink for the record: the card does not show it, so
    the card never waits for it. Should Slack not answer now, the card's next update asks again.

    Only after the first post: rendering an update asked already. A first card is posted in the
    record's own thread, so the record need not be read for it.
    """
    if message.message_ts is None:
        await _fill_permalink(
            context, message.payload["activity_id"], message.channel, message.thread_ts, None
        )


async def _fill_permalink(
    context: RenderContext, activity_id: int, channel_id: str, thread_ts: str | None, known: str | None
) -> None:
    """The thread's permalink, asked of Slack once the record exists (the record never waits for it)."""
    if known or not thread_ts:
        return
    try:
        reply = await context.client.chat_getPermalink(channel=channel_id, message_ts=thread_ts)
    except SlackApiError as error:
        if error.response.status_code >= 500 or error.response.status_code == 429:
            raise
        return  # Slack will not say (a deleted thread): the record simply has no link
    async with context.db.sessions.begin() as session:
        await activities.set_permalink(session, activity_id, reply.get("permalink"))


async def remember_record_card(session: AsyncSession, message: ClaimedMessage, channel: str, ts: str) -> None:
    """The card's place, so an `#archive` in the card's thread and later edits find it."""
    await activities.set_card(session, message.payload["activity_id"], channel, ts)


async def render_record_undone(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """What a card becomes once its record is undone."""
    payload = message.payload
    reader = await _reader(context, message, payload["by"])
    text, blocks = render_undone(payload["activity_id"], payload["by"], reader.lang)
    return Rendered(text, blocks)


async def render_lead_card_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A lead's card in its pool's channel, with the reasons for where it went."""
    async with context.db.sessions() as session:
        lead = await lead_store.get(session, message.payload["lead_id"])
        trail = await lead_store.decisions(session, lead.id) if lead else []
    lang = context.settings.closeloop_lang
    if lead is None:
        return Rendered(t(lang, "lead.error.lead_unknown", id=message.payload["lead_id"]))
    routed = [d for d in trail if d.kind == "routed"]
    why = [lead_store.reason_from_json(r) for r in routed[-1].reasons] if routed else []
    card = LeadCard(
        lead_id=lead.id,
        company=lead.company,
        contact=lead.contact,
        region=lead.region,
        industry=lead.industry,
        source=lead.source,
        budget_min=lead.budget_min,
        budget_max=lead.budget_max,
        grade=lead.grade,
        score=lead.score,
        fired=[(fired_label(f, lang), f["points"]) for f in lead.fired_rules],
        status=lead.status,
        owner_id=lead.owner_id,
        why=why or [Reason("pool", {"pool": lead.pool_id})],
        released_from=lead.released_from,
        offered_first=lead.offered_first,
        offer_widens_at=lead.offer_widens_at,
    )
    text, blocks = render_lead_card(card, lang, context.settings.closeloop_tz)
    return Rendered(text, blocks)


async def remember_lead_card(session: AsyncSession, message: ClaimedMessage, channel: str, ts: str) -> None:
    """The lead card's place: a reply in its thread files against the lead."""
    lead = await lead_store.get(session, message.payload["lead_id"])
    if lead is not None:
        lead.card_channel, lead.card_ts = channel, ts


async def render_text(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A catalogue sentence in the language of `payload["reader"]` (a DM's recipient, say)."""
    payload = message.payload
    reader = await _reader(context, message, payload["reader"])
    return Rendered(t(reader.lang, payload["key"], **payload.get("params", {})))


async def render_prepared_text(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """Text the use case already wrote in the reader's language (the help, for a mention)."""
    return Rendered(message.payload["text"])


async def render_unplaced_lead(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A manager's DM: nobody could take a lead, why, and who was skipped for what."""
    payload = message.payload
    reader = await _reader(context, message, payload["reader"])
    async with context.db.sessions() as session:
        lead = await lead_store.get(session, payload["lead_id"])
        trail = await lead_store.decisions(session, payload["lead_id"])
    decision = next((d for d in trail if d.id == payload["decision_id"]), None)
    if lead is None or decision is None:
        return Rendered(t(reader.lang, "lead.error.lead_unknown", id=payload["lead_id"]))
    reasons = [lead_store.reason_from_json(r) for r in decision.reasons]
    lines = [
        t(
            reader.lang,
            "lead.dm_manager",
            id=lead.id,
            company=lead.company,
            grade=decision.grade,
            why=reasons_text(reasons, reader.lang),
        )
    ]
    skipped: dict[str, list[str]] = {}
    for candidate in decision.candidates:
        if candidate.get("verdict") == "skipped":
            skipped.setdefault(candidate["reason"]["code"], []).append(candidate["user_id"])
    lines += [
        t(reader.lang, f"lead.skipped.{code}", users=", ".join(f"<@{user}>" for user in users))
        for code, users in skipped.items()
    ]
    return Rendered("\n".join(lines))


async def render_todo_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """The morning card, showing each item as it stands now (done, snoozed or still to do)."""
    payload = message.payload
    reader = await _reader(context, message, payload["reader"])
    async with context.db.sessions() as session:
        found = {
            task.id: task for task in [await task_store.get(session, i) for i in payload["task_ids"]] if task
        }
    more = payload.get("more", 0)
    link = await _home_tab(context, message.team_id) if more else None
    items = ItemList([found[i] for i in payload["task_ids"] if i in found], more, payload["day"], link)
    text, blocks = render_todo_card(items, context.now(), reader.lang, reader.tz)
    return Rendered(text, blocks)


async def _home_tab(context: RenderContext, team_id: str) -> str | None:
    """The link to closeloop's Home tab: the app's id is asked of Slack once (`auth.test`); without
    it the card still says where the rest of the list is, unlinked."""
    if "app_id" not in context.app:
        try:
            context.app["app_id"] = (await context.client.auth_test()).get("app_id") or ""
        except SlackApiError:
            return None
    return home_tab_link(team_id, context.app["app_id"]) if context.app["app_id"] else None


async def render_escalation_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """An escalation DM: the late item, who was told, and (until someone acknowledges) the buttons."""
    payload = message.payload
    reader = await _reader(context, message, payload["reader"])
    async with context.db.sessions() as session:
        task = await task_store.get(session, payload["task_id"])
    if task is None:
        return Rendered(t(reader.lang, "task.gone"))
    text, blocks = render_escalation(
        task, payload["reader"], payload.get("round", 0), context.now(), reader.lang, reader.tz
    )
    return Rendered(text, blocks)


async def render_home_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A person's App Home as it stands at send time, in their language and zone."""
    reader = await _reader(context, message, message.channel)
    now = context.now()
    contents = await home_contents(
        context.db, context.rules, message.team_id, message.channel, reader.tz, now
    )
    return Rendered("", render_home(contents, message.channel, now, reader.lang, reader.tz))


async def render_digest(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A digest's summary, in the team's language (its details follow in its thread)."""
    return Rendered(render_summary(message.payload, context.settings.closeloop_lang))


async def render_digest_details(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A digest's details, the reply in the summary's thread."""
    settings = context.settings
    return Rendered(render_details(message.payload, settings.closeloop_lang, settings.closeloop_tz))


async def render_deal_card_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A deal's card, in its owner's language (the card is theirs to work from)."""
    view = await read_deal(context.db, message.payload["deal_id"])
    reader = await _reader(context, message, message.payload["owner"])
    if view is None:
        return Rendered(t(reader.lang, "deal.error.unknown", id=message.payload["deal_id"]))
    text, blocks = render_deal_card(view, context.rules, reader.lang, reader.tz)
    return Rendered(text, blocks)


async def remember_deal_card(session: AsyncSession, message: ClaimedMessage, channel: str, ts: str) -> None:
    """The deal card's place: its thread is where the deal's records and quotes go."""
    deal = await deal_store.get(session, message.payload["deal_id"])
    if deal is not None:
        deal.card_channel, deal.card_ts = channel, ts


async def render_quote_status(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A version's chain progress, in the deal card's thread once the card is out."""
    view = await read_version(context.db, message.payload["version_id"])
    if view is None:
        return Rendered(t(context.settings.closeloop_lang, "quote.error.request_unknown"))
    if view.deal.card_ts is None and message.message_ts is None:
        raise NotReady(f"deal {view.deal.id} has no card yet")
    reader = await _reader(context, message, view.version.submitted_by)
    text, blocks = render_status(view, context.rules, reader.lang, reader.tz)
    return Rendered(text, blocks, thread_ts=view.deal.card_ts)


async def render_approval_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """One reader's copy of an approval request, as the request stands now."""
    payload = message.payload
    reader = await _reader(context, message, payload["reader"])
    view = await read_request(context.db, payload["request_id"])
    if view is None:
        return Rendered(t(reader.lang, "quote.error.request_unknown"))
    text, blocks = render_approval(
        view, payload["reader"], context.now(), context.rules, reader.lang, reader.tz
    )
    return Rendered(text, blocks)


async def render_quote_outcome(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """The requester hears that a step rejected the version or asked for changes, and why."""
    payload = message.payload
    reader = await _reader(context, message, payload["reader"])
    view = await read_version(context.db, payload["version_id"])
    if view is None:
        return Rendered(t(reader.lang, "quote.error.request_unknown"))
    return Rendered(render_outcome(view, payload["step_id"], context.rules, reader.lang))


async def render_quote_submitted(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """The requester's confirmation: the version is in, the chain it starts (again, for a new version)."""
    reader = await _reader(context, message, message.payload["reader"])
    view = await read_version(context.db, message.payload["version_id"])
    if view is None:
        return Rendered(t(reader.lang, "quote.error.request_unknown"))
    return Rendered(submitted_text(view, context.rules, reader.lang))


async def render_quote_pdf_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """The approved version as a PDF in the deal's thread, in the requester's language."""
    view = await read_version(context.db, message.payload["version_id"])
    if view is None:
        return Rendered(t(context.settings.closeloop_lang, "quote.error.request_unknown"))
    if view.deal.card_ts is None:
        raise NotReady(f"deal {view.deal.id} has no card yet")
    reader = await _reader(context, message, message.payload["reader"])
    owner = await _reader(context, message, view.quote.owner_id)
    lang, content = reader.lang, view.content
    draft = bool(message.payload.get("draft"))
    approvals = []
    for step in view.steps:
        if step.row.state == "approved" and step.row.decided_by:
            approver = await _reader(context, message, step.row.decided_by)
            day = (step.row.decided_at or context.now()).astimezone(ZoneInfo(reader.tz)).date()
            label = context.rules.approvals.step_label(step.row.step, lang)
            approvals.append(f"{label}: {approver.name}, {format_day(day, lang)}")
    document = QuoteDocument(
        number=view.quote.number,
        version=view.version.version,
        customer=view.customer,
        title=view.deal.title,
        owner_name=owner.name,
        currency=content.currency,
        lines=tuple(PdfLine(x.product, x.quantity, x.unit_price, x.amount) for x in content.lines),
        subtotal=content.subtotal,
        discount_pct=content.discount_pct,
        total=content.total,
        terms=(terms_text(content.terms, lang),),
        valid_until=content.valid_until or view.version.submitted_at.date(),
        issued_on=view.version.submitted_at.astimezone(ZoneInfo(reader.tz)).date(),
        approved=view.version.state == "approved" and not draft,
        approvals=tuple(approvals),
    )
    name = f"{view.quote.number}-v{view.version.version}{'-draft' if draft else ''}.pdf"
    key = "quote.pdf.draft" if draft else "quote.pdf.comment"
    comment = t(lang, key, number=view.quote.number, version=view.version.version, customer=view.customer)
    return Rendered(
        comment,
        file=Attachment(name, name, render_quote_pdf(document, lang)),
        thread_ts=view.deal.card_ts,
    )


async def render_contract_note_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """Finance's DM about a signed contract: the invoice request, or the field it still needs."""
    payload = message.payload
    reader = await _reader(context, message, payload["reader"])
    view = await read_contract(context.db, payload["contract_id"])
    if view is None:
        return Rendered(t(reader.lang, "contract.error.unknown", number=payload["contract_id"]))
    text, blocks = render_contract_note(view, payload["note"], reader.lang)
    return Rendered(text, blocks)


async def render_dunning_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """A dunning level told to one person, as things stand when it is sent (or shown again)."""
    payload = message.payload
    reader = await _reader(context, message, payload["reader"])
    found = await read_instalment(context.db, payload["instalment_id"])
    if found is None:
        return Rendered(t(reader.lang, "contract.error.unknown", number=payload["instalment_id"]))
    view, instalment = found
    today = context.now().astimezone(ZoneInfo(view.contract.tz)).date()
    text, blocks = render_dunning(view, instalment, payload["level"], payload["role"], reader.lang, today)
    return Rendered(text, blocks)


async def render_handover_message(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """The new owner's DM about a handover, as it stands: Confirm until they do."""
    reader = await _reader(context, message, message.payload["reader"])
    handover = await read_handover(context.db, message.payload["handover_id"])
    if handover is None:
        return Rendered(t(reader.lang, "handover.error.unknown"))
    return Rendered(*render_handover(handover, reader.lang, reader.tz))


async def render_payment_note(context: RenderContext, message: ClaimedMessage) -> Rendered:
    """The contract owner's DM when money arrives; a payment since removed says so rather than
    failing the send."""
    reader = await _reader(context, message, message.payload["reader"])
    note = await payment_note(context.db, message.payload["payment_id"])
    return Rendered(note_text(note, reader.lang) if note else t(reader.lang, "payment.gone"))


MESSAGE_KINDS: dict[str, MessageKind] = {
    "record_card": MessageKind(
        render_record_card,
        dm_fallback="author",
        remember=remember_record_card,
        after_sent=permalink_after_post,
    ),
    "record_undone": MessageKind(render_record_undone),
    "lead_card": MessageKind(render_lead_card_message, remember=remember_lead_card),
    "text": MessageKind(render_text),
    "prepared_text": MessageKind(render_prepared_text),
    "ephemeral_text": MessageKind(render_text, ephemeral=True),
    "unplaced_lead": MessageKind(render_unplaced_lead),
    "todo_card": MessageKind(render_todo_message),
    "escalation": MessageKind(render_escalation_message),
    "home": MessageKind(render_home_message, publishes=True),
    "digest": MessageKind(render_digest, remember=queue_details),
    "digest_details": MessageKind(render_digest_details),
    "deal_card": MessageKind(render_deal_card_message, dm_fallback="owner", remember=remember_deal_card),
    "quote_status": MessageKind(render_quote_status),
    "approval_request": MessageKind(render_approval_message),
    "quote_outcome": MessageKind(render_quote_outcome),
    "quote_pdf": MessageKind(render_quote_pdf_message, uploads=True),
    "quote_submitted": MessageKind(render_quote_submitted),
    "contract_note": MessageKind(render_contract_note_message),
    "dunning": MessageKind(render_dunning_message),
    "payment_note": MessageKind(render_payment_note),
    "handover": MessageKind(render_handover_message),
}
