"""Fixtures of the participation tests: a fixed clock, a fast password hasher, people
with roles. Every test runs on SQLite and PostgreSQL (``directory_engine``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from cartotech.domain.participation import Role, RoleGrant, SystemActor, User
from cartotech.geo import Referential, get_referential
from cartotech.store import actor_id_by_key, unit_of_work
from cartotech.store.accounts import create_user

# The clock of every test: writes take it as ``now``.
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
LILLE_EPCI = "fr:epci:200093201"  # Métropole Européenne de Lille
LILLE = "fr:commune:59350"
BORDEAUX_EPCI = "fr:epci:243300316"
NORD = "fr:departement:59"


@pytest.fixture(scope="session")
def fast_hasher() -> PasswordHasher:
    """argon2id with the smallest parameters: tests hash many passwords."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session")
def referential() -> Referential:
    return get_referential()


MakeUser = Callable[..., User]


@pytest.fixture
def make_user(directory_engine: Engine, fast_hasher: PasswordHasher) -> MakeUser:
    """``make_user("a@example.org", RoleGrant(Role.ADMIN), password=...)``, committed."""

    def make(email: str, *grants: RoleGrant, password: str | None = PASSWORD) -> User:
        with unit_of_work(directory_engine) as conn:
            return create_user(
                conn,
                email,
                by=SystemActor.CLI,
                password=password,
                roles=grants,
                now=NOW,
                hasher=fast_hasher,
            )

    return make


@pytest.fixture
def admin(make_user: MakeUser) -> User:
    return make_user("admin@example.org", RoleGrant(Role.ADMIN))


@pytest.fixture
def moderator(make_user: MakeUser) -> User:
    return make_user("moderator@example.org", RoleGrant(Role.MODERATOR))


@pytest.fixture
def lille_manager(make_user: MakeUser) -> User:
    """Manages the Métropole Européenne de Lille (and so its communes)."""
    return make_user(
        "lille@example.org", RoleGrant(Role.TERRITORY_MANAGER, territory_id=LILLE_EPCI)
    )


def actor_id(engine: Engine, key: str) -> int:
    with engine.connect() as conn:
        found = actor_id_by_key(conn, key)
    assert found is not None, key
    return found
