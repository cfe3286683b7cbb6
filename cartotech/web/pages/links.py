"""Links that keep the current filters: toggle a facet value, change the sort
or the page. Pages work without JavaScript, so every control is a link or a
GET form."""

from __future__ import annotations

from starlette.requests import Request

from cartotech.web.pages.rendering import page_url

__all__ = ["current_params", "toggle_url", "replace_url"]

# Parameters that describe a result set (the page number is not one of them).
FILTER_PARAMS = ("q", "type", "sector", "region", "departement", "epci", "label", "territory")


def current_params(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key in (*FILTER_PARAMS, "sort", "per_page") and value:
            params.setdefault(key, []).append(value)
    return params


def toggle_url(request: Request, key: str, value: str, path: str | None = None) -> str:
    """The URL with ``key=value`` added, or removed when already there; back to page 1."""
    params = current_params(request)
    values = params.get(key, [])
    params[key] = [v for v in values if v != value] if value in values else [*values, value]
    return page_url(path or request.url.path, dict(params))


def replace_url(request: Request, path: str | None = None, **changes: str | int | None) -> str:
    params: dict[str, object] = dict(current_params(request))
    params.update(changes)
    return page_url(path or request.url.path, params)
