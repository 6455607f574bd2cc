"""A quote as a PDF file to share in a deal's thread: the customer's copy, in the reader's language.

All text is set in reportlab's CID font `STSong-Light`, which every PDF reader carries (Adobe's
Asian font packs), so Chinese names render without shipping a font file and Latin text shares one
face with it. The output is deterministic (reportlab's `invariant`): the same quote gives the same
bytes, so a file can be compared, cached or checked by its hash. A quote not yet approved carries a
diagonal DRAFT / 草稿 mark on every page, so a draft forwarded by mistake cannot pass for an offer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bot.i18n import t
from bot.render.dates import format_day
from bot.render.money import format_money

FONT = "STSong-Light"
MARGIN = 18 * mm
HEADER_SPACE = 14 * mm  # above the frame: the running header drawn on every page
PAGE_WIDTH, PAGE_HEIGHT = A4
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LINE_COLUMNS = (0.49, 0.13, 0.19, 0.19)  # product, quantity, unit price, amount: shares of the width
RULE = colors.HexColor("#999999")
SHADE = colors.HexColor("#eeeeee")


@dataclass(frozen=True)
class PdfLine:
    """One row of a quote: a product, how many, at what price, for what amount."""

    product: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class QuoteDocument:
    """Everything a quote's PDF shows, already decided and (where it is prose) already translated."""

    number: str  # "Q-2026-0042"
    version: int
    customer: str
    title: str  # the deal's title
    owner_name: str  # the rep
    currency: str  # "CNY"
    lines: tuple[PdfLine, ...]  # may be empty when the quote is a lump-sum total
    subtotal: Decimal
    discount_pct: Decimal
    total: Decimal
    terms: tuple[str, ...]  # payment-term sentences, already in the reader's language
    valid_until: date
    issued_on: date
    approved: bool  # False: every page is marked DRAFT / 草稿 (diagonal watermark)
    approvals: tuple[str, ...]  # "Manager: Zhang Wei, 2026-12-03" lines, already localised


def render_quote_pdf(document: QuoteDocument, lang: str) -> bytes:
    """The quote as PDF bytes in `lang`; the same document and language always give the same bytes."""
    _register_font()
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_SPACE,
        bottomMargin=MARGIN + 6 * mm,
        title=f"{t(lang, 'pdf.quote', number=document.number)} · {t(lang, 'pdf.version', version=document.version)}",
        author=document.owner_name,
        creator="closeloop",
        invariant=1,
    )
    decorate = _PageDecoration(document, lang)
    pdf.build(_story(document, lang), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _register_font() -> None:
    """The CID font, once per process (registering it again is harmless but not free)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


class _PageDecoration:
    """What every page carries whatever its content: the running header, the page number, the draft mark."""

    def __init__(self, document: QuoteDocument, lang: str):
        quote = t(lang, "pdf.quote", number=document.number)
        version = t(lang, "pdf.version", version=document.version)
        self._header = f"{quote} · {version} · {document.customer}"
        self._draft = None if document.approved else t(lang, "pdf.draft")
        self._lang = lang

    def __call__(self, canvas: Canvas, _document: SimpleDocTemplate) -> None:
        canvas.saveState()
        if self._draft is not None:
            self._watermark(canvas, self._draft)
        canvas.setFont(FONT, 9)
        canvas.setFillColor(colors.black)
        top = PAGE_HEIGHT - MARGIN
        canvas.drawString(MARGIN, top - 9, self._header)
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, top - 13, PAGE_WIDTH - MARGIN, top - 13)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, MARGIN, t(self._lang, "pdf.page", page=canvas.getPageNumber())
        )
        canvas.restoreState()

    @staticmethod
    def _watermark(canvas: Canvas, text: str) -> None:
        """Large, light and diagonal, drawn before the page's content so it never hides a figure."""
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.85, 0.2, 0.2, alpha=0.18))
        canvas.setFont(FONT, 110)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, -40, text)
        canvas.restoreState()


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14)
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=24),
        "heading": ParagraphStyle("heading", parent=body, fontSize=12, leading=18, spaceBefore=8),
        "body": body,
        "draft": ParagraphStyle("draft", parent=body, textColor=colors.HexColor("#b03030")),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "total": ParagraphStyle("total", parent=body, fontSize=12, leading=16, alignment=TA_RIGHT),
    }


