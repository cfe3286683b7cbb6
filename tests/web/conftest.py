from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from cartotech.domain import DirectoryBundle
from cartotech.geo import get_referential
from cartotech.operations import curated_directory_path, import_file
from cartotech.settings import get_settings
from cartotech.store import import_directory, unit_of_work
from cartotech.web import create_app
from tests.fixtures import SEARCH_FIXTURES, TEST_SOURCE


@pytest.fixture
def client(engine: Engine, store_url: str) -> Iterator[TestClient]:
    import_file(engine, curated_directory_path())
    with unit_of_work(engine) as conn:
        bundle = DirectoryBundle(sources=[TEST_SOURCE], actors=list(SEARCH_FIXTURES))
        import_directory(conn, bundle, get_referential())
    app = create_app(get_settings(database_url=store_url))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()
