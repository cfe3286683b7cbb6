"""Helpers of the participation page tests: a real SMTP server on loopback (aiosmtpd)
whose messages the tests read to follow their links, and a site of its own per test
on the curated directory plus the participation demo (candidacy, petition, events,
funding calls), with an administrator, a moderator and two territory managers."""

from __future__ import annotations

import email
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, func, select

from cartotech.domain.participation import Role, RoleGrant, SystemActor, User
from cartotech.geo import get_referential
from cartotech.settings import get_settings
from cartotech.store import unit_of_work
from cartotech.store.accounts import create_admin, create_user
from cartotech.store.participation_demo import DEMO_PETITION_SLUG, load_participation_demo
from cartotech.web import create_app
from tests.conftest import BACKENDS, new_database_url
from tests.pgcluster import free_port
from tests.web.auth_support import TEST_POLICY, csrf_of, login

ADMIN_EMAIL = "admin@cartotech.test"
ADMIN_PASSWORD = "admin password for tests"
MODERATOR_EMAIL = "moderator@cartotech.test"
MODERATOR_PASSWORD = "moderator password for tests"
# LILLE_MANAGER manages the Métropole européenne de Lille, which the demo's
# candidacy covers; MARSEILLE_MANAGER manages Bouches-du-Rhône: another territory.
LILLE_MANAGER = "lille.manager@cartotech.test"
MARSEILLE_MANAGER = "marseille.manager@cartotech.test"
MANAGER_PASSWORD = "manager password for tests"
LILLE_EPCI = "fr:epci:200093201"
PUBLIC_URL = "http://testserver"
PETITION = DEMO_PETITION_SLUG
LINK = re.compile(r"https?://\S+")


@dataclass
class Inbox:
    """The messages the local SMTP server received, oldest first."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def last(self, address: str) -> EmailMessage:
        received = self.to(address)
        assert received, f"no email to {address}; the server got {len(self.messages)} in all"
        return received[-1]

    def link(self, address: str) -> str:
        """The path and query of the link in the last message to ``address``."""
        body = self.last(address).get_content()
        found = LINK.findall(body)
        assert found, f"no link in the email to {address}:\n{body}"
        parts = urlsplit(found[0])
        return f"{parts.path}?{parts.query}" if parts.query else parts.path

    def token(self, address: str) -> str:
        return self.link(address).split("token=", 1)[1]


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Inbox


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server on a free loopback port, recording what it receives."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, inbox)
    finally:
        controller.stop()


def unreachable_smtp(inbox: Inbox) -> SmtpServer:
    """A mail server address where nothing listens (sending fails), sharing ``inbox``."""
    return SmtpServer("127.0.0.1", free_port(), inbox)


@dataclass
class ParticipationSite:
    app: FastAPI
    engine: Engine
    inbox: Inbox
    admin: User
    moderator: User
    lille_manager: User
    marseille_manager: User

    def client(self) -> TestClient:
        """A new browser (its own cookies); redirects are not followed."""
        return TestClient(self.app, follow_redirects=False)

    def logged_in(self, email_address: str, password: str) -> TestClient:
        client = self.client()
        response = login(client, email_address, password)
        assert response.status_code == 303, response.text
        return client

    def moderator_client(self) -> TestClient:
        return self.logged_in(MODERATOR_EMAIL, MODERATOR_PASSWORD)

    def count(self, table: Table, *where: Any) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(table).where(*where)
            return int(conn.execute(query).scalar_one())

    def scalar(self, query: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()


@contextmanager
def open_participation_site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    backend: str,
    smtp: SmtpServer,
    **settings: object,
) -> Iterator[ParticipationSite]:
    url = new_database_url(backend, request, tmp_path_factory, "loaded")
    options: dict[str, object] = {
        "smtp_host": smtp.host, "smtp_port": smtp.port, "smtp_starttls": False,
        "smtp_sender": "cartotech <no-reply@cartotech.test>", "public_url": PUBLIC_URL,
    }  # fmt: skip
    app = create_app(get_settings(database_url=url, **{**options, **settings}))
    app.state.login_policy = TEST_POLICY
    engine: Engine = app.state.engine
    referential = get_referential()
    load_participation_demo(engine, referential)
    with unit_of_work(engine) as conn:
        admin, _ = create_admin(conn, ADMIN_EMAIL, ADMIN_PASSWORD)
        accounts = [
            create_user(
                conn,
                address,
                by=SystemActor.CLI,
                password=password,
                roles=roles,
                referential=referential,
            )  # fmt: skip
            for address, password, roles in (
                (MODERATOR_EMAIL, MODERATOR_PASSWORD, (RoleGrant(Role.MODERATOR),)),
                (
                    LILLE_MANAGER,
                    MANAGER_PASSWORD,
                    (RoleGrant(Role.TERRITORY_MANAGER, territory_id=LILLE_EPCI),),
                ),
                (
                    MARSEILLE_MANAGER,
                    MANAGER_PASSWORD,
                    (RoleGrant(Role.TERRITORY_MANAGER, territory_id="fr:departement:13"),),
                ),
            )  # fmt: skip
        ]
    try:
        yield ParticipationSite(app, engine, smtp.inbox, admin, *accounts)
    finally:
        engine.dispose()


def post_form(
    client: TestClient, page: str, action: str, data: dict[str, Any], **kwargs: Any
) -> Any:
    """Submit a form as a browser does: GET its page (for the session's CSRF token),
    then POST the fields with the token."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, **kwargs)


# Fixtures: each test module names them (``psite = participation_support.psite``).


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    """One local SMTP server for the session; tests read the messages to their own
    addresses."""
    with smtp_server() as server:
        yield server


@pytest.fixture(params=BACKENDS)
def psite(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer
) -> Iterator[ParticipationSite]:
    """A participation site of its own, on SQLite and on PostgreSQL."""
    with open_participation_site(request, tmp_path_factory, request.param, smtp) as site:
        yield site
