"""Small SQL helpers shared by the store modules (dialect differences live here)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

from cartotech.store.schema import sources


def fingerprint(*parts: object) -> str:
    """A stable content hash: the identity of a fact, relation, role or award."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def insert_ignoring_duplicates(
    conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Insert rows, skipping those that break a unique constraint; return how many went in."""
    rows = list(rows)
    if not rows:
        return 0
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    # One compiled statement run as an executemany (SQLAlchemy batches it into
    # multi-row INSERTs); RETURNING gives back exactly the rows that went in,
    # where drivers do not agree on rowcount.
    statement = dialect.insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return len(conn.execute(statement, rows).all())


def insert_returning_id(conn: Connection, table: Table, values: Mapping[str, Any]) -> int:
    """Insert one row and return its integer primary key."""
    return int(conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one())


def source_columns() -> list[Any]:
    """The ``sources`` columns to join to a fact-like row, prefixed ``source_``."""
    return [
        sources.c.key.label("source_key"),
        sources.c.kind.label("source_kind"),
        sources.c.title.label("source_title"),
        sources.c.file_name.label("source_file_name"),
        sources.c.url.label("source_url"),
        sources.c.published_on.label("source_published_on"),
        sources.c.submitter.label("source_submitter"),
    ]


def with_source(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The row with its ``source_*`` columns folded into a nested ``source`` dict."""
    data = dict(row)
    data["source"] = {
        k[len("source_") :]: data.pop(k) for k in list(data) if k.startswith("source_")
    }
    return data
