"""Engines, units of work and migrations.

``unit_of_work`` is the one way to write: everything done inside it commits
together or not at all. Repository functions take the connection it yields
and never commit themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError, OperationalError

from cartotech.errors import ConfigurationError

__all__ = ["create_store_engine", "unit_of_work", "migrate", "is_migrated", "dialect_of"]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers run during a write.
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def create_store_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` (``sqlite:///file.db`` or ``postgresql+psycopg://…``)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise ConfigurationError(
            f"cannot use database URL {url!r}: {exc}. Expected sqlite:///path.db or "
            "postgresql+psycopg://user:password@host:port/dbname",
            field="database_url",
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def dialect_of(bind: Engine | Connection) -> str:
    return bind.dialect.name


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Connection]:
    """One transaction: commit when the block ends, roll back if it raises."""
    with engine.begin() as connection:
        yield connection


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (creating it on an empty database)."""
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), revision)
    except OperationalError as exc:
        raise ConfigurationError(
            f"cannot migrate the database at {engine.url!r}: {exc.orig}"
        ) from None


def is_migrated(engine: Engine) -> bool:
    """True when the database has cartotech's tables."""
    return inspect(engine).has_table("actors")
