"""Settings from the environment and an optional `.env` file.

The names are a contract with operators (README, PRODUCT.md): keep them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_DEFAULT = "https://api.telegram.org/bot"


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
    )

    telegram_token: str | None = Field(default=None, validation_alias="TELEGRAM_TOKEN")
    telegram_api_url: str = Field(default=TELEGRAM_API_DEFAULT, validation_alias="TELEGRAM_API_URL")
    db_path: Path = Field(default=Path("./omkijk.sqlite3"), validation_alias="OMKIJK_DB")
    timezone: str = Field(default="Europe/Amsterdam", validation_alias="OMKIJK_TZ")
    time_scale: float = Field(default=1.0, gt=0, le=3600, validation_alias="OMKIJK_TIME_SCALE")
    clock_start: dt.datetime | None = Field(default=None, validation_alias="OMKIJK_CLOCK_START")
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, validation_alias="OMKIJK_ADMIN_IDS"
    )
    # Webhook mode: set a public HTTPS URL and the bot listens instead of polling.
    webhook_url: str | None = Field(default=None, validation_alias="OMKIJK_WEBHOOK_URL")
    webhook_listen: str = Field(default="127.0.0.1", validation_alias="OMKIJK_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, validation_alias="OMKIJK_WEBHOOK_PORT")
    webhook_secret: str | None = Field(default=None, validation_alias="OMKIJK_WEBHOOK_SECRET")
    practice_port: int = Field(
        default=8080, ge=0, le=65535, validation_alias="OMKIJK_PRACTICE_PORT"
    )
    # For monitors, both off unless a port is set; both on this machine only by default.
    # The same port for both: one server answers /health and /metrics.
    health_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias="OMKIJK_HEALTH_PORT"
    )
    health_listen: str = Field(default="127.0.0.1", validation_alias="OMKIJK_HEALTH_LISTEN")
    metrics_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias="OMKIJK_METRICS_PORT"
    )
    metrics_listen: str = Field(default="127.0.0.1", validation_alias="OMKIJK_METRICS_LISTEN")
    # Messages a second the bot may send in all. 30 is Telegram's limit for a bot;
    # raise it only if Telegram allows your bot more (paid broadcasts).
    send_rate: float = Field(default=30, ge=1, le=1000, validation_alias="OMKIJK_SEND_RATE")
    log_level: str = Field(default="INFO", validation_alias="OMKIJK_LOG_LEVEL")
    # json: one object per line, for log collectors. Either way: ids, never content.
    log_format: Literal["text", "json"] = Field(
        default="text", validation_alias="OMKIJK_LOG_FORMAT"
    )
    # How long content is kept (days); the figures stay as counts. See PRIVACY.md.
    retain_requests_days: int = Field(
        default=90, ge=1, validation_alias="OMKIJK_RETAIN_REQUESTS_DAYS"
    )
    retain_checkins_days: int = Field(
        default=30, ge=1, validation_alias="OMKIJK_RETAIN_CHECKINS_DAYS"
    )
    retain_signals_days: int = Field(
        default=365, ge=1, validation_alias="OMKIJK_RETAIN_SIGNALS_DAYS"
    )

    # The beheerder is told when the last `omkijkbot backup` is older than this (0: not
    # checked), or when the disk holding the database has less free space than this.
    backup_max_age_hours: int = Field(
        default=0, ge=0, validation_alias="OMKIJK_BACKUP_MAX_AGE_HOURS"
    )
    disk_min_free_mb: int = Field(default=200, ge=0, validation_alias="OMKIJK_DISK_MIN_FREE_MB")

    # No request is passed on to more people at night (a request for today may be).
    quiet_hours: str = Field(default="22:00-08:00", validation_alias="OMKIJK_QUIET_HOURS")

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        try:
            start, end = (dt.time.fromisoformat(part.strip()) for part in value.split("-"))
        except ValueError as exc:
            raise ValueError("expected two times, e.g. 22:00-08:00") from exc
        return f"{start:%H:%M}-{end:%H:%M}"

    @property
    def quiet(self) -> tuple[dt.time, dt.time]:
        start, end = self.quiet_hours.split("-")
        return dt.time.fromisoformat(start), dt.time.fromisoformat(end)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("clock_start")
    @classmethod
    def _clock_start_aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        # A naive start time is read as UTC; everything is stored in UTC.
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            try:
                return [int(p) for p in parts]
            except ValueError as exc:
                raise ValueError("expected Telegram user ids separated by commas") from exc
        return value

    @field_validator("health_port", "metrics_port", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_ALIASES = {
    name: (field.validation_alias or name).upper() for name, field in Settings.model_fields.items()
}


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise ConfigError with one line that names the bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = str(first["loc"][0]) if first["loc"] else "?"
        name = _ALIASES.get(loc, loc.upper())
        message = str(first["msg"]).removeprefix("Value error, ")
        value = first.get("input")
        shown = f" (got {value!r})" if isinstance(value, str | int | float) else ""
        raise ConfigError(f"Setting {name} is not valid: {message}{shown}") from None


def require_token(settings: Settings) -> str:
    if not settings.telegram_token:
        raise ConfigError(
            "Setting TELEGRAM_TOKEN is missing: get one from @BotFather, "
            "or use `omkijkbot practice` to try the bot without Telegram"
        )
    return settings.telegram_token