def _story(document: QuoteDocument, lang: str) -> list[Flowable]:
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(_text(t(lang, "pdf.quote", number=document.number)), styles["title"]),
        Paragraph(_text(t(lang, "pdf.version", version=document.version)), styles["body"]),
        Spacer(1, 4 * mm),
        _facts(document, lang, styles),
        Spacer(1, 4 * mm),
    ]
    if not document.approved:
        story += [Paragraph(_text(t(lang, "pdf.draft_note")), styles["draft"]), Spacer(1, 3 * mm)]
    story += [_lines(document, lang, styles), _totals(document, lang, styles)]
    if document.terms:
        story.append(Paragraph(_text(t(lang, "pdf.payment_terms")), styles["heading"]))
        story += [Paragraph(f"• {_text(term)}", styles["body"]) for term in document.terms]
    if document.approvals:
        story.append(Paragraph(_text(t(lang, "pdf.approved_by")), styles["heading"]))
        story += [Paragraph(_text(line), styles["body"]) for line in document.approvals]
    return story


def _facts(document: QuoteDocument, lang: str, styles: dict[str, ParagraphStyle]) -> Table:
    """Who the quote is for, from whom, and for how long it holds."""
    facts = [
        ("pdf.customer", document.customer),
        ("pdf.deal", document.title),
        ("pdf.owner", document.owner_name),
        ("pdf.issued_on", format_day(document.issued_on, lang)),
        ("pdf.valid_until", format_day(document.valid_until, lang)),
    ]
    rows = [
        [Paragraph(_text(t(lang, key)), styles["body"]), Paragraph(_text(value), styles["body"])]
        for key, value in facts
    ]
    table = Table(rows, colWidths=[0.22 * CONTENT_WIDTH, 0.78 * CONTENT_WIDTH], hAlign="LEFT")
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TEXTCOLOR", (0, 0), (0, -1), colors.grey)])
    )
    return table


def _lines(document: QuoteDocument, lang: str, styles: dict[str, ParagraphStyle]) -> Table:
    """The product table; its header row repeats on every page the table runs onto."""
    header = [
        Paragraph(_text(t(lang, "pdf.product")), styles["body"]),
        *(
            Paragraph(_text(t(lang, key)), styles["right"])
            for key in ("pdf.quantity", "pdf.unit_price", "pdf.amount")
        ),
    ]
    money = document.currency
    rows = [
        [
            Paragraph(_text(line.product), styles["body"]),
            Paragraph(_quantity(line.quantity), styles["right"]),
            Paragraph(_text(format_money(line.unit_price, money, lang)), styles["right"]),
            Paragraph(_text(format_money(line.amount, money, lang)), styles["right"]),
        ]
        for line in document.lines
    ]
    if not rows:
        rows = [[Paragraph(_text(t(lang, "pdf.lump_sum")), styles["body"]), "", "", ""]]
    table = Table([header, *rows], colWidths=[share * CONTENT_WIDTH for share in LINE_COLUMNS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _totals(document: QuoteDocument, lang: str, styles: dict[str, ParagraphStyle]) -> Table:
    """Subtotal and discount when there is one, then the total, right under the amounts."""
    money = document.currency
    rows = []
    if document.discount_pct:
        # The discount shown is the difference of the document's own figures, so the rows always add up.
        rows += [
            (t(lang, "pdf.subtotal"), format_money(document.subtotal, money, lang), styles["right"]),
            (
                t(lang, "pdf.discount", pct=_quantity(document.discount_pct)),
                format_money(document.total - document.subtotal, money, lang),
                styles["right"],
            ),
        ]
    rows.append((t(lang, "pdf.total"), format_money(document.total, money, lang), styles["total"]))
    table = Table(
        [[Paragraph(_text(label), style), Paragraph(_text(figure), style)] for label, figure, style in rows],
        colWidths=[
            (LINE_COLUMNS[0] + LINE_COLUMNS[1] + LINE_COLUMNS[2]) * CONTENT_WIDTH,
            LINE_COLUMNS[3] * CONTENT_WIDTH,
        ],
    )
    table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.6, RULE)]))
    return table


def _quantity(value: Decimal) -> str:
    """A count or a percentage as written by hand: `10`, `2.5`, `1,200` (no trailing zeros)."""
    return f"{value.normalize():,f}"


def _text(value: str) -> str:
    """Plain text for a Paragraph, which reads its input as markup (`&`, `<` in a customer's name)."""
    return escape(value)
