"""Administration pages and the admin API, on SQLite and PostgreSQL: who may see
them, accounts created and changed through the forms, the audit log with its
filters, hostile values shown escaped, SQL in the filters taken as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cartotech.domain.participation import SystemActor
from cartotech.store import unit_of_work
from cartotech.store.accounts import find_user_by_email
from cartotech.store.audit import record_audit
from cartotech.web.pages import admin as admin_pages
from tests.conftest import BACKENDS
from tests.web.auth_support import (
    ADMIN_EMAIL,
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    TEST_POLICY,
    Site,
    csrf_of,
    logged_in,
    login,
    open_site,
)

ADMIN_PAGES = ["/admin", "/admin/audit", "/admin/users"]
# HOSTILE: markup and a quote in values an admin page shows (audit before/after,
# notes, entity kinds, display names).
HOSTILE = "<script>alert('audit')</script><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(&#39;audit&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
# SQL_INJECTIONS: classic payloads; filters must take them as plain text.
SQL_INJECTIONS = [
    "' OR '1'='1",
    "user:1' --",
    "x'; DROP TABLE users; --",
    '" OR ""="',
    "1) OR (1=1",
    "user.%",
    "a@b.c' OR 1=1 --",
]


@pytest.fixture(params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    with open_site(request, tmp_path_factory, request.param) as opened:
        yield opened


def _create(client: TestClient, **fields: str) -> Any:
    token = csrf_of(client.get("/admin/users").text)
    data = {"role": "moderator", "password": "initial password 1", **fields}
    return client.post("/admin/users", data={**data, "csrf_token": token})


# --- who may see ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(site: Site, path: str) -> None:
    response = site.client().get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2Fadmin")


def test_anonymous_api_client_gets_401(site: Site) -> None:
    response = site.client().get("/api/v1/admin/audit")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "login_required"


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_moderator_is_refused_the_admin_pages(site: Site, path: str) -> None:
    client = logged_in(site, MODERATOR_EMAIL, MODERATOR_PASSWORD)
    response = client.get(path)
    assert response.status_code == 403
    assert "Accès refusé" in response.text


def test_a_moderator_is_refused_the_admin_api_and_the_admin_writes(site: Site) -> None:
    client = logged_in(site, MODERATOR_EMAIL, MODERATOR_PASSWORD)
    response = client.get("/api/v1/admin/audit")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    token = csrf_of(client.get("/account").text)
    before = (site.user_count(), site.audit_count())
    data = {"email": "sneaky@cartotech.test", "role": "admin", "password": "sneaky password",
            "csrf_token": token}  # fmt: skip
    assert client.post("/admin/users", data=data).status_code == 403
    unlock = client.post(f"/admin/users/{site.admin.id}/deactivate", data={"csrf_token": token})
    assert unlock.status_code == 403
    assert (site.user_count(), site.audit_count()) == before


def test_admin_home_links_the_admin_pages(site: Site) -> None:
    page = logged_in(site).get("/admin").text
    assert 'href="/admin/audit"' in page
    assert 'href="/admin/users"' in page


# --- accounts ---------------------------------------------------------------------------


def test_creating_a_moderator_writes_the_account_and_its_audit_entry(site: Site) -> None:
    client = logged_in(site)
    response = _create(client, email="Nouvelle.Moderatrice@Cartotech.test", display_name="Nina")
    assert response.status_code == 303
    listing = client.get(response.headers["location"]).text
    assert "Compte nouvelle.moderatrice@cartotech.test créé." in listing
    with site.engine.connect() as conn:
        created = find_user_by_email(conn, "nouvelle.moderatrice@cartotech.test")
    assert created is not None
    assert [grant.role.value for grant in created.roles] == ["moderator"]
    api = client.get("/api/v1/admin/audit", params={"action": "user.create"}).json()
    entry = api["items"][0]
    assert entry["who"] == f"user:{site.admin.id}"
    assert entry["user_email"] == ADMIN_EMAIL
    assert entry["entity_id"] == str(created.id)
    assert entry["after"]["roles"] == [{"role": "moderator", "scope": ""}]
    assert "password" not in str(entry["after"])
    audit_page = client.get("/admin/audit", params={"action": "user.create"}).text
    assert "nouvelle.moderatrice@cartotech.test" in audit_page
    assert login(site.client(), created.email, "initial password 1").status_code == 303


def test_creating_a_territory_manager_with_scopes(site: Site) -> None:
    client = logged_in(site)
    response = _create(
        client, email="manager@cartotech.test", role="territory_manager",
        territories="fr:epci:200054807, fr:departement:13",
    )  # fmt: skip
    assert response.status_code == 303
    with site.engine.connect() as conn:
        manager = find_user_by_email(conn, "manager@cartotech.test")
    assert manager is not None
    assert sorted(manager.territory_ids) == ["fr:departement:13", "fr:epci:200054807"]
    listing = client.get("/admin/users").text
    assert 'href="/territories/fr:departement:13">Bouches-du-Rhône</a>' in listing


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"email": "m@cartotech.test", "role": "territory_manager"}, 422, "at least one territory"),
        (
            {"email": "m@cartotech.test", "role": "territory_manager", "territories": "fr:nope:1"},
            422,
            "fr:nope:1",
        ),  # fmt: skip
        (
            {"email": "m@cartotech.test", "role": "moderator", "territories": "fr:departement:13"},
            422,
            "only for territory managers",
        ),  # fmt: skip
        ({"email": "m@cartotech.test", "role": "actor_owner"}, 422, "expected one of"),
        ({"email": "not an email", "role": "moderator"}, 422, "email"),
        ({"email": "m@cartotech.test", "password": "short"}, 422, "password too short"),
        ({"email": MODERATOR_EMAIL}, 409, "already exists"),
    ],
)
def test_a_refused_account_writes_nothing_and_says_why(
    site: Site, fields: dict[str, str], status: int, message: str
) -> None:
    client = logged_in(site)
    before = (site.user_count(), site.audit_count())
    response = _create(client, **fields)
    assert response.status_code == status
    assert message in response.text
    assert f'value="{fields["email"]}"' in response.text  # the form is filled in again
    assert (site.user_count(), site.audit_count()) == before


def _unlock_buttons(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'action="/admin/users/(\d+)/unlock"', page)]


def test_unlock_lets_a_locked_moderator_in(site: Site) -> None:
    admin = logged_in(site)
    assert _unlock_buttons(admin.get("/admin/users").text) == []  # nobody is locked
    for _ in range(TEST_POLICY.max_failures):
        login(site.client(), MODERATOR_EMAIL, "wrong password, again")
    assert login(site.client(), MODERATOR_EMAIL, MODERATOR_PASSWORD).status_code == 429
    listing = admin.get("/admin/users").text
    assert _unlock_buttons(listing) == [site.moderator.id]  # only the locked account
    token = csrf_of(listing)
    response = admin.post(f"/admin/users/{site.moderator.id}/unlock", data={"csrf_token": token})
    assert response.status_code == 303
    assert "déverrouillé" in admin.get(response.headers["location"]).text
    assert login(site.client(), MODERATOR_EMAIL, MODERATOR_PASSWORD).status_code == 303
    unlocks = admin.get("/api/v1/admin/audit", params={"action": "user.unlock"}).json()
    assert unlocks["total"] == 1
    assert _unlock_buttons(admin.get("/admin/users").text) == []


def test_the_accounts_list_has_pages_with_their_count(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(admin_pages, "USERS_PAGE_SIZE", 1)
    admin = logged_in(site)
    first = admin.get("/admin/users").text
    assert "Page 1 sur 2" in first  # the administrator and the moderator
    assert 'href="/admin/users?page=2"' in first
    assert ADMIN_EMAIL in first
    last = admin.get("/admin/users", params={"page": 2}).text
    assert "Page 2 sur 2" in last
    assert MODERATOR_EMAIL in last
    assert 'rel="next"' not in last


def test_deactivate_and_reactivate(site: Site) -> None:
    admin = logged_in(site)
    token = csrf_of(admin.get("/admin/users").text)
    path = f"/admin/users/{site.moderator.id}"
    assert admin.post(f"{path}/deactivate", data={"csrf_token": token}).status_code == 303
    assert login(site.client(), MODERATOR_EMAIL, MODERATOR_PASSWORD).status_code == 401
    assert "désactivé" in admin.get("/admin/users").text
    assert admin.post(f"{path}/activate", data={"csrf_token": token}).status_code == 303
    assert login(site.client(), MODERATOR_EMAIL, MODERATOR_PASSWORD).status_code == 303
    actions = admin.get("/api/v1/admin/audit", params={"action": "user."}).json()["items"]
    assert {"user.deactivate", "user.activate"} <= {item["action"] for item in actions}


def test_an_admin_cannot_deactivate_themself(site: Site) -> None:
    admin = logged_in(site)
    token = csrf_of(admin.get("/admin/users").text)
    response = admin.post(f"/admin/users/{site.admin.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 422
    assert admin.get("/admin").status_code == 200


def test_an_unknown_account_is_404(site: Site) -> None:
    admin = logged_in(site)
    token = csrf_of(admin.get("/admin/users").text)
    assert admin.post("/admin/users/9999/unlock", data={"csrf_token": token}).status_code == 404


# --- the audit log ----------------------------------------------------------------------


def test_hostile_values_in_the_audit_log_are_shown_as_text(site: Site) -> None:
    with unit_of_work(site.engine) as conn:
        record_audit(
            conn,
            SystemActor.IMPORT,
            "actor.update",
            HOSTILE[:32],
            HOSTILE,
            before={"name": HOSTILE},
            after={HOSTILE: [HOSTILE]},
            note=HOSTILE,
        )
    client = logged_in(site)
    _create(client, email="xss@cartotech.test", display_name=HOSTILE)
    page = client.get("/admin/audit").text
    assert HOSTILE not in page
    assert "<script>alert" not in page
    assert page.count(ESCAPED) >= 4  # before, after (key and value), note, display name
    assert "&lt;script&gt;alert(&#39;audit&#39;)&lt;/scri" in page  # the entity kind, cut
    users = client.get("/admin/users").text
    assert HOSTILE not in users
    assert ESCAPED in users
    api = client.get("/api/v1/admin/audit", params={"action": "actor.update"}).json()
    assert api["items"][0]["before"] == {"name": HOSTILE}  # kept as data in JSON


@pytest.mark.parametrize("payload", SQL_INJECTIONS)
@pytest.mark.parametrize("field", ["who", "action", "entity_kind", "entity_id"])
def test_sql_in_the_audit_filters_is_plain_text(site: Site, field: str, payload: str) -> None:
    client = logged_in(site)
    before = (site.user_count(), site.audit_count())
    page = client.get("/admin/audit", params={field: payload})
    assert page.status_code == 200
    assert "0 entrées" in page.text
    api = client.get("/api/v1/admin/audit", params={field: payload})
    assert api.status_code == 200
    assert api.json()["total"] == 0
    assert (site.user_count(), site.audit_count()) == before


def test_a_malformed_date_is_refused_with_the_expected_form(site: Site) -> None:
    client = logged_in(site)
    response = client.get("/api/v1/admin/audit", params={"since": "2025-13-01"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "since"
    assert "YYYY-MM-DD" in response.json()["error"]["message"]
    assert client.get("/admin/audit", params={"until": "' OR 1=1"}).status_code == 422


def test_audit_filters_and_pages(site: Site) -> None:
    client = logged_in(site)
    for number in range(3):
        assert _create(client, email=f"m{number}@cartotech.test").status_code == 303

    def total(**params: str | int) -> int:
        result: int = client.get("/api/v1/admin/audit", params=params).json()["total"]
        return result

    everything = total()
    assert total(action="user.create") == 5  # the admin, the moderator and the three
    assert total(action="user.") == everything
    assert total(who=ADMIN_EMAIL) == total(who=f"user:{site.admin.id}") >= 4  # login, 3 creates
    assert total(who=str(site.admin.id)) == total(who=ADMIN_EMAIL)
    assert total(who="cli") == 2
    assert total(who="nobody@cartotech.test") == 0
    assert total(entity_kind="user", entity_id=str(site.moderator.id)) == 1
    assert total(since="2000-01-01") == everything
    assert total(until="2000-01-01") == 0
    first = client.get("/api/v1/admin/audit", params={"per_page": 2}).json()
    second = client.get("/api/v1/admin/audit", params={"per_page": 2, "page": 2}).json()
    assert len(first["items"]) == len(second["items"]) == 2
    assert first["items"][-1]["id"] > second["items"][0]["id"]  # newest first
    page = client.get("/admin/audit", params={"per_page": 2, "action": "user."}).text
    assert 'href="/admin/audit?action=user.&amp;per_page=2&amp;page=2"' in page
    back = client.get("/admin/audit", params={"per_page": 2, "action": "user.", "page": 2}).text
    assert 'href="/admin/audit?action=user.&amp;per_page=2"' in back  # page 1 goes unnamed
    # The audit's pages are longer than other listings' (50, not the settings' 20), and a
    # size past its limit is refused, not clamped.
    assert first["per_page"] == 2
    assert client.get("/api/v1/admin/audit").json()["per_page"] == 50
    assert client.get("/api/v1/admin/audit", params={"per_page": 500}).status_code == 200
    assert client.get("/api/v1/admin/audit", params={"per_page": 501}).status_code == 422
