"""The web application factory."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from cartotech import __version__
from cartotech.errors import ConfigurationError
from cartotech.settings import Settings, get_settings
from cartotech.store import create_store_engine, is_migrated
from cartotech.store.logins import LoginPolicy
from cartotech.web import pages
from cartotech.web.api import actors, admin, map_api, participation, territories
from cartotech.web.errors import install_error_handlers
from cartotech.web.security import (
    SecurityHeadersMiddleware,
    UploadLimitMiddleware,
    csrf_protect,
)
from cartotech.web.sessions import SessionMiddleware

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).parent / "static"


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
        # Every write (any method but GET, HEAD, OPTIONS) carries the session's token.
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.engine = _ready_engine(settings)
    # Lockout and per-IP limits of logins (tests swap in a tighter one).
    app.state.login_policy = LoginPolicy()
    install_error_handlers(app)
    app.include_router(actors.router)
    app.include_router(territories.router)
    app.include_router(map_api.router)
    app.include_router(admin.router)
    app.include_router(participation.router)
    for router in pages.routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        max_age=settings.session_max_age,
        secure=settings.cookie_secure,
    )
    app.add_middleware(SecurityHeadersMiddleware, tile_url=settings.map_tile_url)
    # Outermost: an oversized upload is refused before anything reads its body.
    app.add_middleware(UploadLimitMiddleware, max_upload_bytes=settings.max_upload_bytes)

    @app.middleware("http")
    async def server_timing(request: Request, call_next: Any) -> Response:
        # How long the server spent on the request: visible in browsers' dev tools
        # and read by the page-time measurement.
        started = time.perf_counter()
        response: Response = await call_next(request)
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.1f}"
        return response

    @app.get("/api/v1/health", tags=["meta"], summary="Liveness check")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
