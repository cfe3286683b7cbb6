"""Label programmes as a search filter: the actors a label covers.

An actor is covered by a programme when it holds an award of it, or when it
sits in a territory that holds one (an actor in Lille is in a Capitale French
Tech territory). Coverage is computed from the awards and the referential.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, false, or_, select

from cartotech.geo import Referential
from cartotech.store._sql import source_columns, with_source
from cartotech.store.schema import actors, awards, sources

__all__ = [
    "LabelCoverage",
    "label_coverage",
    "label_condition",
    "label_programmes",
    "list_awards",
]


@dataclass(frozen=True)
class LabelCoverage:
    programme_key: str
    programme_name: str
    actor_ids: frozenset[int]
    commune_codes: frozenset[str]
    epci_codes: frozenset[str]
    departement_codes: frozenset[str]
    region_codes: frozenset[str]


def label_programmes(conn: Connection) -> list[tuple[str, str]]:
    """(key, name) of the programmes that have at least one award, by name."""
    rows = conn.execute(
        select(actors.c.key, actors.c.name)
        .where(actors.c.id.in_(select(awards.c.programme_id)))
        .order_by(actors.c.name_norm)
    )
    return [(key, name) for key, name in rows]


def label_coverage(conn: Connection, programme_key: str, referential: Referential) -> LabelCoverage:
    rows = conn.execute(
        select(actors.c.name, awards.c.actor_id, awards.c.territory_id)
        .join(actors, actors.c.id == awards.c.programme_id)
        .where(actors.c.key == programme_key)
    ).all()
    name = rows[0].name if rows else programme_key
    actor_ids = {r.actor_id for r in rows if r.actor_id is not None}
    levels: dict[str, set[str]] = {
        "commune": set(),
        "epci": set(),
        "departement": set(),
        "region": set(),
    }
    for row in rows:
        if row.territory_id is None or not referential.exists(row.territory_id):
            continue
        territory = referential.get(row.territory_id)
        if territory.level == "group":
            levels["commune"].update(c.code for c in referential.communes_of(territory.id))
        else:
            levels[territory.level].add(territory.code)
            if territory.level == "commune":
                levels["commune"].update(c.code for c in referential.communes_of(territory.id))
    return LabelCoverage(
        programme_key=programme_key,
        programme_name=name,
        actor_ids=frozenset(actor_ids),
        commune_codes=frozenset(levels["commune"]),
        epci_codes=frozenset(levels["epci"]),
        departement_codes=frozenset(levels["departement"]),
        region_codes=frozenset(levels["region"]),
    )


def label_condition(coverage: LabelCoverage) -> ColumnElement[bool]:
    """The actors ``coverage`` covers."""
    parts = [
        (actors.c.id, coverage.actor_ids),
        (actors.c.commune_code, coverage.commune_codes),
        (actors.c.epci_code, coverage.epci_codes),
        (actors.c.departement_code, coverage.departement_codes),
        (actors.c.region_code, coverage.region_codes),
    ]
    conditions = [column.in_(sorted(values)) for column, values in parts if values]
    return or_(*conditions) if conditions else false()


def list_awards(conn: Connection, where: ColumnElement[bool]) -> list[dict[str, Any]]:
    """Awards matching ``where``, newest first, with their programme and ``source``."""
    rows = conn.execute(
        select(
            awards.c.name,
            awards.c.territory_id,
            awards.c.awarded_on,
            awards.c.valid_until,
            actors.c.id.label("programme_id"),
            actors.c.name.label("programme_name"),
            *source_columns(),
        )
        .join(actors, actors.c.id == awards.c.programme_id)
        .join(sources, sources.c.id == awards.c.source_id)
        .where(where)
        .order_by(awards.c.awarded_on.desc(), awards.c.name)
    ).mappings()
    return [with_source(r) for r in rows]
