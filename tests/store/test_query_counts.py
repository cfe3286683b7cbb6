"""Listings read their rows in a fixed number of SQL statements, however many rows
there are (no query per row), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from cartotech.domain.participation import Role, RoleGrant, SystemActor
from cartotech.geo import get_referential
from cartotech.store import unit_of_work
from cartotech.store.accounts import create_user, list_users
from cartotech.store.candidacies import create_candidacy, get_candidacy, list_candidacies

# Lille's métropole and commune: candidacies and territory managers need real territories.
LILLE_EPCI = "fr:epci:200093201"
LILLE = "fr:commune:59350"


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` runs inside the block, in order."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])  # (conn, cursor, statement, parameters, context, executemany)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_users(engine: Engine, count: int, *, start: int = 0) -> None:
    """``count`` users, each with two role grants (so grants are read for every one)."""
    with unit_of_work(engine) as conn:
        for index in range(start, start + count):
            create_user(
                conn,
                f"user-{index}@example.org",
                by=SystemActor.CLI,
                roles=(
                    RoleGrant(Role.MODERATOR),
                    RoleGrant(Role.TERRITORY_MANAGER, territory_id=LILLE_EPCI),
                ),
            )


def add_candidacies(engine: Engine, count: int) -> list[int]:
    with unit_of_work(engine) as conn:
        return [
            create_candidacy(
                conn,
                programme_key="capitale-french-tech",
                name=f"Candidacy {index}",
                territory_ids=[LILLE_EPCI, LILLE],
                by=SystemActor.CLI,
                referential=get_referential(),
            )
            for index in range(count)
        ]


def test_listing_users_reads_their_grants_at_once(engine: Engine) -> None:
    def listing() -> tuple[int, int]:
        with statements(engine) as seen, engine.connect() as conn:
            users = list_users(conn)
        assert all(len(user.roles) == 2 for user in users)
        return len(users), len(seen)

    add_users(engine, 2)
    few, few_statements = listing()
    add_users(engine, 4, start=2)
    many, many_statements = listing()
    assert (few, many) == (2, 6)
    assert many_statements == few_statements


def test_listing_candidacies_gives_their_territories_at_once(engine: Engine) -> None:
    def listing() -> tuple[int, int]:
        with statements(engine) as seen, engine.connect() as conn:
            rows = list_candidacies(conn)
        assert all(row["territory_ids"] == [LILLE, LILLE_EPCI] for row in rows)
        return len(rows), len(seen)

    add_candidacies(engine, 2)
    few, few_statements = listing()
    add_candidacies(engine, 4)
    many, many_statements = listing()
    assert (few, many) == (2, 6)
    assert many_statements == few_statements


def test_a_listed_candidacy_has_the_territories_get_candidacy_gives(engine: Engine) -> None:
    ids = add_candidacies(engine, 3)
    with engine.connect() as conn:
        listed = {row["id"]: row["territory_ids"] for row in list_candidacies(conn)}
        assert listed == {i: get_candidacy(conn, i)["territory_ids"] for i in ids}
