"""Typed process settings read from the environment and `.env`.

One place decides what each variable means and its default, so the CLI, the server and the tests
agree; the names and defaults are part of the public contract (see README, Configuration).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./closeloop.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class Settings(BaseSettings):
    """Everything closeloop reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    closeloop_rules: Path | None = None
    closeloop_tz: str = "Asia/Shanghai"
    closeloop_lang: Literal["en", "zh"] = "en"
    closeloop_intake_token: str | None = None
    closeloop_inbox_lease_seconds: int = Field(default=60, ge=1)
    # Messages a second closeloop posts across all channels (each channel also gets at most one a second).
    closeloop_post_rate: float = Field(default=30.0, gt=0)
    port: int = Field(default=3000)

    @field_validator("slack_api_url")
    @classmethod
    def _end_with_slash(cls, value: str) -> str:
        """slack-sdk joins method names onto the base URL, so it must end with a slash."""
        return value if value.endswith("/") else value + "/"

    @property
    def socket_mode(self) -> bool:
        """Socket Mode is chosen by the presence of an app-level token."""
        return bool(self.slack_app_token)
