from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from cartotech.settings import get_settings
from cartotech.web import create_app
from tests.conftest import BACKENDS, new_database_url


@pytest.fixture(scope="session", params=BACKENDS)
def web_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """One app per backend over the loaded store; the web tests only read it."""
    url = new_database_url(request.param, request, tmp_path_factory, "loaded")
    app = create_app(get_settings(database_url=url))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    """A fresh client (and cookie jar) per test."""
    with TestClient(web_app) as test_client:
        yield test_client
