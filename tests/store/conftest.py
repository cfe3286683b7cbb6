from __future__ import annotations

import pytest
from sqlalchemy import Engine

from cartotech.domain import DirectoryBundle
from cartotech.geo import get_referential
from cartotech.operations import curated_directory_path, import_file
from cartotech.store import import_directory, unit_of_work
from tests.fixtures import SEARCH_FIXTURES, TEST_SOURCE


@pytest.fixture
def directory_engine(engine: Engine) -> Engine:
    """A store with the curated directory and the named search fixtures."""
    import_file(engine, curated_directory_path())
    bundle = DirectoryBundle(sources=[TEST_SOURCE], actors=list(SEARCH_FIXTURES))
    with unit_of_work(engine) as conn:
        import_directory(conn, bundle, get_referential())
    return engine
