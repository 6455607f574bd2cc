"""Every message clean in both languages: complete, same placeholders, translated, counted right, labelled."""

from __future__ import annotations

import re
import string
from decimal import Decimal

import pytest

import handlers  # noqa: F401  (registers every subcommand in the table)
from bot.cli import COMMAND_RUNNERS
from bot.i18n import CATALOGUE, LANGS, label, t
from bot.i18n.plural import Plural, Text
from bot.render.lead_card import LeadCard, reason_text, render_lead_card
from domain.leads import Reason
from handlers.command_table import COMMANDS

# Words a Chinese text may keep in Latin letters: names and formats people read as they are.
LATIN_IN_ZH = {"README", "CSV", "UTF", "GB", "ISO", "YYYY-MM-DD", "Slack", "Excel", "closeloop", "NUL", "PDF"}
# What a person types literally, whatever their language: subcommands and their keywords.
TYPED_WORDS = {
    *COMMANDS.entries,
    "closeloop",
    "why",
    "now",
    "fairness",
    "away",
    "back",
    "regions",
    "industries",
    "weight",
    "archive",
    *COMMAND_RUNNERS,  # the command line's commands and their words
    "dead",
    "retry",
    "edit",  # /closeloop quote edit Q-…
    "pdf",
    "until",  # /closeloop delegate @someone until 2026-12-10
    "off",
    "signed",  # /closeloop contract signed Q-…
}
# zh entries that may be pure ASCII although the English has words.
ASCII_ZH_ALLOWED = {"ok", "OK"}


def forms(text: Text) -> tuple[str, ...]:
    return text.forms if isinstance(text, Plural) else (text,)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def words(text: str) -> list[str]:
    """Latin words outside placeholders and command-line flags (`--commit`)."""
    bare = re.sub(r"\{[^}]*\}|--[a-z-]+|:[a-z_]+:|<[^>]*>", " ", text)
    return re.findall(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?:-[A-Za-z]+)*", bare)


def every_text() -> list[tuple[str, str, str]]:
    return [
        (key, lang, form) for key, entry in CATALOGUE.items() for lang in LANGS for form in forms(entry[lang])
    ]


def test_every_entry_has_both_languages_non_empty_with_the_same_placeholders() -> None:
    for key, entry in CATALOGUE.items():
        assert set(entry) == set(LANGS), key
        names = {frozenset(placeholders(form)) for lang in LANGS for form in forms(entry[lang])}
        assert len(names) == 1, f"{key}: placeholders differ between forms: {names}"
        for lang in LANGS:
            assert all(form.strip() for form in forms(entry[lang])), f"{key} [{lang}] is empty"


def test_counted_entries_have_english_singular_and_plural_and_one_chinese_form() -> None:
    for key, entry in CATALOGUE.items():
        en, zh = entry["en"], entry["zh"]
        if not isinstance(en, Plural) and not isinstance(zh, Plural):
            continue
        assert isinstance(en, Plural) and isinstance(zh, Plural), key
        assert en.one is not None and en.one != en.other, key
        assert zh.one is None, f"{key}: Chinese has one form"
        assert en.by == zh.by and en.by in placeholders(en.other), key


def test_chinese_texts_keep_no_english_placeholder_words() -> None:
    for key, lang, text in every_text():
        if lang != "zh":
            continue
        shouty = [w for w in words(text) if w.isupper() and w not in LATIN_IN_ZH]
        assert not shouty, f"{key}: untranslated {shouty} in {text!r}"
        code = [*re.findall(r"`([^`]*)`", text), *([text] if key.startswith("usage.") else [])]
        for span in code:
            stray = [w for w in words(span) if w not in TYPED_WORDS and w not in LATIN_IN_ZH]
            assert not stray, f"{key}: untranslated {stray} in {text!r}"


def test_no_chinese_text_is_left_in_english() -> None:
    for key, entry in CATALOGUE.items():
        english_has_words = any(words(en) for en in forms(entry["en"]))
        for zh in forms(entry["zh"]):
            if english_has_words and not re.search(r"[^\x00-\x7f]", zh):
                assert set(words(zh)) <= ASCII_ZH_ALLOWED, f"{key}: {zh!r} looks untranslated"


# --- plurals ----------------------------------------------------------------------------------------

COUNTED = [
    (
        "cli.exported",
        {"path": "a.csv"},
        ["0 rows written to a.csv", "1 row written to a.csv", "2 rows written to a.csv"],
    ),
    ("cli.import.rows", {}, ["0 rows", "1 row", "2 rows"]),
    ("cli.import.added", {}, ["0 leads added", "1 lead added", "2 leads added"]),
    ("cli.import.skipped", {}, ["0 bad rows skipped", "1 bad row skipped", "2 bad rows skipped"]),
    ("console.replies", {}, ["0 replies", "1 reply", "2 replies"]),
]
COUNTED_REASONS = [
    ("offered", "reps", {}, ["offered to 0 reps", "offered to 1 rep", "offered to 2 reps"]),
    (
        "open_leads",
        "open",
        {"cap": 5},
        ["0 open leads (cap 5)", "1 open lead (cap 5)", "2 open leads (cap 5)"],
    ),
    (
        "at_cap",
        "cap",
        {"open": 0},
        ["at cap (0/0 open leads)", "at cap (0/1 open lead)", "at cap (0/2 open leads)"],
    ),
    (
        "not_contacted",
        "days",
        {},
        ["not contacted within 0 days", "not contacted within 1 day", "not contacted within 2 days"],
    ),
    (
        "share_deviation",
        "received",
        {"expected": 3.0, "deviation": 0.5},
        [
            "0 leads vs 3.0 expected (0.5 off)",
            "1 lead vs 3.0 expected (0.5 off)",
            "2 leads vs 3.0 expected (0.5 off)",
        ],
    ),
]


