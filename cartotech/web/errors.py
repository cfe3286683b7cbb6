"""Errors: one JSON shape for the API, ``{"error": {"code", "message", "field"}}``,
and an HTML page (in the visitor's language) everywhere else."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from cartotech.domain.participation_errors import LoginRequired, RateLimited
from cartotech.errors import CartotechError
from cartotech.web.i18n import request_language, translator
from cartotech.web.pages.rendering import render

__all__ = ["install_error_handlers", "error_response"]

CODES = {404: "not_found", 405: "method_not_allowed", 413: "input_too_large"}


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"code": code, "message": message, "field": field}}
    )


def _respond(request: Request, status: int, code: str, message: str, field: str | None) -> Response:
    if request.url.path.startswith("/api/"):
        return error_response(status, code, message, field)
    t = translator(request_language(request))
    titles = {404: "not_found_title", 403: "forbidden_title"}
    title = t(titles.get(status, "error_title"))
    if f"error_{code}" in t.messages:  # an error the interface words itself
        message = t(f"error_{code}")
    return render(request, "error.html", {"title": title, "message": message}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CartotechError)
    async def _cartotech_error(request: Request, exc: CartotechError) -> Response:
        if isinstance(exc, LoginRequired) and not request.url.path.startswith("/api/"):
            # A page that needs a login: go and log in, then come back.
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
        response = _respond(request, exc.status_code, exc.code, exc.message, exc.field)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"][1:]) or None
        return _respond(request, 422, "invalid_input", f"{field}: {first['msg']}", field)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = CODES.get(exc.status_code, "http_error")
        return _respond(request, exc.status_code, code, str(exc.detail), None)
