"""Errors: one JSON shape for the API, ``{"error": {"code", "message", "field"}}``,
and an HTML page (in the visitor's language) everywhere else."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from cartotech.errors import CartotechError

__all__ = ["install_error_handlers", "error_response"]

CODES = {404: "not_found", 405: "method_not_allowed"}


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"code": code, "message": message, "field": field}}
    )


def _respond(request: Request, status: int, code: str, message: str, field: str | None) -> Response:
    if request.url.path.startswith("/api/"):
        return error_response(status, code, message, field)
    from cartotech.web.i18n import request_language, translator
    from cartotech.web.pages.rendering import render

    t = translator(request_language(request))
    title = t("not_found_title") if status == 404 else t("error_title")
    return render(request, "error.html", {"title": title, "message": message}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CartotechError)
    async def _cartotech_error(request: Request, exc: CartotechError) -> Response:
        return _respond(request, exc.status_code, exc.code, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"][1:]) or None
        return _respond(request, 422, "invalid_input", f"{field}: {first['msg']}", field)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = CODES.get(exc.status_code, "http_error")
        return _respond(request, exc.status_code, code, str(exc.detail), None)
