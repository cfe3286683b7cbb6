"""Fixtures shared by the whole suite.

``store_url`` and ``loaded_store_url`` are parametrised over SQLite and
PostgreSQL: every test that uses them runs on both. Each test gets its own
fresh database, copied from a template made once per session:

- ``store_url``: as `cartotech init` leaves it (schema and territories);
- ``loaded_store_url``: plus the curated directory and the named fixtures of
  ``tests/fixtures.py``.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from cartotech.domain import DirectoryBundle
from cartotech.geo import get_referential
from cartotech.operations import curated_directory_path, import_file, init_database
from cartotech.store import create_store_engine, import_directory, unit_of_work
from tests.fixtures import SEARCH_FIXTURES, TEST_SOURCE
from tests.pgcluster import PostgresCluster

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BACKENDS = ["sqlite", "postgresql"]
_db_counter = itertools.count()


def init_empty(engine: Engine) -> None:
    init_database(engine)


def init_loaded(engine: Engine) -> None:
    """Applied on a copy of the empty template (schema and territories already there)."""
    import_file(engine, curated_directory_path())
    with unit_of_work(engine) as conn:
        bundle = DirectoryBundle(sources=[TEST_SOURCE], actors=list(SEARCH_FIXTURES))
        import_directory(conn, bundle, get_referential())


# Each template starts as a copy of the one before it.
TEMPLATES: dict[str, Callable[[Engine], None]] = {"empty": init_empty, "loaded": init_loaded}


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster.start()
    admin = create_engine(f"{cluster.url}/postgres", isolation_level="AUTOCOMMIT")
    previous = "template0"
    for name, build in TEMPLATES.items():
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE template_{name} TEMPLATE {previous}"))
        previous = f"template_{name}"
        engine = create_store_engine(f"{cluster.url}/template_{name}")
        build(engine)
        engine.dispose()
    admin.dispose()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for name, build in TEMPLATES.items():
        path = tmp_path_factory.mktemp("template") / f"{name}.db"
        if paths:
            shutil.copyfile(list(paths.values())[-1], path)
        engine = create_store_engine(f"sqlite:///{path}")
        build(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        paths[name] = path
    return paths


def new_database_url(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    template: str = "empty",
) -> str:
    """A fresh database on ``backend``, copied from ``template``; returns its URL."""
    if backend == "sqlite":
        templates: dict[str, Path] = request.getfixturevalue("sqlite_templates")
        path = tmp_path_factory.mktemp("db") / "cartotech.db"
        shutil.copyfile(templates[template], path)
        return f"sqlite:///{path}"
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    name = f"test_{next(_db_counter)}"
    admin = create_engine(f"{cluster.url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE template_{template}"))
    admin.dispose()
    return f"{cluster.url}/{name}"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return new_database_url(request.param, request, tmp_path_factory)


@pytest.fixture(params=BACKENDS)
def loaded_store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    return new_database_url(request.param, request, tmp_path_factory, "loaded")


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = create_store_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def directory_engine(loaded_store_url: str) -> Iterator[Engine]:
    """A store with the curated directory and the named search fixtures."""
    engine = create_store_engine(loaded_store_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SHARED / "seeds"


@pytest.fixture(scope="session")
def extractor() -> Any:
    """The real spaCy pipelines of both languages, loaded once (about 5 s, 1 GB)."""
    from cartotech.extract.pipeline import Extractor

    return Extractor.load()
