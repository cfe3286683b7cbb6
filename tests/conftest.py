"""Fixtures shared by the whole suite.

``store_url`` is parametrised over SQLite and PostgreSQL: every test that
uses it (directly or through ``engine``) runs on both. Each test gets its own
fresh database as `cartotech init` leaves it (schema and territories): a
copy of a template made once per session.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from cartotech.operations import init_database
from cartotech.store import create_store_engine
from tests.pgcluster import PostgresCluster

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BACKENDS = ["sqlite", "postgresql"]
_db_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster.start()
    template = create_store_engine(f"{cluster.url}/postgres", isolation_level="AUTOCOMMIT")
    with template.connect() as conn:
        conn.execute(text("CREATE DATABASE cartotech_template"))
    template.dispose()
    engine = create_store_engine(f"{cluster.url}/cartotech_template")
    init_database(engine)
    engine.dispose()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_store_engine(f"sqlite:///{path}")
    init_database(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def new_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A fresh migrated database on ``backend``; returns its URL."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("db") / "cartotech.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
    name = f"test_{next(_db_counter)}"
    admin = create_engine(f"{cluster.url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE cartotech_template"))
    admin.dispose()
    return f"{cluster.url}/{name}"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return new_database_url(request.param, request, tmp_path_factory)


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = create_store_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SHARED / "seeds"
