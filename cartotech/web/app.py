"""The web application factory."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from cartotech import __version__
from cartotech.errors import ConfigurationError
from cartotech.settings import Settings, get_settings
from cartotech.store import create_store_engine, is_migrated
from cartotech.web.errors import install_error_handlers
from cartotech.web.routes import actors, territories

__all__ = ["create_app"]


def _ready_engine(settings: Settings) -> Engine:
    """An engine on a database that has cartotech's schema, or a clear error."""
    path = settings.sqlite_path()
    if path is not None and not path.exists():
        raise ConfigurationError(
            f"database file {path} does not exist: create it with `cartotech init --db {path}`"
            " (or `cartotech demo`)"
        )
    engine = create_store_engine(settings.database_url)
    try:
        migrated = is_migrated(engine)
    except OperationalError as exc:
        raise ConfigurationError(f"cannot open the database: {exc.orig}") from None
    if not migrated:
        raise ConfigurationError(
            "the database has no cartotech tables: run `cartotech init` with the same --db"
        )
    return engine


def create_app(settings: Settings | None = None) -> FastAPI:
    """A cartotech app serving the store of ``settings.database_url``."""
    settings = settings or get_settings()
    app = FastAPI(
        title="cartotech",
        version=__version__,
        description="Sourced directory of regional tech ecosystems: actors, territories, facts.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = _ready_engine(settings)
    install_error_handlers(app)
    app.include_router(actors.router)
    app.include_router(territories.router)

    @app.get("/api/v1/health", tags=["meta"], summary="Liveness check")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
