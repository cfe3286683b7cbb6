"""The web layer: FastAPI app, API routes (and, next, server-rendered pages)."""

from cartotech.web.app import create_app

__all__ = ["create_app"]
