"""Helpers of the account, security and admin page tests: a site of its own per
test (these tests write), its accounts, and logging in through the real form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, func, select

from cartotech.domain.participation import Role, RoleGrant, SystemActor, User
from cartotech.settings import get_settings
from cartotech.store import unit_of_work
from cartotech.store.accounts import create_admin, create_user
from cartotech.store.logins import LoginPolicy
from cartotech.store.ratelimits import RateLimit
from cartotech.store.schema import audit_log, users
from cartotech.web import create_app
from tests.conftest import new_database_url

ADMIN_EMAIL = "admin@cartotech.test"
ADMIN_PASSWORD = "admin password for tests"
MODERATOR_EMAIL = "moderator@cartotech.test"
MODERATOR_PASSWORD = "moderator password for tests"
# A per-IP limit low enough to reach in a test, above the lockout's five failures.
TEST_POLICY = LoginPolicy(
    max_failures=5,
    lockout=timedelta(minutes=15),
    per_ip=RateLimit(8, timedelta(minutes=15), "login attempts"),
)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Site:
    """An app on a fresh database with an administrator and a moderator."""

    app: FastAPI
    engine: Engine
    admin: User
    moderator: User

    def client(self) -> TestClient:
        """A new browser: its own cookie jar."""
        return TestClient(self.app, follow_redirects=False)

    def count(self, table: Table) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def audit_count(self) -> int:
        return self.count(audit_log)

    def user_count(self) -> int:
        return self.count(users)


@contextmanager
def open_site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    backend: str,
    **settings: object,
) -> Iterator[Site]:
    url = new_database_url(backend, request, tmp_path_factory, "empty")
    app = create_app(get_settings(database_url=url, **settings))
    app.state.login_policy = TEST_POLICY
    engine: Engine = app.state.engine
    with unit_of_work(engine) as conn:
        admin, _ = create_admin(conn, ADMIN_EMAIL, ADMIN_PASSWORD)
        moderator = create_user(
            conn,
            MODERATOR_EMAIL,
            by=SystemActor.CLI,
            password=MODERATOR_PASSWORD,
            display_name="Modératrice",
            roles=(RoleGrant(Role.MODERATOR),),
        )
    try:
        yield Site(app=app, engine=engine, admin=admin, moderator=moderator)
    finally:
        engine.dispose()


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = CSRF_INPUT.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def login(client: TestClient, email: str, password: str, next_url: str = "/") -> httpx.Response:
    """Log in through the form, as a browser would: GET the page, POST it back."""
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "next": next_url, "csrf_token": token},
    )


def logged_in(site: Site, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> TestClient:
    client = site.client()
    response = login(client, email, password)
    assert response.status_code == 303, response.text
    return client
