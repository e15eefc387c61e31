"""Settings, read once at the entrypoint from the environment (PURLDESK_*) and defaults."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///purldesk.sqlite3"


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class Settings(BaseSettings):
    """Everything configurable; the defaults make `make demo` work with no environment."""

    model_config = SettingsConfigDict(env_prefix="PURLDESK_", env_nested_delimiter="__")

    database_url: str = DEFAULT_DATABASE_URL
    server: ServerSettings = ServerSettings()


def load_settings(*, database_url: str | None = None) -> Settings:
    """Settings from the environment, with a command-line database URL taking precedence."""
    settings = Settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings
