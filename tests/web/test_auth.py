"""Logging in and out through the pages, on SQLite and PostgreSQL: sessions,
lockout, per-IP limits, no user enumeration, the account page."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from fastapi.testclient import TestClient

from cartotech.store import unit_of_work
from cartotech.store.accounts import set_user_active
from cartotech.store.audit import AuditQuery, list_audit
from cartotech.web.sessions import Session, SessionCodec
from tests.conftest import BACKENDS
from tests.web.auth_support import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    TEST_POLICY,
    Site,
    csrf_of,
    logged_in,
    login,
    open_site,
)

WRONG_LOGIN = "Adresse e-mail ou mot de passe incorrect."
LOCKED = "ce compte est verrouillé jusqu"
THROTTLED = "Trop de tentatives de connexion depuis votre adresse"
# XSS_NAME: markup as a display name, shown in the header of every page.
XSS_NAME = "<script>alert('nom')</script><img src=x onerror=alert(1)>"


@pytest.fixture(params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    with open_site(request, tmp_path_factory, request.param) as opened:
        yield opened


def _session_cookie(set_cookie: str) -> SimpleCookie:
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(set_cookie)
    return cookie


def test_login_page_has_a_form_with_a_token_and_sets_a_safe_cookie(site: Site) -> None:
    client = site.client()
    response = client.get("/login")
    assert response.status_code == 200
    assert csrf_of(response.text)
    set_cookie = response.headers["set-cookie"]
    morsel = _session_cookie(set_cookie)["cartotech_session"]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert morsel["secure"] == ""  # development, not configured: no Secure flag
    assert 12 * 3600 - 5 <= int(morsel["max-age"]) <= 12 * 3600


def test_public_pages_set_no_cookie(site: Site) -> None:
    response = site.client().get("/open-data")
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


def test_secure_cookie_when_configured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with open_site(request, tmp_path_factory, "sqlite", session_cookie_secure=True) as secure:
        set_cookie = secure.client().get("/login").headers["set-cookie"]
    morsel = _session_cookie(set_cookie)["__Host-cartotech_session"]
    assert morsel["secure"] is True
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"


def test_login_ok_shows_who_is_logged_in(site: Site) -> None:
    client = site.client()
    response = login(client, MODERATOR_EMAIL, MODERATOR_PASSWORD, next_url="/open-data")
    assert response.status_code == 303
    assert response.headers["location"] == "/open-data"
    page = client.get("/open-data")
    assert "Connecté·e" in page.text
    assert "Modératrice" in page.text
    assert 'action="/logout"' in page.text
    assert 'href="/admin"' not in page.text  # not an administrator
    assert page.headers["cache-control"] == "no-store"


def test_admin_sees_the_admin_link(site: Site) -> None:
    page = logged_in(site).get("/").text
    assert 'href="/admin"' in page
    assert ADMIN_EMAIL in page  # no display name: the email


def test_wrong_password_and_unknown_email_get_the_same_answer(site: Site) -> None:
    wrong = login(site.client(), MODERATOR_EMAIL, "not the password at all")
    unknown = login(site.client(), "nobody@cartotech.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert WRONG_LOGIN in wrong.text
    assert WRONG_LOGIN in unknown.text

    def error(html: str) -> str:
        found = re.search(r'<p class="notice error"[^>]*>(.*?)</p>', html, re.S)
        assert found
        return found.group(1)

    assert error(wrong.text) == error(unknown.text)


def test_repeated_failures_lock_the_account_even_for_the_right_password(site: Site) -> None:
    client = site.client()
    for _ in range(TEST_POLICY.max_failures - 1):
        response = login(client, MODERATOR_EMAIL, "wrong password, again")
        assert response.status_code == 401
    locked = login(client, MODERATOR_EMAIL, "wrong password, again")
    assert locked.status_code == 429
    assert LOCKED in locked.text
    right = login(site.client(), MODERATOR_EMAIL, MODERATOR_PASSWORD)
    assert right.status_code == 429
    assert LOCKED in right.text
    assert "Connecté·e" not in client.get("/").text
    with site.engine.connect() as conn:
        locks = list_audit(conn, AuditQuery(action="user.lock")).items
    assert [entry.entity_id for entry in locks] == [str(site.moderator.id)]


def test_logins_are_throttled_per_address(site: Site) -> None:
    client = site.client()
    # Unknown emails: no account gets locked, only the address is counted.
    for number in range(TEST_POLICY.per_ip.limit):
        response = login(client, f"guess{number}@cartotech.test", "some password or other")
        assert response.status_code == 401
    throttled = login(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert throttled.status_code == 429
    assert THROTTLED in throttled.text
    retry_after = int(throttled.headers["retry-after"])
    assert retry_after > 0
    # The page words the same wait in minutes, and keeps the email typed.
    assert f"environ {max(1, round(retry_after / 60))} min" in throttled.text
    assert f'value="{ADMIN_EMAIL}"' in throttled.text


def test_logout_ends_the_session(site: Site) -> None:
    client = logged_in(site)
    assert client.get("/account").status_code == 200
    page = client.get("/account").text
    response = client.post("/logout", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    after = client.get("/account")
    assert after.status_code == 303
    assert after.headers["location"] == "/login?next=%2Faccount"
    assert "Se connecter" in client.get("/").text


def test_a_cookie_copied_before_logout_is_refused_after_it(site: Site) -> None:
    client = logged_in(site)
    stolen = dict(client.cookies)
    control = site.client()
    control.cookies.update(stolen)
    assert control.get("/account").status_code == 200  # the copy works before logout
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/account").text)})
    thief = site.client()
    thief.cookies.update(stolen)
    assert thief.get("/account").status_code == 303
    with site.engine.connect() as conn:
        logouts = list_audit(conn, AuditQuery(action="user.logout")).items
    assert [entry.entity_id for entry in logouts] == [str(site.admin.id)]


def test_logout_ends_the_sessions_of_other_browsers_too(site: Site) -> None:
    laptop = logged_in(site)
    phone = logged_in(site)
    laptop.post("/logout", data={"csrf_token": csrf_of(laptop.get("/account").text)})
    assert phone.get("/account").status_code == 303
    assert logged_in(site).get("/account").status_code == 200  # a new login works


def test_next_goes_back_to_the_page_that_asked_for_a_login(site: Site) -> None:
    client = site.client()
    asked = client.get("/admin/audit?action=user.")
    assert asked.status_code == 303
    target = asked.headers["location"]
    assert target == "/login?next=%2Fadmin%2Faudit%3Faction%3Duser."
    form = client.get(target).text
    assert 'name="next" value="/admin/audit?action=user."' in form
    response = login(client, ADMIN_EMAIL, ADMIN_PASSWORD, next_url="/admin/audit?action=user.")
    assert response.headers["location"] == "/admin/audit?action=user."


@pytest.mark.parametrize(
    "target",
    ["//evil.test/", "https://evil.test/", "/\\evil.test", "javascript:alert(1)", "\r\nX: y"],
)
def test_next_never_leaves_the_site(site: Site, target: str) -> None:
    response = login(site.client(), ADMIN_EMAIL, ADMIN_PASSWORD, next_url=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_a_forged_or_altered_cookie_is_anonymous(site: Site) -> None:
    client = logged_in(site)
    value = client.cookies["cartotech_session"]
    body, mac = value.rsplit(".", 1)
    forged = SessionCodec("another key", 3600).dumps(Session(user_id=site.admin.id))
    control = site.client()
    control.cookies.set("cartotech_session", value)
    assert control.get("/admin").status_code == 200  # the way cookies are set here works
    for bad in (forged, f"{body}.{mac[:-2]}AA", f"{body[:-2]}AA.{mac}", "garbage"):
        other = site.client()
        other.cookies.set("cartotech_session", bad)
        assert other.get("/admin").status_code == 303, bad


def test_sessions_expire() -> None:
    codec = SessionCodec("key", max_age=600)
    value = codec.dumps(Session(user_id=3))
    assert codec.loads(value) is not None
    assert codec.loads(value, now=time.time() + 3600) is None
    assert codec.loads(value, now=time.time() - 3600) is None  # issued in the future


def test_the_cookie_keeps_the_session_epoch() -> None:
    codec = SessionCodec("key", max_age=600)
    session = Session()
    session.log_in(3, 7)
    read = codec.loads(codec.dumps(session))
    assert read is not None
    assert (read.user_id, read.epoch) == (3, 7)


def test_a_session_without_the_accounts_epoch_is_anonymous(site: Site) -> None:
    # Signed with the site's key, but of another epoch (or of none, as before epochs).
    codec = SessionCodec(site.app.state.settings.secret_key, 3600)
    for epoch in (None, site.admin.session_epoch + 1):
        forged = Session(user_id=site.admin.id, epoch=epoch)
        client = site.client()
        client.cookies.set("cartotech_session", codec.dumps(forged))
        assert client.get("/admin").status_code == 303, epoch
    right = Session(user_id=site.admin.id, epoch=site.admin.session_epoch)
    client = site.client()
    client.cookies.set("cartotech_session", codec.dumps(right))
    assert client.get("/admin").status_code == 200


def test_a_deactivated_account_loses_its_session_at_once(site: Site) -> None:
    client = logged_in(site, MODERATOR_EMAIL, MODERATOR_PASSWORD)
    assert client.get("/account").status_code == 200
    stolen = dict(client.cookies)
    with unit_of_work(site.engine) as conn:
        set_user_active(conn, site.moderator.id, False, by=site.admin)
    assert client.get("/account").status_code == 303
    assert login(site.client(), MODERATOR_EMAIL, MODERATOR_PASSWORD).status_code == 401
    # Reactivated, the account logs in again, but the sessions from before stay ended.
    with unit_of_work(site.engine) as conn:
        set_user_active(conn, site.moderator.id, True, by=site.admin)
    thief = site.client()
    thief.cookies.update(stolen)
    assert thief.get("/account").status_code == 303
    assert login(site.client(), MODERATOR_EMAIL, MODERATOR_PASSWORD).status_code == 303


def test_change_password(site: Site) -> None:
    client = logged_in(site, MODERATOR_EMAIL, MODERATOR_PASSWORD)

    def change(current: str, new: str, confirm: str | None = None) -> int:
        token = csrf_of(client.get("/account").text)
        data = {
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
            "csrf_token": token,
        }
        return client.post("/account/password", data=data).status_code

    assert change("not my password!", "a brand new password") == 401
    assert change(MODERATOR_PASSWORD, "a brand new password", "something else entirely") == 422
    assert change(MODERATOR_PASSWORD, "short") == 422
    other_browser = logged_in(site, MODERATOR_EMAIL, MODERATOR_PASSWORD)
    assert change(MODERATOR_PASSWORD, "a brand new password") == 303
    # The browser that changed it stays logged in; every other session ends.
    assert client.get("/account").status_code == 200
    assert other_browser.get("/account").status_code == 303
    assert login(site.client(), MODERATOR_EMAIL, MODERATOR_PASSWORD).status_code == 401
    assert login(site.client(), MODERATOR_EMAIL, "a brand new password").status_code == 303


def test_hostile_display_name_is_escaped_in_the_header(site: Site) -> None:
    from cartotech.domain.participation import SystemActor
    from cartotech.store.accounts import create_user

    with unit_of_work(site.engine) as conn:
        create_user(conn, "xss@cartotech.test", by=SystemActor.CLI, password="xss password 123",
                    display_name=XSS_NAME)  # fmt: skip
    client = logged_in(site, "xss@cartotech.test", "xss password 123")
    for path in ("/", "/account", "/actors", "/no-such-page"):
        page = client.get(path).text
        assert XSS_NAME not in page, path
        assert "&lt;script&gt;alert(&#39;nom&#39;)&lt;/script&gt;&lt;img src=x" in page, path


def test_logged_in_page_is_not_cached(site: Site) -> None:
    client = logged_in(site)
    assert client.get("/actors").headers["cache-control"] == "no-store"
    assert "cache-control" not in site.client().get("/actors").headers


def test_login_form_keeps_the_email_but_never_the_password(site: Site) -> None:
    response = login(site.client(), MODERATOR_EMAIL, "secret-ish attempt 42")
    assert f'value="{MODERATOR_EMAIL}"' in response.text
    assert "secret-ish attempt 42" not in response.text


def test_login_form_refuses_oversized_fields(site: Site) -> None:
    client = site.client()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"email": "a@b.test", "password": "x" * 5000, "csrf_token": token}
    )
    assert response.status_code == 422


def test_the_login_page_of_a_logged_in_user_goes_on(site: Site) -> None:
    client: TestClient = logged_in(site)
    response = client.get("/login?next=/admin")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
