"""Settings, read from the environment (prefix ``CARTOTECH_``) or a ``.env`` file."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
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
    max_upload_bytes: int = Field(
        default=10_000_000,
        ge=1,
        description="Largest file a candidacy's manager may upload as declared evidence, in "
        "bytes (10 MB); a larger one is refused with 413.",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Directory of uploaded files (evidence of candidacies, under evidence/, "
        "named by their sha256); unset: cartotech-data beside the SQLite database file, or "
        "./cartotech-data with PostgreSQL. Back it up with the database.",
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
    public_url: str | None = Field(
        default=None,
        description="Public address of the site (https://cartotech.example.org), the start of "
        "the links in emails; unset: the address of the request (development only); required "
        "in production once CARTOTECH_SMTP_HOST is set.",
    )
    smtp_host: str | None = Field(
        default=None,
        description="SMTP server that sends the emails (confirmation links, invitations); "
        "unset: in development the messages and their links are written to the server's log, "
        "in production forms that need an email answer 503.",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_starttls: bool = Field(
        default=True,
        description="Switch the SMTP connection to TLS with STARTTLS before sending (and before "
        "logging in); production refuses false when CARTOTECH_SMTP_USER is set.",
    )
    smtp_user: str | None = Field(
        default=None, description="SMTP login, when the server asks for one."
    )
    smtp_password: SecretStr | None = Field(
        default=None, description="SMTP password of CARTOTECH_SMTP_USER."
    )
    smtp_sender: str = Field(
        default="cartotech <no-reply@localhost>",
        description="From address of the emails, e.g. 'cartotech <no-reply@example.org>'.",
    )
    smtp_timeout: float = Field(
        default=10.0, gt=0, le=120, description="Seconds to wait for the SMTP server."
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

    @model_validator(mode="after")
    def _refuse_unsafe_mail(self) -> Settings:
        production = self.environment is Environment.PRODUCTION
        if production and self.smtp_host and not self.public_url:
            raise ConfigurationError(
                "CARTOTECH_PUBLIC_URL must be set in production when emails are sent: links "
                "must not be built from the Host header of a request "
                "(e.g. CARTOTECH_PUBLIC_URL=https://cartotech.example.org)",
                field="public_url",
            )
        if self.public_url and not self.public_url.startswith(("https://", "http://")):
            raise ConfigurationError(
                f"CARTOTECH_PUBLIC_URL {self.public_url!r}: expected an address starting with "
                "https:// (or http:// in development)",
                field="public_url",
            )
        if production and self.smtp_user and not self.smtp_starttls:
            raise ConfigurationError(
                "CARTOTECH_SMTP_STARTTLS must not be false in production when "
                "CARTOTECH_SMTP_USER is set: the password would travel in clear",
                field="smtp_starttls",
            )
        return self

    @property
    def cookie_secure(self) -> bool:
        """Whether the session cookie carries the Secure flag."""
        if self.session_cookie_secure is None:
            return self.environment is Environment.PRODUCTION
        return self.session_cookie_secure

    def files_dir(self) -> Path:
        """The directory of uploaded files (CARTOTECH_DATA_DIR or its default)."""
        if self.data_dir is not None:
            return self.data_dir
        database = self.sqlite_path()
        base = database.parent if database is not None else Path(".")
        return base / "cartotech-data"

    def sqlite_path(self) -> Path | None:
        """The database file when the store is SQLite, else None."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix):
            return Path(self.database_url[len(prefix) :])
        return None


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]