@pytest.mark.parametrize(("key", "params", "expected"), COUNTED)
def test_counted_messages_read_right_for_zero_one_and_two(
    key: str, params: dict, expected: list[str]
) -> None:
    assert [t("en", key, count=n, **params) for n in (0, 1, 2)] == expected
    for n in (0, 1, 2):
        zh = t("zh", key, count=n, **params)
        assert str(n) in zh and not re.search(r"[A-Za-z]{2,}s\b", zh.replace("a.csv", ""))


@pytest.mark.parametrize(("code", "by", "params", "expected"), COUNTED_REASONS)
def test_counted_reasons_read_right_for_zero_one_and_two(
    code: str, by: str, params: dict, expected: list[str]
) -> None:
    assert [reason_text(Reason(code, {by: n, **params}), "en") for n in (0, 1, 2)] == expected
    for n in (0, 1, 2):
        assert not re.search(r"[A-Za-z]{2,}", reason_text(Reason(code, {by: n, **params}), "zh"))


def test_a_counted_message_without_its_count_says_which_parameter_it_needs() -> None:
    with pytest.raises(KeyError, match="count"):
        t("en", "cli.exported", path="a.csv")


def test_the_import_summary_joins_its_counted_phrases() -> None:
    one = {"rows": t("en", "cli.import.rows", count=1), "good": 1, "bad": 0}
    assert t("en", "cli.import.dry_run", **one) == "1 row: 1 good, 0 bad; run again with --commit to import"
    committed = t(
        "en",
        "cli.import.committed",
        rows=t("en", "cli.import.rows", count=2),
        added=t("en", "cli.import.added", count=1),
        merged=0,
        skipped=t("en", "cli.import.skipped", count=1),
    )
    assert committed == "2 rows: 1 lead added, 0 merged into existing leads, 1 bad row skipped"
    zh = t("zh", "cli.import.dry_run", rows=t("zh", "cli.import.rows", count=1), good=1, bad=0)
    assert zh == "共 1 行：1 行有效，0 行有误；加 --commit 再运行即可导入"


# --- labels, never ids ------------------------------------------------------------------------------


def card(source: str | None, why: list[Reason]) -> LeadCard:
    return LeadCard(
        lead_id=7,
        company="ACME Pumps",
        contact="刘总",
        region="East",
        industry=None,
        source=source,
        budget_min=Decimal(50000),
        budget_max=Decimal(80000),
        grade="A",
        score=45,
        fired=[("Asked for a trial", 20)],
        status="offered",
        owner_id=None,
        why=why,
    )


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", ["Source: Website form", "default pool", "offered to 1 rep"]),
        ("zh", ["来源：官网表单", "默认 池", "已推送给 1 位销售"]),
    ],
)
def test_the_lead_card_shows_labels_not_ids(lang: str, shown: list[str]) -> None:
    why = [Reason("pool", {"pool": "default"}), Reason("offered", {"reps": 1})]
    _, blocks = render_lead_card(card("website_form", why), lang)
    text = str(blocks)
    assert all(label_text in text for label_text in shown), text
    assert "website_form" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_sources_pools_and_reasons_are_shown_as_words(lang: str) -> None:
    why = [Reason("pool", {"pool": "east_key_accounts"}), Reason("newer_reason_code")]
    _, blocks = render_lead_card(card("trade_fair_2026", why), lang)
    text = str(blocks)
    assert "trade fair 2026" in text and "east key accounts" in text and "newer reason code" in text
    assert (
        "trade_fair_2026" not in text and "east_key_accounts" not in text and "newer_reason_code" not in text
    )


def test_every_decision_kind_has_a_label_in_both_languages() -> None:
    kinds = ("routed", "claimed", "contacted", "released", "expired", "reassigned")
    assert [label("zh", "lead.kind", kind) for kind in kinds] == [
        "分配",
        "认领",
        "已联系",
        "释放",
        "超时释放",
        "改派",
    ]
    assert label("en", "lead.kind", "expired") == "released (not contacted)"
    assert label("en", "lead.kind", "handed_over") == "handed over"


def test_sources_in_the_form_all_have_labels() -> None:
    from bot.render.lead_forms import SOURCES

    for source in SOURCES:
        assert f"lead.source.{source}" in CATALOGUE


# --- help -------------------------------------------------------------------------------------------


def test_chinese_help_shows_chinese_placeholders() -> None:
    help_text = COMMANDS.help_text("zh")
    assert "`/closeloop log [客户 发生了什么, 下一步: 行动 时间]`" in help_text
    assert "`/closeloop link-channel 客户`" in help_text
    assert "`/closeloop lead [why 线索编号]`" in help_text
    for english in ("CUSTOMER", "ID", "what happened", "ACTION", "DUE", "YYYY", "@name"):
        assert english not in help_text, english


@pytest.mark.parametrize("lang", LANGS)
def test_every_help_line_says_its_usage_once(lang: str) -> None:
    for line in COMMANDS.help_text(lang).splitlines()[1:-1]:
        usage, _, description = line.partition("`: ")
        assert usage.startswith("`/closeloop ") and description, line
        assert not any(word in description for word in ("fairness", "2026-11", "YYYY")), line
    assert COMMANDS.help_text(lang).count("fairness") == 1


def test_english_help_keeps_its_synopses() -> None:
    help_text = COMMANDS.help_text("en")
    assert "`/closeloop log [CUSTOMER what happened, next: ACTION DUE]`" in help_text
    assert "`/closeloop leads fairness [YYYY-MM]`: who got which leads" in help_text
