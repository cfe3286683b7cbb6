"""The candidacies page and ``GET /api/v1/candidacies`` run as many SQL statements
for six candidacies as for two (no query per candidacy), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cartotech.settings import get_settings
from cartotech.web import create_app
from tests.store.test_query_counts import add_candidacies, statements


@pytest.fixture
def app(store_url: str) -> Iterator[FastAPI]:
    app = create_app(get_settings(database_url=store_url))
    yield app
    app.state.engine.dispose()


@pytest.mark.parametrize("path", ["/candidacies", "/api/v1/candidacies"])
def test_candidacies_are_listed_in_a_fixed_number_of_statements(app: FastAPI, path: str) -> None:
    engine: Engine = app.state.engine

    def listing(client: TestClient) -> int:
        with statements(engine) as seen:
            response = client.get(path)
        assert response.status_code == 200
        assert response.text.count("Candidacy ") == len(ids)
        return len(seen)

    with TestClient(app) as client:
        ids = add_candidacies(engine, 2)
        few = listing(client)
        ids += add_candidacies(engine, 4)
        many = listing(client)
    assert many == few
