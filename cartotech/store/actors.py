"""Actors: upsert by key, read one with everything known about it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, or_, select, update

from cartotech.domain import ActorRecord
from cartotech.errors import NotFound
from cartotech.geo import Referential
from cartotech.normalize import name_tokens, normalize_name
from cartotech.store._sql import (
    insert_ignoring_duplicates,
    insert_returning_id,
    source_columns,
    with_source,
)
from cartotech.store.labels import list_awards
from cartotech.store.placement import Placement, place_on_territory
from cartotech.store.schema import (
    actor_aliases,
    actor_identifiers,
    actor_people,
    actor_sectors,
    actors,
    awards,
    facts,
    people,
    relations,
    search_terms,
    sources,
)

__all__ = [
    "latest_actors",
    "actor_values",
    "upsert_actor",
    "get_actor",
    "actor_id_by_key",
    "actor_ids_by_key",
    "add_search_terms",
    "identifiers_of",
]

MIN_TERM_LENGTH = 3


def search_text_of(record: ActorRecord, place_names: tuple[str, ...]) -> str:
    """The folded text search matches against: names, description, sectors, places."""
    parts = [
        record.name,
        *record.aliases,
        record.description_fr or "",
        record.description_en or "",
        *(sector.replace("_", " ") for sector in record.sectors),
        *place_names,
        record.place_label or "",
    ]
    return " ".join(normalize_name(part) for part in parts if part).strip()


def actor_values(record: ActorRecord, source_id: int, placement: Placement) -> dict[str, Any]:
    """The ``actors`` row for ``record`` placed by ``placement`` (without id and timestamps)."""
    return {
        "key": record.key,
        "name": record.name,
        "name_norm": normalize_name(record.name),
        "type": record.type.value,
        "website": record.website,
        "description_fr": record.description_fr,
        "description_en": record.description_en,
        "territory_id": record.territory_id,
        "place_label": record.place_label,
        "commune_code": placement.commune_code,
        "epci_code": placement.epci_code,
        "departement_code": placement.departement_code,
        "region_code": placement.region_code,
        "lat": record.lat if record.lat is not None else placement.lat,
        "lon": record.lon if record.lon is not None else placement.lon,
        "search_text": search_text_of(record, placement.place_names),
        "source_id": source_id,
    }


def search_terms_of(names: list[str]) -> set[str]:
    return {t for name in names for t in name_tokens(name) if len(t) >= MIN_TERM_LENGTH}


def add_search_terms(conn: Connection, terms: set[str]) -> None:
    insert_ignoring_duplicates(conn, search_terms, [{"term": t} for t in sorted(terms)])


def _sync_aliases(conn: Connection, actor_id: int, aliases: tuple[str, ...]) -> bool:
    wanted = {alias: normalize_name(alias) for alias in aliases}
    current = set(
        conn.execute(
            select(actor_aliases.c.alias).where(actor_aliases.c.actor_id == actor_id)
        ).scalars()
    )
    if current == set(wanted):
        return False
    conn.execute(delete(actor_aliases).where(actor_aliases.c.actor_id == actor_id))
    if wanted:
        conn.execute(
            actor_aliases.insert(),
            [{"actor_id": actor_id, "alias": a, "alias_norm": n} for a, n in wanted.items()],
        )
    return True


def _sync_sectors(conn: Connection, actor_id: int, sectors: tuple[str, ...]) -> bool:
    current = set(
        conn.execute(
            select(actor_sectors.c.sector).where(actor_sectors.c.actor_id == actor_id)
        ).scalars()
    )
    if current == set(sectors):
        return False
    conn.execute(delete(actor_sectors).where(actor_sectors.c.actor_id == actor_id))
    if sectors:
        conn.execute(
            actor_sectors.insert(), [{"actor_id": actor_id, "sector": s} for s in set(sectors)]
        )
    return True


def upsert_actor(
    conn: Connection, record: ActorRecord, source_id: int, referential: Referential
) -> tuple[int, str]:
    """Create the actor or bring it up to date; ``created``, ``updated`` or ``unchanged``."""
    placement = place_on_territory(record.territory_id, referential)
    values = actor_values(record, source_id, placement)
    existing = conn.execute(select(actors).where(actors.c.key == record.key)).mappings().first()
    if existing is None:
        actor_id = insert_returning_id(conn, actors, values)
        outcome = "created"
    else:
        actor_id = int(existing["id"])
        changed = {k: v for k, v in values.items() if existing[k] != v}
        if changed:
            conn.execute(
                update(actors)
                .where(actors.c.id == actor_id)
                .values(**changed, updated_at=func.now())
            )
        outcome = "updated" if changed else "unchanged"
    aliases_changed = _sync_aliases(conn, actor_id, record.aliases)
    sectors_changed = _sync_sectors(conn, actor_id, record.sectors)
    if outcome == "unchanged" and (aliases_changed or sectors_changed):
        conn.execute(update(actors).where(actors.c.id == actor_id).values(updated_at=func.now()))
        outcome = "updated"
    add_search_terms(conn, search_terms_of([record.name, *record.aliases]))
    return actor_id, outcome


def actor_id_by_key(conn: Connection, key: str) -> int | None:
    return conn.execute(select(actors.c.id).where(actors.c.key == key)).scalar_one_or_none()


def actor_ids_by_key(conn: Connection, keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = conn.execute(select(actors.c.key, actors.c.id).where(actors.c.key.in_(sorted(keys))))
    return dict(rows.all())


def identifiers_of(conn: Connection, actor_ids: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """The official identifiers of each actor by scheme (``siren``, ``siret``), sorted;
    actors without any are left out. One statement for all the actors."""
    wanted = sorted(set(actor_ids))
    found: dict[int, dict[str, list[str]]] = {}
    if not wanted:
        return found
    columns = (actor_identifiers.c.actor_id, actor_identifiers.c.scheme, actor_identifiers.c.value)
    rows = conn.execute(
        select(*columns).where(actor_identifiers.c.actor_id.in_(wanted)).order_by(*columns)
    )
    for actor_id, scheme, value in rows:
        found.setdefault(actor_id, {}).setdefault(scheme, []).append(value)
    return found


def get_actor(conn: Connection, actor_id: int) -> dict[str, Any]:
    """The actor with aliases, sectors, facts, relations both ways, people and awards.

    Facts are ordered so that, for each kind, the most recent value comes first:
    conflicting values are all kept, side by side.
    """
    row = (
        conn.execute(
            select(actors, *source_columns())
            .join(sources, sources.c.id == actors.c.source_id)
            .where(actors.c.id == actor_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no actor with id {actor_id}")
    actor = with_source(row)
    actor.pop("search_text", None)
    actor["aliases"] = sorted(
        conn.execute(
            select(actor_aliases.c.alias).where(actor_aliases.c.actor_id == actor_id)
        ).scalars()
    )
    actor["sectors"] = sorted(
        conn.execute(
            select(actor_sectors.c.sector).where(actor_sectors.c.actor_id == actor_id)
        ).scalars()
    )
    fact_rows = conn.execute(
        select(facts, *source_columns())
        .join(sources, sources.c.id == facts.c.source_id)
        .where(facts.c.actor_id == actor_id)
        .order_by(facts.c.kind, facts.c.as_of.desc().nulls_last(), facts.c.id)
    ).mappings()
    actor["facts"] = [with_source(r) for r in fact_rows]
    actor["relations"] = _relations_of(conn, actor_id)
    actor["people"] = [
        with_source(r)
        for r in conn.execute(
            select(people.c.name, actor_people.c.role, *source_columns())
            .join(people, people.c.id == actor_people.c.person_id)
            .join(sources, sources.c.id == actor_people.c.source_id)
            .where(actor_people.c.actor_id == actor_id)
            .order_by(people.c.name_norm)
        ).mappings()
    ]
    # A programme's page lists the awards of that programme; a holder's, its own.
    actor["awards"] = list_awards(
        conn, or_(awards.c.actor_id == actor_id, awards.c.programme_id == actor_id)
    )
    return actor


def _relations_of(conn: Connection, actor_id: int) -> list[dict[str, Any]]:
    """Relations where the actor is subject ("outgoing") or object ("incoming")."""
    result: list[dict[str, Any]] = []
    for direction, own, other in (
        ("outgoing", relations.c.subject_id, relations.c.object_id),
        ("incoming", relations.c.object_id, relations.c.subject_id),
    ):
        rows = conn.execute(
            select(
                relations.c.predicate,
                relations.c.start_on,
                relations.c.end_on,
                actors.c.id.label("actor_id"),
                actors.c.name.label("actor_name"),
                actors.c.type.label("actor_type"),
                *source_columns(),
            )
            .join(actors, actors.c.id == other)
            .join(sources, sources.c.id == relations.c.source_id)
            .where(own == actor_id)
            .order_by(relations.c.predicate, actors.c.name_norm)
        ).mappings()
        result.extend({"direction": direction, **with_source(r)} for r in rows)
    return result


def latest_actors(conn: Connection, limit: int = 8) -> list[dict[str, Any]]:
    """The most recently added actors."""
    rows = conn.execute(
        select(
            actors.c.id, actors.c.name, actors.c.type, actors.c.territory_id, actors.c.created_at
        )
        .order_by(actors.c.created_at.desc(), actors.c.id.desc())
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]
