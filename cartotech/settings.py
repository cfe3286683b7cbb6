"""Settings, read from the environment (prefix ``CARTOTECH_``) or a ``.env`` file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cartotech.errors import ConfigurationError

__all__ = ["Environment", "Settings", "get_settings"]

DEV_SECRET = "dev-only-not-secret"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CARTOTECH_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///cartotech.db",
        description="SQLAlchemy URL of the store: sqlite:///path.db (default) or "
        "postgresql+psycopg://user:password@host:5432/dbname.",
    )
    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="development or production; production refuses insecure defaults.",
    )
    secret_key: str = Field(
        default=DEV_SECRET,
        description="Key that signs sessions and tokens; must be set in production.",
    )
    host: str = Field(default="127.0.0.1", description="Address `cartotech serve` listens on.")
    port: int = Field(default=8000, description="Port `cartotech serve` listens on.")
    page_size: int = Field(default=20, ge=1, le=200, description="Default page size of listings.")
    max_page_size: int = Field(default=200, ge=1, description="Largest page size a client may ask.")
    map_tile_url: str | None = Field(
        default=None,
        description="Optional raster tile URL template for the maps, e.g. "
        "https://tiles.example.org/{z}/{x}/{y}.png; without it maps draw outlines only.",
    )
    map_tile_attribution: str = Field(
        default="", description="Attribution shown for the tiles of CARTOTECH_MAP_TILE_URL."
    )
    max_import_bytes: int = Field(
        default=20_000_000,
        ge=1,
        description="Largest directory file `cartotech import` accepts, in bytes.",
    )
    session_cookie_secure: bool | None = Field(
        default=None,
        description="Send the session cookie only over HTTPS (its Secure flag, and the "
        "__Host- name prefix). Unset: on in production, off in development; production "
        "refuses false.",
    )
    session_max_age: int = Field(
        default=12 * 3600,
        ge=300,
        le=30 * 24 * 3600,
        description="Seconds a login lasts (the session cookie's lifetime); after it, log in "
        "again.",
    )

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        if self.environment is Environment.PRODUCTION and self.secret_key == DEV_SECRET:
            raise ConfigurationError(
                "CARTOTECH_SECRET_KEY must be set to a random value in production "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)",
                field="secret_key",
            )
        if self.environment is Environment.PRODUCTION and self.session_cookie_secure is False:
            raise ConfigurationError(
                "CARTOTECH_SESSION_COOKIE_SECURE must not be false in production: session "
                "cookies would travel over plain HTTP (serve over HTTPS, behind a TLS proxy)",
                field="session_cookie_secure",
            )
        return self

    @property
    def cookie_secure(self) -> bool:
        """Whether the session cookie carries the Secure flag."""
        if self.session_cookie_secure is None:
            return self.environment is Environment.PRODUCTION
        return self.session_cookie_secure

    def sqlite_path(self) -> Path | None:
        """The database file when the store is SQLite, else None."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix):
            return Path(self.database_url[len(prefix) :])
        return None


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
