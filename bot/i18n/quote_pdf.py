"""Catalogue entries of a quote's PDF: its headings, table columns, totals and draft mark."""

from bot.i18n.plural import Entry

ENTRIES: dict[str, Entry] = {
    "pdf.quote": {"en": "Quote {number}", "zh": "报价单 {number}"},
    "pdf.version": {"en": "Version {version}", "zh": "第 {version} 版"},
    "pdf.customer": {"en": "Customer", "zh": "客户"},
    "pdf.deal": {"en": "Deal", "zh": "商机"},
    "pdf.owner": {"en": "Sales rep", "zh": "销售代表"},
    "pdf.issued_on": {"en": "Issued on", "zh": "报价日期"},
    "pdf.valid_until": {"en": "Valid until", "zh": "有效期至"},
    "pdf.product": {"en": "Product", "zh": "产品"},
    "pdf.quantity": {"en": "Quantity", "zh": "数量"},
    "pdf.unit_price": {"en": "Unit price", "zh": "单价"},
    "pdf.amount": {"en": "Amount", "zh": "金额"},
    "pdf.subtotal": {"en": "Subtotal", "zh": "小计"},
    "pdf.discount": {"en": "Discount ({pct}%)", "zh": "折扣（{pct}%）"},
    "pdf.total": {"en": "Total", "zh": "总计"},
    "pdf.lump_sum": {"en": "Lump sum, as agreed", "zh": "按约定总价"},
    "pdf.payment_terms": {"en": "Payment terms", "zh": "付款条件"},
    "pdf.approved_by": {"en": "Approved by", "zh": "审批"},
    "pdf.draft": {"en": "DRAFT", "zh": "草稿"},
    "pdf.draft_note": {
        "en": "Draft: not approved yet, not an offer.",
        "zh": "草稿：尚未审批，不构成报价。",
    },
    "pdf.page": {"en": "Page {page}", "zh": "第 {page} 页"},
}
