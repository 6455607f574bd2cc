"""Matching a typed customer name to the known ones."""

from __future__ import annotations

import pytest

from domain.customers import best_match, customer_key

KNOWN = ["ACME Corp", "AT&T Machinery", "华东机械有限公司", "Big Corp Ltd", "Big Data Inc"]


def test_keys_ignore_case_width_punctuation_and_spacing() -> None:
    assert customer_key("ＡＣＭＥ  corp.") == customer_key("acme-Corp") == "acmecorp"
    assert customer_key("华东机械（上海）") == customer_key("华东机械 (上海)")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("acme corp", "ACME Corp"),
        ("ACME", "ACME Corp"),
        ("ａｃｍｅ", "ACME Corp"),
        ("Machinery", "AT&T Machinery"),
        ("at&t", "AT&T Machinery"),
        ("华东", "华东机械有限公司"),
        ("华东机械", "华东机械有限公司"),
        ("Big", None),  # two customers start with it: ask, do not guess
        ("Corp", None),  # also ambiguous
        ("AC", None),  # not a whole word
        ("华", None),  # one character says too little
        ("机械", None),  # a Chinese name is matched by its beginning
        ("Globex", None),
        ("", None),
    ],
)
def test_best_match(typed: str, expected: str | None) -> None:
    assert best_match(typed, KNOWN) == expected


def test_an_exact_key_beats_a_longer_name() -> None:
    assert best_match("big", ["Big Corp Ltd", "BIG", "Big Data"]) == "BIG"
