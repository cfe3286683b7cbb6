"""What the CLI and the web app do to a database, as plain functions:
initialise it, import a directory file, build the demo. Each write is one
unit of work: it all lands, or nothing does."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, select

from cartotech.geo import get_referential
from cartotech.ingest import load_directory_file
from cartotech.store import (
    ImportReport,
    create_store_engine,
    import_directory,
    is_migrated,
    load_territories,
    migrate,
    unit_of_work,
)
from cartotech.store.schema import sources

__all__ = ["InitReport", "init_database", "import_file", "build_demo", "curated_directory_path"]


@dataclass(frozen=True)
class InitReport:
    territories_added: int


def init_database(engine: Engine) -> InitReport:
    """Create or migrate the schema and load the territory referential."""
    migrate(engine)
    with unit_of_work(engine) as conn:
        added = load_territories(conn, get_referential())
    return InitReport(territories_added=added)


def import_file(engine: Engine, path: Path, *, max_bytes: int = 20_000_000) -> ImportReport:
    """Validate ``path`` whole, then write it in one transaction."""
    if not is_migrated(engine):
        init_database(engine)
    referential = get_referential()
    with engine.connect() as conn:
        known_sources = set(conn.execute(select(sources.c.key)).scalars())
    bundle = load_directory_file(
        path, referential=referential, max_bytes=max_bytes, known_sources=known_sources
    )
    with unit_of_work(engine) as conn:
        return import_directory(conn, bundle, referential)


def curated_directory_path() -> Path:
    """The curated directory shipped with cartotech (actors of the seed articles)."""
    return Path(str(resources.files("cartotech") / "data" / "directory.yaml"))


def build_demo(database: Path) -> ImportReport:
    """Build (or bring up to date) the demo database at ``database``: the
    full referential and the curated directory. Deterministic and idempotent."""
    engine = create_store_engine(f"sqlite:///{database}")
    try:
        init_database(engine)
        return import_file(engine, curated_directory_path())
    finally:
        engine.dispose()
