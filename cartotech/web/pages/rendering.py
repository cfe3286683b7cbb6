"""Rendering server-side pages: templates, language, number formats, links.

Templates are autoescaped Jinja2: imported or user-supplied text is never
rendered as HTML.
"""

from __future__ import annotations

from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from cartotech.domain import ACTOR_TYPE_LABELS, ActorType
from cartotech.domain.permissions import is_admin
from cartotech.web.auth import current_user
from cartotech.web.i18n import COOKIE, LANGUAGES, request_language, translator
from cartotech.web.serialize import sector_label
from cartotech.web.sessions import get_session

__all__ = ["templates", "render", "page_url", "format_number", "group_by_kind", "http_url"]

templates = Jinja2Templates(directory=str(resources.files("cartotech.web") / "templates"))


def http_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None: addresses read from
    imported files or articles become links only then (never ``javascript:``)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


templates.env.filters["http_url"] = http_url


def format_number(value: float | int | None, lang: str) -> str:
    """1990 -> "1 990" (fr) or "1,990" (en); decimals only when there are some."""
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def type_label(actor_type: str, lang: str) -> str:
    try:
        return ACTOR_TYPE_LABELS[ActorType(actor_type)][lang]
    except ValueError:
        return actor_type


def page_url(path: str, params: dict[str, Any]) -> str:
    """``path`` with the non-empty ``params`` (lists repeated) as a query string."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(key, str(v)) for v in values if v not in (None, "")]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    lang = request_language(request)
    other = next(code for code in LANGUAGES if code != lang)
    kept = _grouped([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    switch_url = page_url(request.url.path, {**kept, "lang": other})
    session = get_session(request)
    user = current_user(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            **context,
            "current_user": user,
            "is_admin": user is not None and is_admin(user),
            # A callable: an anonymous visitor gets a session cookie only when a
            # page actually renders a form.
            "csrf_token": lambda: session.csrf_token,
            "lang": lang,
            "t": translator(lang),
            "switch_url": switch_url,
            "settings": request.app.state.settings,
            "number": lambda value: format_number(value, lang),
            "type_label": lambda value: type_label(value, lang),
            "sector_label": lambda value: sector_label(value, lang),
        },
        status_code=status_code,
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def group_by_kind(facts: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Facts by kind, keeping their order (the store gives the most recent first)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for fact in facts:
        grouped.setdefault(fact["kind"], []).append(fact)
    return grouped
