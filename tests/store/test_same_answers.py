"""Search gives the same answers on SQLite and PostgreSQL for the same data."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from cartotech.geo import get_referential
from cartotech.store import ActorQuery, create_store_engine, search_actors
from tests.conftest import new_database_url

QUERIES = [
    ActorQuery(text=""),
    ActorQuery(text="lille"),
    ActorQuery(text="euratechnology"),
    ActorQuery(text="french tech", sort="name"),
    ActorQuery(text="marseille", types=("incubator", "accelerator")),
    ActorQuery(text="atlantis"),
    ActorQuery(text="a"),
    ActorQuery(territory_id="fr:region:93"),
    ActorQuery(text="start", sectors=("digital",)),
]


@pytest.fixture(scope="module")
def engines(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    loaded = {
        backend: create_store_engine(new_database_url(backend, request, tmp_path_factory, "loaded"))
        for backend in ("sqlite", "postgresql")
    }
    yield loaded
    for engine in loaded.values():
        engine.dispose()


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.text or str(q.territory_id))
def test_sqlite_and_postgresql_agree(engines: dict[str, Engine], query: ActorQuery) -> None:
    answers = {}
    for backend, engine in engines.items():
        with engine.connect() as conn:
            result = search_actors(conn, query, get_referential())
        answers[backend] = (
            [item["key"] for item in result.items],
            result.total,
            result.facets,
            result.corrected,
        )
    assert answers["sqlite"] == answers["postgresql"]
    assert answers["sqlite"][1] > 0
