"""The surface others depend on: the manifest and the command line (the catalogue: test_catalogue.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import handlers  # noqa: F401  (registers every subcommand in the table)
from handlers.command_table import COMMANDS

ROOT = Path(__file__).resolve().parents[1]


def test_the_manifest_lists_the_commands_events_and_scopes_the_bot_uses() -> None:
    manifest = (ROOT / "manifest.yml").read_text(encoding="utf-8")
    hint = re.search(r'usage_hint: "(.*)"', manifest).group(1)
    assert hint == COMMANDS.usage_hint()
    for needed in (
        "message.channels",
        "message.groups",
        "message.im",
        "app_mention",
        "app_home_opened",
        "home_tab_enabled: true",
        "chat:write",
        "files:write",
        "commands",
        "users:read",
        "channels:history",
        "is_enabled: true",
        "/slack/events",
    ):
        assert needed in manifest


def closeloop(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=base | (env or {}),
        timeout=60,
    )


def test_run_without_a_token_names_the_variable_and_points_to_the_console(tmp_path: Path) -> None:
    result = closeloop("run", cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "SLACK_BOT_TOKEN" in line and "closeloop console" in line
    result = closeloop("run", cwd=tmp_path, env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert result.returncode == 2 and "SLACK_SIGNING_SECRET" in result.stderr


def test_db_upgrade_and_export_on_the_embedded_database(tmp_path: Path) -> None:
    assert closeloop("db", "upgrade", cwd=tmp_path).returncode == 0
    assert (tmp_path / "closeloop.db").exists()
    exported = closeloop("export", "activities", "--format", "json", cwd=tmp_path)
    assert exported.returncode == 0 and json.loads(exported.stdout) == []
    csv_out = closeloop("export", "activities", cwd=tmp_path)
    assert csv_out.stdout.lstrip("\ufeff").startswith("id,team_id,source,channel_id")
    bad = closeloop("export", "nonsense", cwd=tmp_path)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
