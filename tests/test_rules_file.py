"""The rules file: the packaged default is valid, and every problem is reported with its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.rules import RulesError, load_rules, parse_rules

BROKEN = """\
[archive]
hashtags = ["archive"]
summary_chars = 5
retention_dayz = 30

[[signals]]
id = "price"
label = { en = "Price" }
keywords = ["too expensive"]

[[signals]]
id = "price"
label = { en = "Price", zh = "价格" }
keywords = []
"""


def test_the_packaged_rules_are_valid() -> None:
    rules = load_rules(None)
    assert rules.archive.hashtags == ["#archive", "#归档"]
    assert rules.archive.retention_days == 30 and rules.archive.summary_chars == 200


def test_every_problem_is_reported_with_its_line() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(BROKEN, "team.toml")
    reported = {(p.line, p.message.split(":")[0]) for p in caught.value.problems}
    assert (2, "archive.hashtags") in reported
    assert (3, "archive.summary_chars") in reported
    assert (4, "archive.retention_dayz") in reported
    assert (8, "signals.0.label.zh") in reported
    assert (14, "signals.1.keywords") in reported
    assert all(str(p).startswith(f"team.toml:{p.line}: ") for p in caught.value.problems)


def test_a_syntax_error_points_at_its_line() -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules('[archive]\nhashtags = ["#a"\nretention_days = 3\n', "bad.toml")
    assert caught.value.problems[0].line in (2, 3)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
        timeout=60,
    )


def test_config_check_prints_ok_or_every_problem_with_exit_2(tmp_path: Path) -> None:
    good = run_cli("config", "check", cwd=tmp_path)
    assert (good.returncode, good.stdout.strip()) == (0, "ok")
    (tmp_path / "team.toml").write_text(BROKEN, encoding="utf-8")
    bad = run_cli("config", "check", "team.toml", cwd=tmp_path)
    assert bad.returncode == 2
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith("team.toml:") for line in lines)
