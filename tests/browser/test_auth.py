"""Accounts in a real browser: an administrator logs in, creates a moderator and
finds it in the audit log; the login and admin pages pass axe-core; the pages
(maps included) run under the Content-Security-Policy without a violation."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from cartotech.store import create_store_engine, unit_of_work
from cartotech.store.accounts import create_admin
from tests.browser.support import (
    LiveServer,
    Visit,
    euratechnologies_path,
    new_visit,
    wait_for_maps,
)
from tests.browser.test_accessibility import AXE, BLOCKING, describe

pytestmark = pytest.mark.browser

ADMIN_PASSWORD = "browser admin password"
_accounts = itertools.count()


@pytest.fixture(scope="module")
def admin_email(demo_database: Path) -> str:
    """An administrator in the demo database the server reads (written through the store)."""
    email = "browser.admin@cartotech.test"
    engine = create_store_engine(f"sqlite:///{demo_database}")
    try:
        with unit_of_work(engine) as conn:
            create_admin(conn, email, ADMIN_PASSWORD)
    finally:
        engine.dispose()
    return email


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page. The script is evaluated
    through the DevTools protocol: the site's CSP refuses inline scripts, so
    ``add_script_tag`` (an inline script) would be blocked, as any injected script
    should be."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document)).violations"
    )
    return [v for v in violations if v["impact"] in BLOCKING]


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.fixture
def admin_visit(browser: Browser, live_server: LiveServer, admin_email: str) -> Iterator[Visit]:
    visit = new_visit(browser, live_server, viewport={"width": 1280, "height": 900})
    log_in(visit.page, admin_email, ADMIN_PASSWORD)
    yield visit
    visit.context.close()


def test_admin_creates_a_moderator_and_finds_it_in_the_audit_log(
    admin_visit: Visit, browser: Browser, live_server: LiveServer, admin_email: str
) -> None:
    page = admin_visit.page
    expect(page.locator(".whoami")).to_contain_text(admin_email)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Comptes").click()
    email = f"moderator{next(_accounts)}@cartotech.test"
    form = page.locator("form[action='/admin/users']")
    form.get_by_label("Adresse e-mail").fill(email)
    form.get_by_label("Nom affiché").fill("Modérateur <b>test</b>")
    form.get_by_label("Rôle").select_option("moderator")
    form.get_by_label("Mot de passe initial").fill("moderator browser password")
    form.get_by_role("button", name="Créer le compte").click()
    expect(page.get_by_role("status")).to_have_text(f"Compte {email} créé.")
    row = page.locator("table.users tr", has_text=email)
    expect(row).to_contain_text("Modérateur <b>test</b>")  # shown as text, not markup
    expect(row).to_contain_text("Modérateur")

    page.goto("/admin/audit?action=user.create")
    entry = page.locator("table.audit tbody tr").first
    expect(entry).to_contain_text("user.create")
    expect(entry).to_contain_text(admin_email)
    expect(entry.locator("pre.json").last).to_contain_text(f'"email": "{email}"')
    expect(entry.locator("pre.json").last).to_contain_text('"role": "moderator"')
    assert admin_visit.errors == [], "\n".join(admin_visit.errors)

    # The new moderator logs in, and the admin pages are not for them.
    moderator = new_visit(browser, live_server)
    try:
        log_in(moderator.page, email, "moderator browser password")
        expect(moderator.page.locator(".whoami")).to_contain_text("Modérateur <b>test</b>")
        response = moderator.page.goto("/admin/audit")
        assert response is not None
        assert response.status == 403
        moderator.page.get_by_role("button", name="Se déconnecter").click()
        expect(moderator.page.get_by_role("link", name="Se connecter")).to_be_visible()
    finally:
        moderator.context.close()


def test_a_wrong_password_is_said_plainly(page: Page, admin_email: str) -> None:
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(admin_email)
    page.get_by_label("Mot de passe").fill("not the password, sorry")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    expect(page.get_by_label("Adresse e-mail")).to_have_value(admin_email)


@pytest.mark.parametrize("path", ["/login", "/login?lang=en"])
def test_login_page_has_no_serious_accessibility_violation(page: Page, path: str) -> None:
    page.goto(path)
    blocking = run_axe(page)
    assert blocking == [], f"axe on {path}:\n{describe(blocking)}"


@pytest.mark.parametrize("path", ["/admin", "/admin/audit", "/admin/users", "/account"])
def test_admin_pages_have_no_serious_accessibility_violation(admin_visit: Visit, path: str) -> None:
    page = admin_visit.page
    page.goto(path)
    blocking = run_axe(page)
    assert blocking == [], f"axe on {path}:\n{describe(blocking)}"


def test_pages_and_maps_run_under_the_content_security_policy(
    visit: Visit, live_server: LiveServer
) -> None:
    page = visit.page
    for path in ("/", "/map", euratechnologies_path(live_server), "/territories/fr:region:32"):
        response = page.goto(path)
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        wait_for_maps(page)
    assert visit.errors == [], "CSP violations or script errors:\n" + "\n".join(visit.errors)
