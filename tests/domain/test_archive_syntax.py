"""Reading #archive messages and one-line logs, in both languages."""

from __future__ import annotations

import pytest

from config.rules import load_rules
from domain.archive import (
    build_summary,
    has_archive_tag,
    parse_archive_request,
    parse_log_line,
    plain_text,
    strip_markup,
)
from domain.signals import detect_signals

RULES = load_rules(None)
SYNTAX = RULES.archive_syntax


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done #archive", True),
        ("#归档 客户说价格太高", True),
        ("客户说价格太高#归档", True),
        ("#ARCHIVE please", True),
        ("see #archived notes", False),
        ("path/#archive", False),
        ("no tag here", False),
    ],
)
def test_the_archive_tag_stands_alone(text: str, expected: bool) -> None:
    assert has_archive_tag(text, SYNTAX) is expected


def test_english_fields_and_type() -> None:
    request = parse_archive_request(
        "they said the price is too high #archive #quote customer: ACME Corp next: send the test report by Friday",
        SYNTAX,
    )
    assert request.activity_type == "quote"
    assert request.customer == "ACME Corp"
    assert request.next_action == "send the test report by Friday"


def test_chinese_fields_with_full_width_colons() -> None:
    request = parse_archive_request(
        "客户说价格太高，竞品报价低10% #归档 #拜访 客户：华东机械 下一步：下周三 发检测报告", SYNTAX
    )
    assert (request.activity_type, request.customer, request.next_action) == (
        "visit",
        "华东机械",
        "下周三 发检测报告",
    )


def test_a_word_like_a_prefix_without_colon_is_not_a_field() -> None:
    request = parse_archive_request("客户说价格太高 #归档", SYNTAX)
    assert request.customer is None and request.next_action is None and request.activity_type is None


def test_a_field_ends_at_a_hashtag_or_newline() -> None:
    request = parse_archive_request("next: call back tomorrow #archive\nmore notes", SYNTAX)
    assert request.next_action == "call back tomorrow"


def test_slack_markup_becomes_readable() -> None:
    assert plain_text("ask <@U123|bob> about <https://x.example/q|the quote> &amp; <!here>") == (
        "ask @bob about the quote & @here"
    )


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("价格太高 #归档 #报价", "价格太高"),
        ("price too high #archive customer: ACME next: call Friday", "price too high"),
        ("#archive next: call Friday #quote\nthey want samples", "they want samples"),
        ("客户说太贵，下一步：周五前 报价 #归档", "客户说太贵"),
        ("#archive", ""),
    ],
)
def test_summaries_leave_out_tags_and_fields(text: str, plain: str) -> None:
    assert strip_markup(text, SYNTAX) == plain


def test_summary_stops_at_the_limit() -> None:
    messages = [strip_markup("价格太高 #归档 #报价", SYNTAX), "x" * 300]
    summary = build_summary(messages, 200)
    assert summary.startswith("价格太高\n") and len(summary) == 200 and summary.endswith("…")


@pytest.mark.parametrize(
    ("line", "customer", "status", "next_action"),
    [
        ("ACME called, next: 3天后 send quote", "ACME", "ACME called", "3天后 send quote"),
        ("Big Corp Ltd demo done next: send deck", "Big Corp Ltd", "Big Corp Ltd demo done", "send deck"),
        ("called them customer: Initech", "Initech", "called them", None),
        ("华东机械 电话沟通 下一步: 周五前 报价", "华东机械", "华东机械 电话沟通", "周五前 报价"),
    ],
)
def test_one_line_logs(line: str, customer: str, status: str, next_action: str | None) -> None:
    parsed = parse_log_line(line, SYNTAX, known_customers=["Big Corp Ltd", "Big"])
    assert (parsed.customer, parsed.status, parsed.next_action) == (customer, status, next_action)


def test_signals_in_both_languages_and_competitors() -> None:
    found = detect_signals("客户说价格太高，竞品报价低10%；boss is away this week", RULES.signal_rules)
    assert found == ("price_objection", "waiting_decision_maker", "competitor")
    assert detect_signals("all good, ready to sign", RULES.signal_rules) == ("buying_intent",)
