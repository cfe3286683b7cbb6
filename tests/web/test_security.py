"""CSRF protection of every write and the security headers, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pytest
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from cartotech.errors import ConfigurationError
from cartotech.settings import Environment, get_settings
from cartotech.web.security import content_security_policy
from tests.conftest import BACKENDS
from tests.web.auth_support import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Site,
    csrf_of,
    logged_in,
    open_site,
)

CSRF_REFUSED = "jeton de sécurité"
NEW_MODERATOR = {
    "email": "new.moderator@cartotech.test",
    "display_name": "New moderator",
    "role": "moderator",
    "password": "a long enough password",
}


@pytest.fixture(params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    with open_site(request, tmp_path_factory, request.param) as opened:
        yield opened


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """The app's routes, included routers walked into (their paths hold their prefix;
    the app includes them without adding one)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from _api_routes(router.routes)


def _write_routes(site: Site) -> list[tuple[str, str]]:
    """Every (method, path) of the app that changes something, path parameters filled."""
    found = []
    for route in _api_routes(site.app.routes):
        for method in sorted(route.methods - {"GET", "HEAD", "OPTIONS"}):
            path = re.sub(r"\{action\}", "unlock", route.path)
            path = re.sub(r"\{[^}]+\}", "1", path)
            found.append((method, path))
    return found


def test_the_app_has_write_routes_to_check(site: Site) -> None:
    routes = _write_routes(site)
    assert ("POST", "/login") in routes
    assert ("POST", "/admin/users") in routes
    assert ("POST", "/admin/users/1/unlock") in routes


def test_every_write_route_refuses_a_request_without_token(site: Site) -> None:
    client = logged_in(site)
    before = (site.audit_count(), site.user_count())
    for method, path in _write_routes(site):
        response = client.request(method, path, data={"email": "x@y.test"})
        assert response.status_code == 403, (method, path)
    assert (site.audit_count(), site.user_count()) == before


def test_a_form_without_token_is_refused_with_the_error_page_and_nothing_written(
    site: Site,
) -> None:
    client = logged_in(site)
    before = (site.audit_count(), site.user_count())
    response = client.post("/admin/users", data=NEW_MODERATOR)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert CSRF_REFUSED in response.text
    assert "Accès refusé" in response.text
    assert (site.audit_count(), site.user_count()) == before


@pytest.mark.parametrize("token", ["", "wrong", "A" * 43])
def test_a_wrong_token_is_refused_and_nothing_written(site: Site, token: str) -> None:
    client = logged_in(site)
    before = (site.audit_count(), site.user_count())
    response = client.post("/admin/users", data={**NEW_MODERATOR, "csrf_token": token})
    assert response.status_code == 403
    assert (site.audit_count(), site.user_count()) == before


def test_the_token_of_another_session_is_refused(site: Site) -> None:
    other = site.client()
    foreign = csrf_of(other.get("/login").text)
    client = logged_in(site)
    before = site.user_count()
    response = client.post("/admin/users", data={**NEW_MODERATOR, "csrf_token": foreign})
    assert response.status_code == 403
    assert site.user_count() == before


def test_the_right_token_passes(site: Site) -> None:
    client = logged_in(site)
    token = csrf_of(client.get("/admin/users").text)
    response = client.post("/admin/users", data={**NEW_MODERATOR, "csrf_token": token})
    assert response.status_code == 303
    assert site.user_count() == 3


def test_the_header_token_is_accepted_for_scripts(site: Site) -> None:
    client = logged_in(site)
    token = csrf_of(client.get("/admin/users").text)
    response = client.post("/admin/users", data=NEW_MODERATOR, headers={"X-CSRF-Token": token})
    assert response.status_code == 303


def test_a_login_without_token_is_refused_before_any_attempt_is_counted(site: Site) -> None:
    client = site.client()
    client.get("/login")  # the session exists, but the form does not carry its token
    before = site.audit_count()
    for _ in range(10):
        response = client.post("/login", data={"email": ADMIN_EMAIL, "password": "wrong one!"})
        assert response.status_code == 403
    assert site.audit_count() == before
    assert client.post(
        "/login",
        data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
              "csrf_token": csrf_of(client.get("/login").text)},
    ).status_code == 303  # fmt: skip


def test_a_browser_without_session_cannot_post(site: Site) -> None:
    response = site.client().post("/logout", data={"csrf_token": "anything"})
    assert response.status_code == 403


def test_logout_without_token_keeps_the_session(site: Site) -> None:
    client = logged_in(site)
    assert client.post("/logout").status_code == 403
    assert client.get("/admin").status_code == 200


def test_a_script_sends_the_token_in_a_header_whatever_the_body(site: Site) -> None:
    """How a future JSON API write is protected: the session plus the X-CSRF-Token header."""
    client = logged_in(site)
    token = csrf_of(client.get("/account").text)
    refused = client.post("/logout", json={"csrf_token": token})  # a JSON body is not a form
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    accepted = client.post("/logout", json={}, headers={"X-CSRF-Token": token})
    assert accepted.status_code == 303


# --- headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/actors", "/login", "/api/v1/health", "/static/css/cartotech.css", "/nope"]
)
def test_security_headers_on_every_response(site: Site, path: str) -> None:
    headers = site.client().get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "form-action 'self'" in csp
    assert "unsafe-inline" not in csp.split("style-src-attr")[0]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_docs_page_has_its_own_policy(site: Site) -> None:
    csp = site.client().get("/api/docs").headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in csp
    assert "frame-ancestors 'none'" in csp


def test_csp_allows_the_configured_tile_server_for_images_only() -> None:
    csp = content_security_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    directives = dict(part.split(" ", 1) for part in csp.split("; "))
    assert directives["img-src"] == "'self' data: https://*.tile.example.org"
    assert directives["connect-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    plain = content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://tiles.example.org" in plain
    assert "javascript" not in content_security_policy("javascript:alert(1)")


def test_production_sends_the_session_cookie_over_https_only() -> None:
    production = {"environment": Environment.PRODUCTION, "secret_key": "a real secret"}
    assert get_settings(**production).cookie_secure is True
    assert get_settings().cookie_secure is False  # development, unless asked
    assert get_settings(session_cookie_secure=True).cookie_secure is True
    with pytest.raises(ConfigurationError, match="CARTOTECH_SESSION_COOKIE_SECURE"):
        get_settings(**production, session_cookie_secure=False)
