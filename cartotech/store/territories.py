"""The referential in the store, and actor counts per territory."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, or_, select

from cartotech.errors import InputError
from cartotech.geo import Referential, Territory
from cartotech.normalize import normalize_name
from cartotech.store._sql import insert_ignoring_duplicates, source_columns, with_source
from cartotech.store.labels import list_awards
from cartotech.store.schema import actors, awards, facts, sources, territories

__all__ = [
    "load_territories",
    "territory_condition",
    "actor_counts_by_type",
    "count_actors_by",
    "territory_facts",
    "territory_awards",
]

BATCH = 5_000
LEVELS = ("region", "departement", "epci", "commune", "group")
# Which denormalised actor column holds the code of a territory of each level.
_ACTOR_COLUMN = {
    "region": actors.c.region_code,
    "departement": actors.c.departement_code,
    "epci": actors.c.epci_code,
    "commune": actors.c.commune_code,
}


def _territory_rows(referential: Referential) -> Iterator[dict[str, Any]]:
    for level in LEVELS:
        for t in referential.all(level):
            yield {
                "id": t.id,
                "level": t.level,
                "code": t.code,
                "name": t.name,
                "name_norm": normalize_name(t.name),
                "kind": t.kind,
                "population": t.population,
                "lat": t.lat,
                "lon": t.lon,
                "parent_id": t.parent_id,
                "epci_code": t.epci_code,
                "departement_code": t.departement_code,
                "region_code": t.region_code,
            }


def load_territories(conn: Connection, referential: Referential) -> int:
    """Copy the referential into the ``territories`` table; returns rows added."""
    rows = _territory_rows(referential)
    added = 0
    while batch := list(islice(rows, BATCH)):
        added += insert_ignoring_duplicates(conn, territories, batch)
    return added


def territory_condition(territory: Territory, referential: Referential) -> ColumnElement[bool]:
    """The SQL condition selecting the actors placed in ``territory`` (any level)."""
    if territory.level == "group":
        codes = [c.code for c in referential.communes_of(territory.id)]
        return or_(actors.c.commune_code.in_(codes), actors.c.territory_id == territory.id)
    if territory.level == "commune":
        codes = [c.code for c in referential.communes_of(territory.id)]
        return actors.c.commune_code.in_(codes)
    return _ACTOR_COLUMN[territory.level] == territory.code


def actor_counts_by_type(
    conn: Connection, territory: Territory, referential: Referential
) -> dict[str, int]:
    rows = conn.execute(
        select(actors.c.type, func.count())
        .where(territory_condition(territory, referential))
        .group_by(actors.c.type)
        .order_by(actors.c.type)
    )
    return {actor_type: int(count) for actor_type, count in rows.all()}


def count_actors_by(conn: Connection, level: str) -> list[tuple[str, int]]:
    """Actors per territory code of ``level`` (region, departement, epci, commune)."""
    if level not in _ACTOR_COLUMN:
        raise InputError(
            f"cannot count actors by {level!r}: expected one of {', '.join(_ACTOR_COLUMN)}",
            field="level",
        )
    column = _ACTOR_COLUMN[level]
    rows = conn.execute(
        select(column, func.count())
        .where(column.is_not(None))
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    return [(code, count) for code, count in rows]


def territory_facts(conn: Connection, territory_id: str) -> list[dict[str, Any]]:
    """Facts about the territory itself, each with its ``source``, most recent first."""
    rows = conn.execute(
        select(facts, *source_columns())
        .join(sources, sources.c.id == facts.c.source_id)
        .where(facts.c.territory_id == territory_id)
        .order_by(facts.c.kind, facts.c.as_of.desc().nulls_last(), facts.c.id)
    ).mappings()
    return [with_source(r) for r in rows]


def territory_awards(conn: Connection, territory_id: str) -> list[dict[str, Any]]:
    """The labels a territory holds, newest first, each with its source."""
    return list_awards(conn, awards.c.territory_id == territory_id)
