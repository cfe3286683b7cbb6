from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cartotech.settings import get_settings
from cartotech.web import create_app


@pytest.fixture
def client(loaded_store_url: str) -> Iterator[TestClient]:
    """The app over a store holding the curated directory and the named fixtures."""
    app = create_app(get_settings(database_url=loaded_store_url))
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()
