"""Bulk loading of new actors: batched inserts with explicit ids, for large
CSV imports and the benchmark. Within the caller's unit of work, like every
write; existing keys are refused rather than updated (use ``upsert_actor``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import islice
from typing import Any

from sqlalchemy import Connection, func, select, text

from cartotech.domain import ActorRecord
from cartotech.errors import ConflictError
from cartotech.geo import Referential
from cartotech.normalize import normalize_name
from cartotech.store.actors import actor_values, add_search_terms, search_terms_of
from cartotech.store.placement import Placement, place_on_territory
from cartotech.store.schema import actor_aliases, actor_sectors, actors

__all__ = ["bulk_insert_actors"]

BATCH = 20_000
RESET_SEQUENCE = (
    "SELECT setval(pg_get_serial_sequence('actors', 'id'), (SELECT max(id) FROM actors))"
)


def _placer(referential: Referential) -> Callable[[str | None], Placement]:
    @lru_cache(maxsize=100_000)
    def place(territory_id: str | None) -> Placement:
        return place_on_territory(territory_id, referential)

    return place


def bulk_insert_actors(
    conn: Connection,
    records: Iterable[ActorRecord],
    source_id: int,
    referential: Referential,
    *,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert new actors in batches; returns how many. A key already in the store
    raises ``ConflictError`` and, the caller's transaction rolling back, nothing is kept."""
    place = _placer(referential)
    next_id = int(conn.execute(select(func.coalesce(func.max(actors.c.id), 0))).scalar_one()) + 1
    iterator = iter(records)
    inserted = 0
    while batch := list(islice(iterator, batch_size)):
        rows: list[dict[str, Any]] = []
        aliases: list[dict[str, Any]] = []
        sectors: list[dict[str, Any]] = []
        terms: set[str] = set()
        for record in batch:
            placement = place(record.territory_id)
            rows.append({"id": next_id, **actor_values(record, source_id, placement)})
            aliases += [
                {"actor_id": next_id, "alias": a, "alias_norm": normalize_name(a)}
                for a in dict.fromkeys(record.aliases)
            ]
            sectors += [{"actor_id": next_id, "sector": s} for s in dict.fromkeys(record.sectors)]
            terms |= search_terms_of([record.name, *record.aliases])
            next_id += 1
        keys = [row["key"] for row in rows]
        taken = conn.execute(select(actors.c.key).where(actors.c.key.in_(keys)).limit(5))
        duplicates = list(taken.scalars())
        if duplicates or len(set(keys)) != len(keys):
            raise ConflictError(
                f"actor keys already exist or repeat: {', '.join(duplicates) or 'within the input'}"
                "; bulk loading only adds new actors (use `cartotech import` to update)"
            )
        conn.execute(actors.insert(), rows)
        if aliases:
            conn.execute(actor_aliases.insert(), aliases)
        if sectors:
            conn.execute(actor_sectors.insert(), sectors)
        add_search_terms(conn, terms)
        inserted += len(rows)
        if progress:
            progress(inserted)
    if conn.dialect.name == "postgresql" and inserted:
        # Explicit ids leave the serial sequence behind: move it past them.
        conn.execute(text(RESET_SEQUENCE))
    return inserted
