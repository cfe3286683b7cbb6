"""Bulk loading of new actors: batched inserts with explicit ids, for large
CSV imports and the benchmark. Within the caller's unit of work, like every
write; existing keys are refused rather than updated (use ``upsert_actor``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from cartotech.domain import ActorRecord
from cartotech.domain.participation import SystemActor, Who
from cartotech.errors import ConflictError
from cartotech.geo import Referential
from cartotech.normalize import normalize_name
from cartotech.store.actors import actor_values, add_search_terms, search_terms_of
from cartotech.store.audit import record_audit
from cartotech.store.placement import Placement, place_on_territory
from cartotech.store.schema import actor_aliases, actor_sectors, actors

__all__ = ["bulk_insert_actors"]

BATCH = 20_000
RESET_SEQUENCE = (
    "SELECT setval(pg_get_serial_sequence('actors', 'id'), (SELECT max(id) FROM actors))"
)


# SQLite's page cache for the length of a load (KiB). The secondary indexes of ``actors``
# take their keys in random order: with the default 2 MiB, most insertions miss the cache
# and spill pages to the WAL once the table holds a few hundred thousand actors.
LOAD_CACHE_KIB = 64 * 1024
# Loads into a table holding fewer actors than this rebuild its secondary indexes once,
# at the end, rather than updating them row by row.
REBUILD_INDEXES_BELOW = 100_000
FTS_TRIGGER = "actors_fts_insert"
INDEX_NEW_ROWS = (
    "INSERT INTO actor_fts (rowid, search_text) "
    "SELECT id, search_text FROM actors WHERE id >= :first_id"
)


class _SQLiteLoad:
    """What a large load sets aside on SQLite, in the caller's transaction, and restores.

    * A larger page cache (a connection setting, not a durability one).
    * From the second batch on, the FTS5 insert trigger: FTS5 flushes its pending terms
      at the end of every statement the trigger fires in, and merging those small
      segments is most of the cost of a large load; the new rows are indexed at the end
      in one ``INSERT ... SELECT`` instead.
    * When the table held few actors, its secondary (non-unique) indexes, rebuilt once at
      the end from sorted keys. Unique constraints stay in force throughout.

    DDL is transactional in SQLite: when a load fails and the caller rolls back, the
    schema comes back with the rest; whatever happens, the way out restores it. Nothing
    is set aside outside a transaction, where DDL would commit on its own.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.previous_cache: int | None = None
        self.trigger: str | None = None
        self.indexes: list[tuple[str, str]] = []
        self.first_id = 0

    def __enter__(self) -> _SQLiteLoad:
        if self.conn.dialect.name == "sqlite":
            self.previous_cache = int(self.conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
            self.conn.exec_driver_sql(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
        return self

    @property
    def deferring(self) -> bool:
        return self.trigger is not None

    def _in_transaction(self) -> bool:
        return bool(getattr(self.conn.connection.driver_connection, "in_transaction", False))

    def _schema_sql(self, name: str) -> str | None:
        found = self.conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = ?", (name,)
        ).scalar_one_or_none()
        return str(found) if found is not None else None

    def defer(self, first_id: int, rebuild_indexes: bool) -> None:
        """Set aside the FTS5 trigger (and the indexes) for the rows from ``first_id`` on."""
        if self.previous_cache is None or self.deferring or not self._in_transaction():
            return
        trigger = self._schema_sql(FTS_TRIGGER)
        if trigger is None:
            return
        self.trigger, self.first_id = trigger, first_id
        self.conn.exec_driver_sql(f"DROP TRIGGER {FTS_TRIGGER}")
        if rebuild_indexes:
            listed = self.conn.exec_driver_sql("PRAGMA index_list(actors)").all()
            for _seq, name, unique, origin, *_rest in listed:
                sql = self._schema_sql(name) if origin == "c" and not unique else None
                if sql is not None:
                    self.indexes.append((name, sql))
                    self.conn.exec_driver_sql(f'DROP INDEX "{name}"')

    def __exit__(self, *_exc: object) -> None:
        try:
            # A failure SQLite rolled back by itself has brought the schema back already.
            if self.deferring and self._in_transaction():
                for name, sql in self.indexes:
                    if self._schema_sql(name) is None:
                        self.conn.exec_driver_sql(sql)
                if self._schema_sql(FTS_TRIGGER) is None:
                    self.conn.execute(text(INDEX_NEW_ROWS), {"first_id": self.first_id})
                    self.conn.exec_driver_sql(str(self.trigger))
        finally:
            if self.previous_cache is not None:
                self.conn.exec_driver_sql(f"PRAGMA cache_size = {self.previous_cache}")


def _placer(referential: Referential) -> Callable[[str | None], Placement]:
    @lru_cache(maxsize=100_000)
    def place(territory_id: str | None) -> Placement:
        return place_on_territory(territory_id, referential)

    return place


def _insert_batches(
    conn: Connection,
    records: Iterable[ActorRecord],
    source_id: int,
    referential: Referential,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> int:
    place = _placer(referential)
    next_id = int(conn.execute(select(func.coalesce(func.max(actors.c.id), 0))).scalar_one()) + 1
    small_table = next_id - 1 < REBUILD_INDEXES_BELOW
    iterator = iter(records)
    inserted = 0
    with _SQLiteLoad(conn) as load:
        while batch := list(islice(iterator, batch_size)):
            if inserted:
                load.defer(first_id=next_id, rebuild_indexes=small_table)
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
                sectors += [
                    {"actor_id": next_id, "sector": s} for s in dict.fromkeys(record.sectors)
                ]
                terms |= search_terms_of([record.name, *record.aliases])
                next_id += 1
            _refuse_taken_keys(conn, [row["key"] for row in rows])
            if conn.dialect.name == "sqlite" and not load.deferring:
                # With RETURNING, SQLAlchemy sends multi-row INSERTs ("insertmanyvalues"),
                # not a statement a row: while the FTS5 trigger is in place, fewer
                # statements mean fewer flushes of its pending terms. (On PostgreSQL,
                # psycopg's pipelined executemany is three times faster than this.)
                conn.execute(actors.insert().returning(actors.c.id), rows).all()
            else:
                _insert_rows(conn, actors, rows)
            _insert_rows(conn, actor_aliases, aliases)
            _insert_rows(conn, actor_sectors, sectors)
            add_search_terms(conn, terms)
            inserted += len(rows)
            if progress:
                progress(inserted)
    return inserted


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (same keys in each). On SQLite, the statement compiled from the table
    goes straight to the driver's ``executemany``: SQLAlchemy's processing of each row's
    parameters costs more than SQLite's insert, and these columns (numbers, text) need
    no conversion."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=list(rows[0]))
    names = compiled.positiontup or []
    conn.exec_driver_sql(str(compiled), [tuple(row[name] for name in names) for row in rows])


def _refuse_taken_keys(conn: Connection, keys: list[str]) -> None:
    taken = conn.execute(select(actors.c.key).where(actors.c.key.in_(keys)).limit(5))
    duplicates = list(taken.scalars())
    if duplicates or len(set(keys)) != len(keys):
        raise ConflictError(
            f"actor keys already exist or repeat: {', '.join(duplicates) or 'within the input'}"
            "; bulk loading only adds new actors (use `cartotech import` to update)"
        )


def bulk_insert_actors(
    conn: Connection,
    records: Iterable[ActorRecord],
    source_id: int,
    referential: Referential,
    *,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
    by: Who = SystemActor.IMPORT,
) -> int:
    """Insert new actors in batches; returns how many. A key already in the store
    raises ``ConflictError`` and, the caller's transaction rolling back, nothing is kept.

    On SQLite, a load of several batches indexes its rows for search at the end, and
    rebuilds the table's indexes then when it held few actors (see ``_SQLiteLoad``).
    The load is one entry of the audit log, by ``by``.
    """
    inserted = _insert_batches(conn, records, source_id, referential, batch_size, progress)
    if conn.dialect.name == "postgresql" and inserted:
        # Explicit ids leave the serial sequence behind: move it past them.
        conn.execute(text(RESET_SEQUENCE))
    # One audit entry per load, not per actor (a load may bring a million).
    record_audit(conn, by, "actor.bulk_insert", "actor", None,
                 after={"inserted": inserted, "source_id": source_id})  # fmt: skip
    return inserted
