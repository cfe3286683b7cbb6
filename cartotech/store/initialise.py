"""A database made ready for cartotech: the schema at head and the territory
referential loaded. What ``cartotech init`` does, and what every command that
writes does first to a database that has no schema yet."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from cartotech.geo import get_referential
from cartotech.store.engine import migrate, unit_of_work
from cartotech.store.territories import load_territories

__all__ = ["InitReport", "init_database"]


@dataclass(frozen=True)
class InitReport:
    territories_added: int


def init_database(engine: Engine) -> InitReport:
    """Create or migrate the schema and load the territory referential."""
    migrate(engine)
    with unit_of_work(engine) as conn:
        added = load_territories(conn, get_referential())
    return InitReport(territories_added=added)
