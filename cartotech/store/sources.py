"""Sources: the documents, records, files and submitters facts come from."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, func, select, update

from cartotech.domain import SourceRecord
from cartotech.errors import NotFound
from cartotech.store._sql import insert_returning_id
from cartotech.store.schema import sources

__all__ = ["ensure_source", "source_id_by_key", "get_source"]


def _source_values(record: SourceRecord) -> dict[str, Any]:
    values = asdict(record)
    values["kind"] = record.kind.value
    return values


def ensure_source(conn: Connection, record: SourceRecord) -> tuple[int, str]:
    """Insert the source, or update it when its fields changed.

    Returns its id and what happened: ``created``, ``updated`` or ``unchanged``.
    """
    values = _source_values(record)
    existing = conn.execute(select(sources).where(sources.c.key == record.key)).mappings().first()
    if existing is None:
        return insert_returning_id(conn, sources, values), "created"
    changed = {k: v for k, v in values.items() if existing[k] != v}
    if not changed:
        return int(existing["id"]), "unchanged"
    conn.execute(
        update(sources)
        .where(sources.c.id == existing["id"])
        .values(**changed, updated_at=func.now())
    )
    return int(existing["id"]), "updated"


def source_id_by_key(conn: Connection, key: str) -> int | None:
    return conn.execute(select(sources.c.id).where(sources.c.key == key)).scalar_one_or_none()


def get_source(conn: Connection, source_id: int) -> dict[str, Any]:
    row = conn.execute(select(sources).where(sources.c.id == source_id)).mappings().first()
    if row is None:
        raise NotFound(f"no source with id {source_id}")
    return dict(row)
