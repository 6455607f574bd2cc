"""A quote's PDF as its reader sees it: the text extracts, Chinese included, and drafts say so."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from bot.render.quote_pdf import PdfLine, QuoteDocument, render_quote_pdf

QUOTE = QuoteDocument(
    number="Q-2026-0042",
    version=3,
    customer="华东机械有限公司",
    title="Hydraulic press line",
    owner_name="Wang Fang",
    currency="CNY",
    lines=(
        PdfLine("Hydraulic pump HP-200", Decimal("2"), Decimal("4500"), Decimal("9000")),
        PdfLine("安装调试服务", Decimal("1"), Decimal("3345.6"), Decimal("3345.6")),
    ),
    subtotal=Decimal("12345.6"),
    discount_pct=Decimal("5"),
    total=Decimal("11728.32"),
    terms=("30% on order, 70% on delivery.",),
    valid_until=date(2026, 12, 31),
    issued_on=date(2026, 12, 1),
    approved=True,
    approvals=("Manager: Zhang Wei, 2026-12-03",),
)


def pages(pdf: bytes) -> list[str]:
    """Each page's text as a PDF reader extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return "\n".join(pages(pdf))


def test_an_approved_quote_shows_its_number_version_customer_lines_and_total() -> None:
    pdf = render_quote_pdf(QUOTE, "en")
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for shown in (
        "Quote Q-2026-0042",
        "Version 3",
        "华东机械有限公司",
        "Hydraulic pump HP-200",
        "安装调试服务",
        "CNY 4,500.00",
        "Subtotal",
        "CNY 12,345.60",
        "Discount (5%)",
        "-CNY 617.28",
        "Total",
        "CNY 11,728.32",
        "30% on order, 70% on delivery.",
        "Valid until",
        "Approved by",
        "Manager: Zhang Wei, 2026-12-03",
    ):
        assert shown in text, shown
    assert "DRAFT" not in text


def test_in_chinese_the_labels_and_amounts_are_chinese() -> None:
    text = text_of(render_quote_pdf(QUOTE, "zh"))
    for shown in (
        "报价单 Q-2026-0042",
        "第 3 版",
        "客户",
        "华东机械有限公司",
        "单价",
        "¥11,728.32",
        "付款条件",
    ):
        assert shown in text, shown
    assert "草稿" not in text


def test_a_draft_is_marked_on_every_page_in_the_readers_language() -> None:
    many = tuple(
        PdfLine(f"Spare part {n:03d}", Decimal("1"), Decimal("10"), Decimal("10")) for n in range(120)
    )
    draft = replace(QUOTE, approved=False, approvals=(), lines=many)
    english = pages(render_quote_pdf(draft, "en"))
    chinese = pages(render_quote_pdf(draft, "zh"))
    assert len(english) > 1
    assert all("DRAFT" in page for page in english)
    assert all("草稿" in page for page in chinese)


def test_a_long_quote_runs_over_pages_each_with_the_header_and_the_table_columns() -> None:
    many = tuple(
        PdfLine(f"Spare part {n:03d}", Decimal("1"), Decimal("10"), Decimal("10")) for n in range(120)
    )
    shown = pages(render_quote_pdf(replace(QUOTE, lines=many), "en"))
    assert len(shown) >= 3
    for number, page in enumerate(shown, start=1):
        assert "Quote Q-2026-0042 · Version 3" in page, number
        assert f"Page {number}" in page
        if "Spare part" in page:
            assert "Unit price" in page, number  # the table's header row repeats
    text = "\n".join(shown)
    assert all(f"Spare part {n:03d}" in text for n in range(120))


def test_a_lump_sum_quote_without_lines_shows_only_its_total() -> None:
    lump = replace(
        QUOTE, lines=(), subtotal=Decimal("80000"), discount_pct=Decimal("0"), total=Decimal("80000")
    )
    text = text_of(render_quote_pdf(lump, "en"))
    assert "Lump sum, as agreed" in text
    assert "USD" not in text and "CNY 80,000.00" in text
    assert "Discount" not in text


def test_names_with_markup_characters_are_shown_as_written() -> None:
    text = text_of(render_quote_pdf(replace(QUOTE, customer="Smith & <Sons>"), "en"))
    assert "Smith & <Sons>" in text


def test_the_same_quote_gives_the_same_bytes() -> None:
    assert render_quote_pdf(QUOTE, "zh") == render_quote_pdf(QUOTE, "zh")
